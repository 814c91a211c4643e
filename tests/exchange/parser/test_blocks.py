"""Section text as blocks: paragraphs, sub-headings, lists and tables
(exchange/parser/_blocks.py)."""

from __future__ import annotations

from exchange.parser import Heading, ListBlock, Paragraph, Table
from tests.exchange.parser.samples import APRIL_2018, JUNE_2017, MARCH_2017, item


class TestTheBlocks:
    def test_a_decision_keeps_its_own_sub_heading(self) -> None:
        decision = item(JUNE_2017, 2).decision
        assert decision is not None
        assert decision.blocks == [
            Heading("Årshjul"),
            Paragraph("Direktionsmøderne fastholdes om mandagen."),
        ]

    def test_enclosure_markers_and_bold_markup_are_dropped(self) -> None:
        background = item(APRIL_2018, 2).background
        assert Heading("It-driftsudbud") in background
        assert all(
            "./.." not in b.text and "**" not in b.text
            for b in background
            if isinstance(b, (Paragraph, Heading))
        )
        assert any(
            "revidering af digitaliseringsstrategien skal" in b.text
            for b in background
            if isinstance(b, Paragraph)
        )

    def test_a_paragraph_split_by_the_pdf_continues_after_the_blank_line(self) -> None:
        paragraphs = [b.text for b in item(MARCH_2017, 5).presentation if isinstance(b, Paragraph)]
        assert paragraphs[-1].endswith(
            'da BAC er "ejer" af telefonomstillingen og BURC aktuelt efterspørger skype-løsninger.'
        )
        assert not any(p.startswith("telefonomstillingen") for p in paragraphs)

    def test_a_numbered_list_continues_across_a_split_item(self) -> None:
        lists = [b for b in item(APRIL_2018, 9).presentation if isinstance(b, ListBlock)]
        numbered, options = lists
        assert numbered.ordered and len(numbered.items) == 5
        assert numbered.items[3].endswith(
            "Dette kan dog forklares ved, at Høje-Taastrup Kommunes Tandpleje har egen "
            "tandreguleringsklinik med ansat specialtandlæge, hvilket de tre andre kommuner "
            "ikke har."
        )
        assert not options.ordered
        assert options.items[0].startswith("Centralisering af klinikkerne:")

    def test_bullets_of_every_kind_make_unordered_lists(self) -> None:
        gains = item(APRIL_2018, 6).presentation
        at = gains.index(Heading("Gevinster"))
        bullets = gains[at + 1]
        assert isinstance(bullets, ListBlock) and not bullets.ordered
        assert len(bullets.items) == 4  # one "- " item, three "· " items
        assert bullets.items[1].startswith("Der er ikke beregnet særskilte potentiale")

    def test_short_lines_without_body_text_stay_paragraphs(self) -> None:
        assert item(APRIL_2018, 1).background == [
            Paragraph("Opfølgning på studietur med Byrådet"),
            Paragraph("Sommerferie, telefonvagt"),
            Paragraph("Vedlagt skema til direktionens drøftelse"),
        ]
        dates = [b for b in item(APRIL_2018, 10).background if isinstance(b, Heading)]
        assert dates == []


class TestTheTables:
    def test_tab_separated_lines_are_a_table_with_blank_cells_kept(self) -> None:
        table = next(b for b in item(APRIL_2018, 3).presentation if isinstance(b, Table))
        assert table.header_rows == 1
        assert table.rows[0] == ["Vægt", "Delkriterier", "Vægt", "Underkriterier"]
        assert table.rows[1] == ["50", "Pris", "", ""]
        assert table.rows[3] == ["", "", "10", "Løsningens fleksibilitet og skalerbarhed"]
        # The blank line inside the table does not end it.
        assert len(table.rows) == 12
        assert table.rows[-1] == [
            "5",
            "Contract management services",
            "100",
            "Understøttelse af Kundens contract management",
        ]

    def test_the_project_economy_is_one_table_with_a_header(self) -> None:
        economy = item(APRIL_2018, 6).economy
        assert economy[0] == Heading("Projektets samlede økonomi")
        table = economy[1]
        assert isinstance(table, Table)
        assert table.header_rows == 1
        assert table.rows[0] == ["", "2017", "2018", "2019", "2020", "2021"]
        assert len(table.rows) == 27
        assert table.rows[-1] == [
            "i alt",
            "766.392",
            "15.324.179",
            "3.564.005",
            "-9.761.564",
            "-9.761.564",
        ]

    def test_a_table_whose_header_is_repeated_after_a_page_break_is_one_table(self) -> None:
        tables = [b for b in item(JUNE_2017, 4).presentation if isinstance(b, Table)]
        assert len(tables) == 2
        first = tables[0]
        assert (
            first.rows.count(["Punkt", "Disponering af it-promillepulje", "reference", "2017"]) == 1
        )
        assert len(first.rows) == 27
        assert ["", "I alt", "", "5.220"] in first.rows

    def test_inline_html_in_cells_is_reduced_to_text(self) -> None:
        first = next(b for b in item(JUNE_2017, 4).presentation if isinstance(b, Table))
        assert [
            "",
            "* heraf varige udgifter, som omplaceres fra 2017 og frem",
            "",
            "2.320",
        ] in first.rows

    def test_a_table_of_amounts_only_has_no_header(self) -> None:
        tables = [b for b in item(APRIL_2018, 6).economy if isinstance(b, Table)]
        assert tables[1].rows[0] == ["Projektmedarbejder", "450.000"]
        assert tables[1].header_rows == 0
