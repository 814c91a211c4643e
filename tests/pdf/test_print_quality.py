"""How the agenda prints, read back from the PDF: the municipality's name and logo on the
front page, dates in Danish, a small table kept on one page, a long one repeating its header,
the colophon, and the PDF/UA and PDF/A markers with the structure tree (pikepdf)."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from meetings.models import Meeting, Municipality
from tests.conftest import People
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.pdf.conftest import RenderFor
from tests.review_scenario import Review

pytestmark = pytest.mark.django_db


def png_logo() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 90, 160)).save(data, format="PNG")
    return data.getvalue()


def table(rows: int, label: str) -> str:
    body = "".join(f"<tr><td>{label} række {n}</td><td>{n * 1000}</td></tr>" for n in range(rows))
    head = f"<thead><tr><th>{label}</th><th>Beløb</th></tr></thead>"
    return f"<table>{head}<tbody>{body}</tbody></table>"


@pytest.fixture
def meeting(people: People) -> Meeting:
    municipality = Municipality(pk=1, name="Høje-Taastrup Kommune", address="Bygaden 2")
    municipality.logo.save("logo.png", ContentFile(png_logo()), save=False)
    municipality.logo_content_type = "image/png"
    municipality.save()
    meeting = MeetingFactory(
        body=people.body,
        status=Meeting.Status.DRAFT,
        starts_at=timezone.make_aware(dt.datetime(2018, 1, 1, 10, 0)),
    )
    filler = "".join(f"<p>Afsnit {n} om sagen, der fylder siden op.</p>" for n in range(38))
    AgendaItemFactory(
        meeting=meeting,
        title="Budget for tagrender",
        # The small table starts near the foot of a page: it must move whole to the next.
        background=filler + table(5, "Budgetpost"),
        presentation=table(70, "Lang tabel"),
    )
    return meeting


def page_with(pages: list[str], text: str) -> list[int]:
    return [n for n, page in enumerate(pages, start=1) if text in page]


class TestFrontPage:
    def test_it_carries_the_municipality_and_the_date_in_danish(
        self, meeting: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(meeting, "public", "agenda")
        front = pdf.pages[0]
        assert "Høje-Taastrup Kommune" in front
        assert "Bygaden 2" in front
        assert "1. januar 2018" in front
        assert "01-01-2018" not in front
        with pikepdf.open(io.BytesIO(pdf.data)) as document:
            first = document.pages[0]
            images = list(first.images.keys()) if hasattr(first, "images") else []
            assert images, "the logo is on the front page"


class TestTables:
    def test_a_small_table_is_kept_on_one_page(
        self, meeting: Meeting, render_for: RenderFor
    ) -> None:
        pages = render_for(meeting, "public", "agenda").pages
        holding = {n for row in range(5) for n in page_with(pages, f"Budgetpost række {row}")}
        assert len(holding) == 1, holding
        # It did stand near a page's foot: the paragraphs before it end on an earlier page.
        assert page_with(pages, "Afsnit 0 om sagen")[0] < holding.pop()

    def test_a_long_table_repeats_its_header_on_each_page(
        self, meeting: Meeting, render_for: RenderFor
    ) -> None:
        pages = render_for(meeting, "public", "agenda").pages
        spread = sorted(
            {n for row in range(70) for n in page_with(pages, f"Lang tabel række {row} ")}
        )
        assert len(spread) >= 2
        for number in spread:
            lines = pages[number - 1].splitlines()
            assert any(line.startswith("Lang tabel Beløb") for line in lines), number


class TestAccessibility:
    def test_the_agenda_claims_pdf_ua_1_and_pdf_a_with_a_structure_tree(
        self, meeting: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(meeting, "public", "agenda")
        with pikepdf.open(io.BytesIO(pdf.data)) as document:
            meta = document.open_metadata()
            assert meta["pdfuaid:part"] == "1"
            assert meta["pdfaid:part"] == "3"
            assert meta["pdfaid:conformance"] == "A"
            assert document.Root.MarkInfo.Marked is True
            assert str(document.Root.Lang) == "da"
            assert document.Root.ViewerPreferences.DisplayDocTitle is True
            assert str(document.docinfo.Title).startswith("Dagsorden Direktionen 1. januar 2018")
            roles = set()
            alts = {}

            def walk(element: pikepdf.Object) -> None:
                if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                    roles.add(str(element.S))
                    if element.S == "/Figure":
                        alts[str(element.S)] = str(element.get("/Alt", ""))
                kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
                if isinstance(kids, pikepdf.Array):
                    for kid in kids:
                        walk(kid)
                elif isinstance(kids, pikepdf.Dictionary):
                    walk(kids)

            walk(document.Root.StructTreeRoot)
            assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= roles
            assert alts["/Figure"] == "Høje-Taastrup Kommune logo"

    def test_all_content_is_in_the_tree_or_an_artifact_and_header_cells_have_a_scope(
        self, meeting: Meeting, render_for: RenderFor
    ) -> None:
        """PDF/UA's machine checks that WeasyPrint's tagging alone fails (Matterhorn 01-005,
        15-003): the running header and the page numbers are pagination artifacts, every
        other marked content belongs to an element of the structure tree, and every header
        cell says what it heads."""
        pdf = render_for(meeting, "public", "agenda")
        with pikepdf.open(io.BytesIO(pdf.data)) as document:
            root = document.Root.StructTreeRoot
            reachable: list[pikepdf.Dictionary] = []
            stack = [root]
            while stack:
                element = stack.pop()
                kids = element.get("/K")
                items: list[pikepdf.Object | None] = (
                    list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                )
                for kid in items:
                    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                        reachable.append(kid)
                        stack.append(kid)
            linked = {e.objgen for e in reachable}
            nums = root.ParentTree.Nums
            parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            artifacts = 0
            for page in document.pages:
                entries = parents[int(page.StructParents)]
                for instruction in pikepdf.parse_content_stream(page):
                    if str(instruction.operator) != "BDC":
                        continue
                    tag, properties = instruction.operands
                    if tag == "/Artifact":
                        artifacts += 1
                        continue
                    element = entries[int(properties.MCID)]
                    assert element.objgen in linked, f"{tag} {properties.MCID} is in no element"
            # The page number on every page, the running header on all but the front page.
            assert artifacts >= 2 * len(document.pages) - 1
            header_cells = [e for e in reachable if e.S == "/TH"]
            assert header_cells
            assert all(str(cell.A.Scope) in ("/Column", "/Row") for cell in header_cells)


class TestColophon:
    def test_the_minutes_say_who_approved_them_and_when(
        self, review: Review, render_for: RenderFor
    ) -> None:
        text = render_for(review.published, "internal").text
        colophon = text[text.index("Kolofon") :]
        assert "Godkendt og underskrevet af" in colophon
        assert "Referatet godkendt" in colophon
