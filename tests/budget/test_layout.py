"""Reading a table's layout: what a cell holds, the unit the text around a table states."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from budget.layout import (
    _UNIT_IN_CONTEXT,
    _cell_kind,
    _normalise,
    clean_cell,
    unit_in_context,
    unit_in_text,
)
from budget.models import Unit
from budget.numbers import NumberError, is_year, parse_danish_number


class TestWhatACellHolds:
    def test_the_kind_of_a_cell_is_what_parsing_it_says(self) -> None:
        # _cell_kind calls a cell with a letter no amount holds text without parsing it.
        def parsed_kind(text: str) -> str:
            if not text:
                return "empty"
            if is_year(text):
                return "year"
            try:
                parse_danish_number(text)
            except NumberError:
                return "text"
            return "number"

        pieces = [
            "1", "2018", ".", ",", "-", "\u2212", "\u2013", "+", "(", ")", "?", " ", "\u00a0",
            "kr", "KR", "Kr.", "\u212a", "r", "k", "t", "mio", "I alt", "æ", "\u0663", "\u00b2",
            "_", "x", "100", "000",
        ]  # fmt: skip

        def outcome(kind: Callable[[str], str], text: str) -> str:
            try:
                return kind(text)
            except ValueError as exc:  # "²100": is_year takes it for digits, int() does not
                return type(exc).__name__

        rng = random.Random(20240605)
        for _ in range(20_000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
            assert outcome(_cell_kind, text) == outcome(parsed_kind, text), repr(text)

    @pytest.mark.parametrize(
        ("text", "clean"),
        [("<i>12</i>", "12"), ("a &amp; b", "a & b"), ("  1   200 ", "1 200"), ("x < 5", "x < 5")],
    )
    def test_a_cell_loses_tags_entities_and_extra_spaces(self, text: str, clean: str) -> None:
        assert clean_cell(text) == clean


class TestTheRowsAsRead:
    def test_blank_rows_and_columns_go_and_every_row_gets_as_wide(self) -> None:
        # _normalise skips the padding and the column pick where nothing needs them.
        def plainly(rows: list[list[str]]) -> list[list[str]]:
            cleaned = [[clean_cell(c) for c in row] for row in rows]
            cleaned = [row for row in cleaned if any(row)]
            if not cleaned:
                return []
            width = max(len(row) for row in cleaned)
            cleaned = [row + [""] * (width - len(row)) for row in cleaned]
            keep = [c for c in range(width) if any(row[c] for row in cleaned)]
            return [[row[c] for c in keep] for row in cleaned]

        pieces = ["", "", " ", "  ", "<i></i>", "&nbsp;", "x", "1.000", "I alt", "2018", "\u00a0"]
        rng = random.Random(20240606)
        for _ in range(5_000):
            rows = [
                [rng.choice(pieces) for _ in range(rng.randint(0, 4))]
                for _ in range(rng.randint(0, 5))
            ]
            normalised = _normalise(rows)
            assert normalised == plainly(rows), rows
            # New lists, never the caller's.
            assert not {id(row) for row in normalised} & {id(row) for row in rows}


class TestTheUnitStatedInTheText:
    @pytest.mark.parametrize(
        ("text", "unit"),
        [
            ("Budget for projektet:\n1.000 kr.\t2018\t2019", Unit.THOUSANDS),
            ("Udgifterne (mio. kr.) fordeler sig således:", Unit.MILLIONS),
            ("Alle beløb i t. kr.", Unit.THOUSANDS),
            ("Projektet koster 2,8 mio. kr. i alt.", None),
            ("Projektet koster 2,8 mio. kr.; beløb i 1.000 kr.", Unit.THOUSANDS),
            ("Ingen enhed her.", None),
            ("", None),
        ],
    )
    def test_it_finds_a_unit_stated_as_such_and_not_an_amount(
        self, text: str, unit: str | None
    ) -> None:
        assert unit_in_context(text) == unit

    def test_it_finds_what_a_search_of_the_whole_text_finds(self) -> None:
        # unit_in_context only tries the pattern just before each unit the text names; on any
        # text it must agree with the plain search.
        def searched(text: str) -> str | None:
            match = _UNIT_IN_CONTEXT.search(text)
            return unit_in_text(match.group("unit") + ".") if match else None

        pieces = [
            "i", "I", "beløb", "BELØB", "(", ")", "\n", " ", "\t", "1.000", "1000", "kr", "KR",
            "kr.", "t.", "T.", "mio.", "MIO.", "x", "2,8", "ai", "abeløb", "\u00a0", ".", "1",
            "000", "m", "io.", "t", "k", "r", "\u0130", "\u212a",
        ]  # fmt: skip
        rng = random.Random(20240604)
        found = 0
        for _ in range(20_000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
            expected = searched(text)
            found += expected is not None
            assert unit_in_context(text) == expected, text
        assert found > 100  # the texts do state units now and then
