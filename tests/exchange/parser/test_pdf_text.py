"""normalise_pdf_text on what a PDF library extracts: page noise, tables and sentences split by
a page break, hyphenation, physically wrapped lines (exchange/parser/_pdf_text.py)."""

from __future__ import annotations

import pytest

from exchange.parser import normalise_pdf_text, parse_minutes
from tests.exchange.parser.samples import (
    APRIL_2018,
    FIXTURES,
    JUNE_2017,
    MARCH_2017,
    SAMPLES,
    item,
    item_facts,
    parsed,
    physically_wrapped,
    sample,
    with_page_noise,
    without_lines,
)


class TestNormalisePdfText:
    def test_it_drops_page_numbers_and_running_headers(self) -> None:
        noisy = with_page_noise(sample(JUNE_2017), "Direktionen 26-06-2017")
        clean = normalise_pdf_text(noisy)
        assert "Side " not in clean
        assert "\nDirektionen 26-06-2017\n" not in clean
        assert clean.startswith("REFERAT Direktionen d. 26-06-2017\n")
        assert without_lines(parse_minutes(clean).items) == without_lines(parsed(JUNE_2017).items)

    def test_it_joins_a_table_whose_header_row_is_repeated(self) -> None:
        clean = normalise_pdf_text(sample(JUNE_2017))
        assert clean.count("Punkt\tDisponering af it-promillepulje\treference\t2017") == 1
        assert "5.1\tHardware strategi\t\t0\n5.1- ny\tMobiltelefoner" in clean

    def test_it_joins_a_sentence_split_by_a_page_break(self) -> None:
        clean = normalise_pdf_text(sample(MARCH_2017))
        assert 'da BAC er "ejer" af telefonomstillingen og BURC' in clean
        assert without_lines(parse_minutes(clean).items) == without_lines(parsed(MARCH_2017).items)

    def test_it_fixes_hyphenation_only_where_the_text_shows_it_is_safe(self) -> None:
        text = (
            "Udviklingen af tandplejen fortsætter, og den videre udvik-\n"
            "ling følges tæt af it-promillepuljen og af Børne-\n"
            "og Ungetandplejen samt af it-\n"
            "promillepuljen og af HTK-\n"
            "lis og af kvalitets-\n"
            "sikringen.\n"
        )
        assert normalise_pdf_text(text) == (
            "Udviklingen af tandplejen fortsætter, og den videre udvikling følges tæt af "
            "it-promillepuljen og af Børne- og Ungetandplejen samt af it-promillepuljen og af "
            "HTK-lis og af kvalitets-sikringen.\n"
        )

    @pytest.mark.parametrize("name", SAMPLES)
    def test_it_rebuilds_paragraphs_from_physically_wrapped_lines(self, name: str) -> None:
        text = physically_wrapped(sample(name))
        assert "\n\n" not in text
        result = parse_minutes(normalise_pdf_text(text))
        assert result.warnings == []
        assert item_facts(result) == item_facts(parsed(name))
        assert result.participants == parsed(name).participants

    def test_rebuilt_paragraphs_keep_their_sub_headings(self) -> None:
        result = parse_minutes(normalise_pdf_text(physically_wrapped(sample(APRIL_2018))))
        udbud = result.items[2]
        assert udbud.background == item(APRIL_2018, 3).background
        assert udbud.presentation[:4] == item(APRIL_2018, 3).presentation[:4]

    def test_it_reads_what_pdfplumber_extracted_from_a_printed_pdf(self) -> None:
        # Made by printing the parsed 2017-03-20 minutes with WeasyPrint (page header
        # "Direktionen 20-03-2017", footer "Side N af 11") and extracting the text with
        # pdfplumber, pages joined by form feeds as exchange/legacy.py does.
        text = (FIXTURES / "direktionen-2017-03-20.pdfplumber.txt").read_text(encoding="utf-8")
        clean = normalise_pdf_text(text)
        assert "Side " not in clean and "\nDirektionen 20-03-2017\n" not in clean
        result = parse_minutes(clean)
        assert result.warnings == []
        assert item_facts(result) == item_facts(parsed(MARCH_2017))
        recommendations = [i.recommendation for i in result.items]
        assert recommendations == [i.recommendation for i in parsed(MARCH_2017).items]
        assert result.items[0].background == item(MARCH_2017, 1).background

    def test_it_keeps_a_lower_case_attachment_title_after_bilag_apart(self) -> None:
        clean = normalise_pdf_text(sample(JUNE_2017))
        assert "\nBilag\n\nit-strategiske pejlemærker status 1. halvår 2017\n" in clean
