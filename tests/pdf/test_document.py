"""The rendered minutes and agenda, read back from the real PDF: front page, table of contents,
items, closed items, tables, header and footer, bookmarks, PDF/A and tagging."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pikepdf
import pytest
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from tests.conftest import People
from tests.pdf.conftest import CLOSED_CASE, CLOSED_NUMBER, CLOSED_TEXTS, RenderFor
from tests.pdf.samples import create_meeting

pytestmark = pytest.mark.django_db


class TestFrontPage:
    def test_it_reads_like_the_printed_minutes(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        front = render_for(sample_minutes, "public").pages[0]
        assert "REFERAT Direktionen 23. april 2018" in front
        assert "Mødedato Mandag den 23. april 2018 kl. 12:30" in front
        assert "Mødested Mødelokale B105" in front
        assert "Lars Holte, Jørgen Lerhard" in front
        assert "Kathrine Seier Skastrup (sekretær)" in front

    def test_the_agenda_is_called_dagsorden(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        assert (
            "DAGSORDEN Direktionen 23. april 2018"
            in render_for(sample_minutes, "public", "agenda").pages[0]
        )


class TestTableOfContents:
    @pytest.mark.parametrize("variant", ["internal", "public"])
    def test_every_page_number_is_the_page_where_the_item_heading_stands(
        self, sample_minutes: Meeting, render_for: RenderFor, variant: str
    ) -> None:
        pdf = render_for(sample_minutes, variant)
        toc = pdf.toc()
        headings = pdf.heading_pages()
        assert len(toc) == 10
        assert sorted(headings) == list(range(1, 11))
        for number, (title, page) in enumerate(toc, start=1):
            assert page == headings[number], f"Punkt {number} ({title})"
        # Front page, contents, then one item per page at least.
        assert toc[0] == ("Punkt 1: Øvrige sager 23-04-2018", 3)

    def test_the_agenda_has_a_true_table_of_contents_too(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(sample_minutes, "internal", "agenda")
        headings = pdf.heading_pages()
        assert [page for _t, page in pdf.item_toc()] == [headings[n] for n in range(1, 11)]

    def test_a_meeting_without_items_says_so(self, people: People, render_for: RenderFor) -> None:
        meeting = Meeting.objects.create(
            body=people.body, starts_at=timezone.make_aware(dt.datetime(2018, 5, 1, 9, 0))
        )
        assert "Mødet har endnu ingen punkter." in render_for(meeting, "internal").text


class TestItems:
    def test_each_item_has_its_heading_case_number_and_sections_in_order(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(sample_minutes, "internal")
        text = "\n".join(pdf.item_pages(3))
        assert text.splitlines()[0] == "Punkt 3: Udbud af KMD driftskontrakt"
        assert "17/8444" in text
        order = [
            "Baggrund",
            "Indstilling",
            "Beslutning Direktionen den 23-04-2018",
            "Sagsfremstilling",
            "Økonomi",
        ]
        positions = [text.index(f"\n{heading}\n") for heading in order]
        assert positions == sorted(positions)
        assert "at de foretagne ændrede snit i sourcing godkendes" in text

    def test_the_attachment_list_is_printed(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        text = "\n".join(render_for(sample_minutes, "public").item_pages(5))
        assert "Bilag\n" in text
        assert "Bilag 2 - Central netværksenhed" in text

    def test_the_agenda_leaves_out_the_decisions(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        text = render_for(sample_minutes, "internal", "agenda").text
        assert "Beslutning Direktionen" not in text
        assert "Godkendt, idet det blev understreget" not in text
        assert "at de foretagne ændrede snit i sourcing godkendes" in text

    def test_numbers_in_tables_are_right_aligned(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(sample_minutes, "public")
        page = pdf.pages.index(next(p for p in pdf.pages if "Restbeløb, ikke disponeret" in p))
        with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
            words = doc.pages[page].extract_words()
        amounts = {w["text"]: w for w in words if w["text"] in {"15.000", "700", "7.240"}}
        assert set(amounts) == {"15.000", "700", "7.240"}
        right_edges = {round(w["x1"]) for w in amounts.values()}
        left_edges = {round(w["x0"]) for w in amounts.values()}
        assert len(right_edges) == 1  # one column, flush right
        assert len(left_edges) > 1


class TestClosedItems:
    def test_the_internal_pdf_marks_every_page_of_a_closed_item(
        self, people: People, render_for: RenderFor
    ) -> None:
        # Item 6 of the sample runs over several pages.
        meeting = create_meeting(body=people.body, closed_numbers=(6,))
        pdf = render_for(meeting, "internal")
        pages = pdf.item_pages(6)
        assert len(pages) > 1
        assert all("Lukket punkt – fortroligt" in page for page in pages)
        others = [p for n in (5, 7) for p in pdf.item_pages(n)]
        assert not any("Lukket punkt – fortroligt" in page for page in others)

    def test_the_internal_pdf_holds_the_closed_item(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        text = render_for(sample_minutes, "internal").text
        for secret in CLOSED_TEXTS:
            assert secret in text

    @pytest.mark.parametrize("role", ["secretary", "superuser", "staff"])
    def test_the_public_pdf_shows_a_closed_item_as_lukket_and_its_case_number_only(
        self, sample_minutes: Meeting, render_for: RenderFor, role: str
    ) -> None:
        pdf = render_for(sample_minutes, "public", role=role)
        pages = pdf.item_pages(CLOSED_NUMBER)
        assert len(pages) == 1
        lines = [line for line in pages[0].splitlines() if line.strip()]
        assert lines[:2] == [f"Punkt {CLOSED_NUMBER}: Lukket", CLOSED_CASE]
        assert [t for t, _p in pdf.toc()][CLOSED_NUMBER - 1] == f"Punkt {CLOSED_NUMBER}: Lukket"
        everything = pdf.text + "\n".join(t for t, _p in pdf.bookmarks())
        with pikepdf.open(io.BytesIO(pdf.data)) as raw, raw.open_metadata() as meta:
            everything += str(dict(meta)) + str(dict(raw.docinfo))
        for secret in CLOSED_TEXTS:
            assert secret not in everything

    def test_the_public_pdf_keeps_the_open_items(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        text = render_for(sample_minutes, "public").text
        assert "Punkt 9: Foranalyse: Sammenligning af Børne- og Ungetandplejen" in text
        assert "Lukket punkt – fortroligt" not in text


class TestPageFurniture:
    def test_every_page_has_side_x_af_y_and_the_header(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(sample_minutes, "public")
        total = len(pdf.pages)
        assert total > 20
        for number, page in enumerate(pdf.pages, start=1):
            assert f"Side {number} af {total}" in page
            if number > 1:
                assert "Direktionen 23. april 2018" in page

    def test_each_item_has_a_bookmark_to_its_page(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(sample_minutes, "public")
        marks = dict(pdf.bookmarks())
        headings = pdf.heading_pages()
        for item in AgendaItem.objects.filter(meeting=sample_minutes):
            title = "Lukket" if item.closed else item.title
            assert marks[f"Punkt {item.number}: {title}"] == headings[item.number]
        assert marks["Indholdsfortegnelse"] == 2


class TestArchivalAndAccessibility:
    def test_it_is_tagged_pdf_a_3a_in_danish_with_its_title(
        self, sample_minutes: Meeting, render_for: RenderFor
    ) -> None:
        pdf = render_for(sample_minutes, "public")
        with pikepdf.open(io.BytesIO(pdf.data)) as doc:
            root = doc.Root
            assert str(root.Lang) == "da"
            assert bool(root.MarkInfo.Marked) is True
            assert bool(root.ViewerPreferences.DisplayDocTitle) is True
            assert str(root.OutputIntents[0].S) == "/GTS_PDFA1"
            assert "/DestOutputProfile" in root.OutputIntents[0]
            with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
                assert meta["pdfaid:part"] == "3"
                assert meta["pdfaid:conformance"] == "A"
                assert meta["dc:title"] == "Referat Direktionen 23. april 2018"
            assert str(doc.docinfo["/Title"]) == "Referat Direktionen 23. april 2018"
            assert not doc.is_encrypted
            roles = _structure_roles(root.StructTreeRoot)
            assert {"/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Table", "/TH", "/TD"} <= roles
            for page in doc.pages:
                for font in page.Resources.Font.values():
                    descendant = font.get("/DescendantFonts")
                    descriptor = (descendant[0] if descendant else font).FontDescriptor
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            assert doc.check_pdf_syntax() == []

    def test_the_same_content_gives_the_same_bytes(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        from pdf.content import build_html
        from pdf.render import render_pdf

        html = build_html(
            meeting=sample_minutes, document="agenda", variant="public", user=people.staff
        )
        assert render_pdf(html).pdf == render_pdf(html).pdf


def _structure_roles(node: pikepdf.Object) -> set[str]:
    roles: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, pikepdf.Dictionary):
            if "/S" in current:
                roles.add(str(current.S))
            kids = current.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    return roles


class TestBudgetTables:
    def test_budget_tables_print_with_computed_totals_right_aligned_and_bold(
        self, people: People, render_for: RenderFor
    ) -> None:
        meeting = create_meeting(body=people.body, samples=("direktionen-2018-04-23",))
        pdf = render_for(meeting, "public")
        caption = next(i for i, p in enumerate(pdf.pages) if "Tabel 1: Overføres til ØDC" in p)
        # The table may run onto the next page; its total (computed, not typed) is 2.812.
        page = next(i for i in (caption, caption + 1) if "2.812" in pdf.pages[i])
        with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
            words = doc.pages[page].extract_words(extra_attrs=["fontname"])
        total = next(w for w in words if w["text"] == "2.812")
        assert "Bold" in total["fontname"]
