"""Variants of the real minutes, each one way real minutes differ, must give the same items
(capital headings, Bilag first, no participants line, a misspelt table of contents, PDF page
noise …), or the warning that says how they differ."""

from __future__ import annotations

import pytest

from exchange.parser import Paragraph, ParsedMinutes, parse_minutes
from tests.exchange.parser.samples import (
    APRIL_2018,
    JUNE_2017,
    MARCH_2017,
    SAMPLES,
    bilag_first,
    in_capitals,
    item,
    minutes,
    parsed,
    sample,
    split_table,
    with_page_noise,
    without_lines,
)


class TestTheVariants:
    @pytest.mark.parametrize("name", SAMPLES)
    def test_headings_in_capitals_give_the_same_items(self, name: str) -> None:
        variant = parse_minutes(in_capitals(sample(name)))
        original = parsed(name)
        assert variant.body == "Direktionen"
        assert variant.warnings == []

        def shape(result: ParsedMinutes) -> list[object]:
            return [
                (
                    i.number,
                    i.title,
                    i.case_number,
                    i.closed,
                    i.attachments,
                    i.decision and (i.decision.body, i.decision.outcome, i.decision.decided_on),
                    i.recommendation and i.recommendation.clauses,
                    [type(b) for b in (*i.background, *i.presentation, *i.economy)],
                )
                for i in result.items
            ]

        assert shape(variant) == shape(original)

    @pytest.mark.parametrize("name", SAMPLES)
    def test_bilag_before_baggrund_with_the_title_repeated_gives_the_same_items(
        self, name: str
    ) -> None:
        text = bilag_first(sample(name))
        assert text != sample(name)
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert without_lines(variant.items) == without_lines(parsed(name).items)

    @pytest.mark.parametrize("name", SAMPLES)
    def test_a_missing_participants_line_gives_a_warning_and_the_same_items(
        self, name: str
    ) -> None:
        text = "\n".join(
            line for line in sample(name).split("\n") if not line.startswith("Mødedeltagere")
        )
        variant = parse_minutes(text)
        assert variant.participants == []
        assert variant.warnings == ["Mødedeltagere mangler."]
        assert without_lines(variant.items) == without_lines(parsed(name).items)

    def test_a_misspelt_table_of_contents_title_gives_a_warning(self) -> None:
        text = sample(MARCH_2017).replace("Status på Office 365.....", "Status paa Ofice 365.....")
        variant = parse_minutes(text)
        assert variant.warnings == [
            "Indholdsfortegnelsen staver punkt 5 anderledes: “Status paa Ofice 365” "
            "(punktet hedder “Status på Office 365”)."
        ]
        assert without_lines(variant.items) == without_lines(parsed(MARCH_2017).items)

    def test_a_table_of_contents_with_an_entry_missing_gives_a_count_warning(self) -> None:
        text = sample(JUNE_2017).replace("Talentudvikling - deltagerbetaling.....\t18\n", "")
        warnings = parse_minutes(text).warnings
        assert warnings == [
            "Indholdsfortegnelsen har 10 punkter, men teksten har 11.",
            "Punkt 7 “Talentudvikling - deltagerbetaling” mangler i indholdsfortegnelsen.",
        ]

    def test_a_table_split_by_a_page_break_with_its_header_repeated_is_one_table(self) -> None:
        text = split_table(
            sample(APRIL_2018),
            after_row="Produktionstab\t\t6.116.409\t2.196.721\t0\t0",
            header_row="\t2017\t2018\t2019\t2020\t2021",
            running_header="Direktionen 23-04-2018",
        )
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert variant.items[5].economy == item(APRIL_2018, 6).economy
        assert without_lines(variant.items) == without_lines(parsed(APRIL_2018).items)

    @pytest.mark.parametrize("name", SAMPLES)
    def test_page_numbers_and_running_headers_are_ignored(self, name: str) -> None:
        header = "Direktionen " + parsed(name).starts_at.strftime("%d-%m-%Y")
        text = with_page_noise(sample(name), header)
        assert text.count("Side ") >= 6
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert variant.participants == parsed(name).participants
        assert without_lines(variant.items) == without_lines(parsed(name).items)

    def test_the_document_header_repeated_on_every_page_and_a_footer_are_ignored(self) -> None:
        text = with_page_noise(
            sample(APRIL_2018), "REFERAT Direktionen d. 23-04-2018", footer="Høje-Taastrup Kommune"
        )
        assert text.count("REFERAT Direktionen") >= 6
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert without_lines(variant.items) == without_lines(parsed(APRIL_2018).items)

    def test_items_out_of_order_give_a_warning(self) -> None:
        text = minutes("Punkt 1: Lukket\n\n17/1", "Punkt 3: Lukket\n\n17/3")
        assert parse_minutes(text).warnings == [
            "Punkterne er ikke nummereret fortløbende: punkt nummer 2 hedder “Punkt 3”."
        ]

    def test_a_section_repeated_before_sagsfremstilling_is_joined_with_a_warning(self) -> None:
        text = minutes(
            "Punkt 1: Budget\n\n17/1\n\nBaggrund\n\nFørste del.\n\nIndstilling\n\n"
            "At direktionen godkender budgettet.\n\nBaggrund\n\nAnden del."
        )
        result = parse_minutes(text)
        assert result.items[0].background == [Paragraph("Første del."), Paragraph("Anden del.")]
        assert result.warnings == [
            "Punkt 1: afsnittet “Baggrund” forekommer to gange; teksten er lagt sammen."
        ]

    def test_a_paragraph_split_by_page_noise_is_joined_again(self) -> None:
        text = sample(MARCH_2017).replace(
            'er "ejer" af\n\ntelefonomstillingen',
            'er "ejer" af\n\nSide 9 af 11\n\ntelefonomstillingen',
        )
        variant = parse_minutes(text)
        assert without_lines(variant.items) == without_lines(parsed(MARCH_2017).items)
