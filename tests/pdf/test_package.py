"""The agenda package (dagsorden med bilag), rendered through the job's own path and read back:
attachments in place with separators, the table of contents naming their pages, nested
bookmarks, page numbers running on, the public and internal variants, files that cannot be
appended, and the content hash following the files."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from django.core.files.base import ContentFile

from meetings.models import AgendaItem, Attachment, Body, Meeting
from pdf import services
from pdf.content import build_document, content_hash
from pdf.models import PdfJob
from tests.conftest import People
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.pdf.pdfread import ReadPdf

pytestmark = pytest.mark.django_db

PDF = "application/pdf"


def pdf_with_pages(*texts: str) -> bytes:
    """A real PDF, one page per text, each page saying its text."""
    pages = "".join(f'<p style="break-before: page">{text}</p>' for text in texts)
    return weasyprint.HTML(string=f"<html lang='da'><body>{pages}</body></html>").write_pdf()


def attach(item: AgendaItem, title: str, data: bytes, *, content_type: str = PDF,
           internal: bool = False, name: str = "bilag.pdf") -> Attachment:  # fmt: skip
    attachment = Attachment(item=item, title=title, content_type=content_type,
                            size=len(data), internal=internal,
                            position=item.attachments.count() + 1)  # fmt: skip
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def agenda(people: People) -> Meeting:
    """Three items: the first with a two-page PDF, an internal PDF and a spreadsheet; the
    second closed, with a PDF of its own; the third with a broken and an encrypted PDF."""
    meeting = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
    first = AgendaItemFactory(meeting=meeting, title="Renovering af tagrender")
    closed = AgendaItemFactory(meeting=meeting, title="Personalesag", closed=True)
    third = AgendaItemFactory(meeting=meeting, title="Budgetopfølgning")
    attach(first, "Tilbud fra entreprenør", pdf_with_pages("TAGRENDE-SIDE-EN", "TAGRENDE-SIDE-TO"))
    attach(first, "Arbejdsnotat", pdf_with_pages("INTERNT-NOTAT-MARKOER"), internal=True)
    attach(first, "Regneark", b"PK\x03\x04 not really", content_type="application/vnd.ms-excel",
           name="regneark.xls")  # fmt: skip
    attach(closed, "Lægeerklæring", pdf_with_pages("LUKKET-BILAG-MARKOER"))
    attach(third, "Ødelagt fil", b"%PDF-1.7\nthis is not a pdf at all")
    encrypted = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_with_pages("KRYPTERET-MARKOER"))) as source:
        source.save(encrypted, encryption=pikepdf.Encryption(user="hemmelig", owner="hemmelig"))
    attach(third, "Krypteret fil", encrypted.getvalue())
    return meeting


def render_package(meeting: Meeting, variant: str, user: object) -> ReadPdf:
    """Request and run the job as the worker would (in this process)."""
    job = services.pdf_request(meeting=meeting, variant=variant, document="agenda", actor=user)
    done = services.pdf_job_run(job_id=job.pk)
    assert done is not None and done.status == PdfJob.Status.DONE, done and done.error
    return ReadPdf(services.pdf_file_path(done).read_bytes())


def outline(reader: ReadPdf) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(entries: list[object], depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                page = reader.reader.get_destination_page_number(entry) + 1
                found.append((depth, str(entry.title), page))

    walk(reader.reader.outline, 0)
    return found


def page_of(pdf: ReadPdf, marker: str) -> int:
    pages = [n for n, text in enumerate(pdf.pages, start=1) if marker in text]
    assert len(pages) == 1, (marker, pages)
    return pages[0]


@pytest.fixture
def internal_package(agenda: Meeting, people: People) -> ReadPdf:
    return render_package(agenda, "internal", people.secretary)


class TestInternalPackage:
    # One rendering, read back for each property of the package in turn.
    def test_it_reads_as_a_council_member_expects(self, internal_package: ReadPdf) -> None:
        pdf = internal_package
        toc = dict(pdf.toc())
        headings = pdf.heading_pages()
        first = page_of(pdf, "TAGRENDE-SIDE-EN")

        # The table of contents names the pages where the attachments' own text stands.
        assert toc["Bilag 1: Tilbud fra entreprenør"] == first
        assert page_of(pdf, "TAGRENDE-SIDE-TO") == first + 1
        assert toc["Bilag 2: Arbejdsnotat"] == page_of(pdf, "INTERNT-NOTAT-MARKOER")
        assert toc["Bilag 1: Lægeerklæring"] == page_of(pdf, "LUKKET-BILAG-MARKOER")
        # Items carry their numbers in the table of contents.
        assert toc["Punkt 1: Renovering af tagrender"] == headings[1]
        assert toc["Punkt 2: Personalesag"] == headings[2]
        assert toc["Bilag 3: Regneark (Excel-fil, ikke vedlagt; kan hentes i Referat)"] == 0

        # Each attachment follows its item, after a separator page.
        assert "Bilag 1: Tilbud fra entreprenør" in pdf.pages[first - 2]
        assert "Bilag til punkt 1: Renovering af tagrender" in pdf.pages[first - 2]
        assert headings[1] < first < headings[2] < page_of(pdf, "LUKKET-BILAG-MARKOER")

        # Page numbers run on across the attachment pages.
        total = len(pdf.pages)
        for number in (first, first + 1):
            assert f"Side {number} af {total}" in pdf.pages[number - 1]

        # Files that cannot be appended are listed with a Danish note.
        text = pdf.text
        assert "Bilag 3: Regneark (Excel-fil, ikke vedlagt; kan hentes i Referat)" in text
        assert "Bilaget kunne ikke læses som PDF og er ikke vedlagt." in text
        assert "Bilaget er beskyttet med adgangskode og kan ikke vedlægges." in text
        assert "KRYPTERET-MARKOER" not in text

    def test_bookmarks_nest_each_attachment_under_its_item(self, internal_package: ReadPdf) -> None:
        pdf = internal_package
        marks = outline(pdf)
        titles = [(depth, title) for depth, title, _page in marks]
        item_one = titles.index((0, "Punkt 1: Renovering af tagrender"))
        assert titles[item_one + 1 : item_one + 3] == [
            (1, "Bilag 1: Tilbud fra entreprenør"),
            (1, "Bilag 2: Arbejdsnotat"),
        ]
        item_two = titles.index((0, "Punkt 2: Personalesag"))
        assert titles[item_two + 1] == (1, "Bilag 1: Lægeerklæring")
        separator = next(p for _d, t, p in marks if t == "Bilag 1: Tilbud fra entreprenør")
        assert separator + 1 == page_of(pdf, "TAGRENDE-SIDE-EN")

    def test_it_no_longer_claims_pdf_ua_or_pdf_a_but_keeps_its_own_tags(
        self, internal_package: ReadPdf
    ) -> None:
        with pikepdf.open(io.BytesIO(internal_package.data)) as pdf:
            meta = pdf.open_metadata()
            assert "pdfuaid:part" not in meta and "pdfaid:part" not in meta
            assert "/StructTreeRoot" in pdf.Root
            assert str(pdf.Root.Lang) == "da"


class TestUploadedContent:
    def test_nothing_active_from_an_upload_reaches_the_package(
        self, agenda: Meeting, people: People
    ) -> None:
        item = agenda.items.get(number=3)
        with pikepdf.open(io.BytesIO(pdf_with_pages("AKTIV-MARKOER"))) as source:
            script = source.make_indirect(
                pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
            )
            source.Root.OpenAction = script
            source.pages[0].obj.AA = pikepdf.Dictionary(O=script)
            data = io.BytesIO()
            source.save(data)
        attach(item, "Aktivt indhold", data.getvalue())
        pdf = render_package(agenda, "internal", people.secretary)
        assert "AKTIV-MARKOER" in pdf.text
        with pikepdf.open(io.BytesIO(pdf.data)) as out:
            assert "/OpenAction" not in out.Root
            assert all("/AA" not in page.obj for page in out.pages)
            raw = b"".join(
                bytes(obj.read_bytes()) if isinstance(obj, pikepdf.Stream) else b""
                for obj in out.objects
            )
        assert b"app.alert" not in raw and b"app.alert" not in pdf.data


class TestPublicPackage:
    def test_it_holds_no_closed_item_or_internal_attachment(
        self, agenda: Meeting, people: People, tmp_path: Path
    ) -> None:
        pdf = render_package(agenda, "public", people.secretary)
        assert "TAGRENDE-SIDE-EN" in pdf.text
        for secret in ("LUKKET-BILAG-MARKOER", "Lægeerklæring", "INTERNT-NOTAT-MARKOER",
                       "Arbejdsnotat"):  # fmt: skip
            assert secret not in pdf.text
        # pdftotext reads the file another way than pypdf: the same holds.
        path = tmp_path / "public.pdf"
        path.write_bytes(pdf.data)
        text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout  # fmt: skip
        assert "TAGRENDE-SIDE-TO" in text
        assert "LUKKET-BILAG-MARKOER" not in text and "INTERNT-NOTAT-MARKOER" not in text


class TestAtTheEnd:
    def test_the_body_can_have_all_attachments_after_the_last_item(
        self, agenda: Meeting, people: People
    ) -> None:
        Body.objects.filter(pk=people.body.pk).update(
            attachment_placement=Body.AttachmentPlacement.AT_END
        )
        agenda.refresh_from_db()
        pdf = render_package(agenda, "internal", people.secretary)
        last_item = max(pdf.heading_pages().values())
        assert page_of(pdf, "TAGRENDE-SIDE-EN") > last_item
        toc = dict(pdf.toc())
        assert toc["Bilag 1: Lægeerklæring"] == page_of(pdf, "LUKKET-BILAG-MARKOER")
        titles = [(depth, title) for depth, title, _page in outline(pdf)]
        part = titles.index((0, "Bilag"))
        assert titles[part + 1] == (1, "Bilag til punkt 1: Renovering af tagrender")
        assert titles[part + 2] == (2, "Bilag 1: Tilbud fra entreprenør")


class TestTheJobKey:
    def test_a_changed_attachment_gives_a_new_job_and_an_unchanged_one_the_same(
        self, agenda: Meeting, people: People
    ) -> None:
        def key() -> str:
            built = build_document(
                meeting=agenda, document="agenda", variant="internal", user=people.secretary
            )
            return content_hash(html=built.html, document="agenda", variant="internal",
                                attachments=built.attachments)  # fmt: skip

        before = key()
        assert key() == before
        first = agenda.items.get(number=1)
        attachment = first.attachments.get(title="Tilbud fra entreprenør")
        attachment.file.save("nyt-tilbud.pdf", ContentFile(pdf_with_pages("NY")), save=True)
        assert key() != before

    def test_a_rerun_serves_the_file_already_made(self, agenda: Meeting, people: People) -> None:
        render_package(agenda, "internal", people.secretary)
        again = services.pdf_request(
            meeting=agenda, variant="internal", document="agenda", actor=people.secretary
        )
        assert again.status == PdfJob.Status.DONE
        assert PdfJob.objects.filter(meeting=agenda, document="agenda").count() == 1
