"""Computed totals: subtotals, totals, costs minus gains, unknown and blank amounts, and
the grid's validation naming each bad cell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.models import BudgetRow
from budget.tables import Grid, GridError, GridRow, compute, table_data_from_grid

Kind = BudgetRow.Kind


def grid(*rows: GridRow, columns: tuple[str, ...] = ("2018", "2019")) -> Grid:
    return Grid(caption="Test", columns=list(columns), rows=list(rows)).normalised()


def line(text: str, *cells: str) -> GridRow:
    return GridRow(kind=Kind.LINE, text=text, cells=list(cells))


def row(kind: str, text: str = "", subtract: bool = False) -> GridRow:
    return GridRow(kind=kind, text=text, subtract=subtract)


def displays(g: Grid) -> list[list[str]]:
    return [[c.display for c in r.cells] for r in compute(table_data_from_grid(g)).rows]


class TestComputedTotals:
    def test_a_total_sums_every_line_above_it(self) -> None:
        g = grid(line("Løn", "1.100", "1.200"), line("Husleje", "2,8", "-250"), row(Kind.TOTAL))
        assert displays(g)[-1] == ["1.102,8", "950"]

    def test_a_subtotal_sums_the_lines_since_the_previous_subtotal(self) -> None:
        g = grid(
            row(Kind.HEADING, "Drift"),
            line("Løn", "10", "10"),
            line("Husleje", "5", "5"),
            row(Kind.SUBTOTAL, "I alt drift"),
            row(Kind.HEADING, "Anlæg"),
            line("Bygning", "100", ""),
            row(Kind.SUBTOTAL, "I alt anlæg"),
            row(Kind.TOTAL, "I alt"),
        )
        result = displays(g)
        assert result[3] == ["15", "15"]
        assert result[6] == ["100", ""]
        assert result[7] == ["115", "15"]

    def test_a_subtracted_subtotal_counts_negatively_in_the_total(self) -> None:
        g = grid(
            line("Omkostninger", "100", "50"),
            row(Kind.SUBTOTAL, "Samlede omkostninger"),
            line("Gevinster", "30", "80"),
            row(Kind.SUBTOTAL, "Samlede gevinster", subtract=True),
            row(Kind.TOTAL, "i alt"),
        )
        assert displays(g)[-1] == ["70", "-30"]

    def test_a_column_with_no_amounts_stays_blank_and_zero_stays_zero(self) -> None:
        g = grid(line("Løn", "", "0"), row(Kind.TOTAL))
        assert displays(g)[-1] == ["", "0"]

    def test_unknown_amounts_make_a_total_incomplete(self) -> None:
        g = grid(line("Løn", "?", "?"), line("Husleje", "5", ""), row(Kind.TOTAL))
        table = compute(table_data_from_grid(g))
        first, second = table.rows[-1].cells
        assert (first.value, first.incomplete) == (Decimal(5), True)
        assert (second.value, second.incomplete, second.display) == (None, True, "?")

    def test_notes_and_headings_are_never_added(self) -> None:
        g = grid(
            row(Kind.HEADING, "Drift"),
            line("Løn", "10", "10"),
            GridRow(kind=Kind.NOTE, text="* heraf varige", cells=["4", "4"]),
            row(Kind.TOTAL),
        )
        assert displays(g)[-1] == ["10", "10"]

    def test_a_second_total_starts_again_after_the_first(self) -> None:
        g = grid(line("A", "1", "1"), row(Kind.TOTAL), line("B", "2", "2"), row(Kind.TOTAL))
        assert displays(g)[-1] == ["2", "2"]

    def test_totals_are_decimal_never_float(self) -> None:
        g = grid(line("A", "0,1", "0,1"), line("B", "0,2", "0,2"), row(Kind.TOTAL))
        total = compute(table_data_from_grid(g)).rows[-1].cells[0].value
        assert isinstance(total, Decimal) and total == Decimal("0.3")


class TestGridValidation:
    def test_every_bad_cell_is_named_at_once(self) -> None:
        g = grid(line("Løn", "12x", "10"), line("Husleje", "5", "fem"))
        with pytest.raises(GridError) as info:
            table_data_from_grid(g)
        assert info.value.messages == [
            "Række 1, kolonne 2018: “12x” er ikke et tal.",
            "Række 2, kolonne 2019: “fem” er ikke et tal.",
        ]

    def test_an_unnamed_column_is_named_by_its_number(self) -> None:
        g = grid(line("Løn", "1", "x"), columns=("2018", ""))
        with pytest.raises(GridError) as info:
            table_data_from_grid(g)
        assert info.value.messages == ["Række 1, kolonne 2: “x” er ikke et tal."]

    def test_a_total_cannot_be_typed(self) -> None:
        g = grid(line("Løn", "1", "1"), GridRow(kind=Kind.TOTAL, text="I alt", cells=["2", ""]))
        with pytest.raises(GridError) as info:
            table_data_from_grid(g)
        assert (
            "Række 2, kolonne 2018: en total beregnes og kan ikke skrives" in info.value.messages[0]
        )

    def test_a_heading_with_an_amount_is_refused(self) -> None:
        g = grid(GridRow(kind=Kind.HEADING, text="Drift", cells=["5", ""]))
        with pytest.raises(GridError) as info:
            table_data_from_grid(g)
        assert "en overskrift har ingen beløb (“5”)" in info.value.messages[0]

    def test_a_table_needs_a_column(self) -> None:
        with pytest.raises(GridError) as info:
            table_data_from_grid(Grid(columns=[], rows=[line("Løn")]))
        assert info.value.messages == ["Tabellen skal have mindst én kolonne."]
