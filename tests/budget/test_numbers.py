"""Danish numbers in and out: what a secretary types, what the minutes print."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.numbers import (
    UNKNOWN,
    NumberError,
    format_amount,
    format_cell,
    format_danish_number,
    is_year,
    parse_danish_number,
)


class TestParseDanishNumber:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("1.100", Decimal("1100")),
            ("2,8", Decimal("2.8")),
            ("-250", Decimal("-250")),
            ("−250", Decimal("-250")),  # the typographic minus sign
            ("– 250", Decimal("-250")),  # Word turns "-" into an en dash
            ("(250)", Decimal("-250")),  # the accountant's minus
            ("15.624.179", Decimal("15624179")),
            ("0,494", Decimal("0.494")),
            ("1.100,50", Decimal("1100.50")),
            ("1 100", Decimal("1100")),
            ("1\u00a0100", Decimal("1100")),  # Excel's no-break space between thousands
            ("  2.812 ", Decimal("2812")),
            ("+30", Decimal("30")),
            ("kr. 1.100,00", Decimal("1100.00")),
            ("450.000 kr.", Decimal("450000")),
            ("0", Decimal("0")),
            ("-0", Decimal("0")),
        ],
    )
    def test_it_reads_what_a_dane_types(self, text: str, value: Decimal) -> None:
        parsed = parse_danish_number(text)
        assert isinstance(parsed, Decimal)
        assert parsed == value

    @pytest.mark.parametrize("text", ["", "   ", "-", "–"])
    def test_a_blank_cell_or_a_lone_dash_is_blank(self, text: str) -> None:
        assert parse_danish_number(text) is None

    def test_a_question_mark_is_an_unknown_amount(self) -> None:
        assert parse_danish_number(" ? ") is UNKNOWN

    @pytest.mark.parametrize("text", ["12x", "abc", "1.10", "1,2,3", "--5", "(-5)", "kr.", "1e3"])
    def test_it_refuses_what_is_not_a_number_quoting_it_in_danish(self, text: str) -> None:
        with pytest.raises(NumberError) as info:
            parse_danish_number(text)
        assert f"“{text}” er ikke et tal" in str(info.value)

    def test_an_english_decimal_point_gets_a_hint_to_use_a_comma(self) -> None:
        with pytest.raises(NumberError) as info:
            parse_danish_number("2.8")
        assert "brug komma som decimaltegn, fx 2,8" in str(info.value)

    def test_it_refuses_more_decimals_than_it_can_keep(self) -> None:
        with pytest.raises(NumberError) as info:
            parse_danish_number("0,12345")
        assert "flere end 4 decimaler" in str(info.value)

    def test_it_refuses_an_amount_too_large_to_store(self) -> None:
        with pytest.raises(NumberError) as info:
            parse_danish_number("1" + ".000" * 5)
        assert "for stort" in str(info.value)


class TestFormatDanishNumber:
    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (Decimal("1100"), "1.100"),
            (Decimal("-250"), "-250"),
            (Decimal("2.8"), "2,8"),
            (Decimal("2.8000"), "2,8"),
            (Decimal("15624179.0000"), "15.624.179"),
            (Decimal("0.494"), "0,494"),
            (Decimal("-606"), "-606"),
            (Decimal("1E+3"), "1.000"),
            (Decimal("0"), "0"),
            (999, "999"),
        ],
    )
    def test_it_writes_the_danish_way(self, value: Decimal, text: str) -> None:
        assert format_danish_number(value) == text

    def test_fixed_places_keep_their_zeros(self) -> None:
        assert format_danish_number(Decimal("1100.5"), places=2) == "1.100,50"

    @pytest.mark.parametrize("text", ["1.100", "-250", "2,8", "0,494", "15.624.179", "?", ""])
    def test_what_is_read_is_written_back_the_same(self, text: str) -> None:
        assert format_cell(parse_danish_number(text)) == text


class TestFormatAmount:
    @pytest.mark.parametrize(
        ("value", "unit", "text"),
        [
            (Decimal("2206"), "1.000 kr.", "2.206 t. kr."),
            (Decimal("-606"), "1.000 kr.", "-606 t. kr."),
            (Decimal("2.8"), "mio. kr.", "2,8 mio. kr."),
            (Decimal("460116"), "kr.", "460.116 kr."),
        ],
    )
    def test_an_amount_reads_with_its_unit(self, value: Decimal, unit: str, text: str) -> None:
        assert format_amount(value, unit) == text


class TestYearHeadings:
    @pytest.mark.parametrize("text", ["2018", " 2019 ", "1900", "2199"])
    def test_a_four_digit_budget_year_is_a_year(self, text: str) -> None:
        assert is_year(text)

    @pytest.mark.parametrize("text", ["²100", "2O18", "18", "1899", "2200", "٢٠١٨x"])
    def test_anything_else_is_not_and_never_breaks_the_table(self, text: str) -> None:
        # Superscript digits count as digits to str.isdigit but not to int().
        assert not is_year(text)
