"""Paste from Excel: tab-separated text with Danish numbers, and bad cells named in Danish."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.models import BudgetRow, Unit
from budget.tables import Grid, compute, table_data_from_grid
from budget.tsv import PasteError, grid_from_paste, parse_tsv

Kind = BudgetRow.Kind

EXCEL = (
    "1.000 kr.\t2018\t2019\r\n"
    "Headsets\t2.000\t\r\n"
    "Ny central netværksenhed\t1.100\t250\r\n"
    "Devices på plejecentre mv.\t2,8\t-250\r\n"
    "I alt\t\t\r\n"
)


class TestParseTsv:
    def test_it_splits_excel_rows_and_cells(self) -> None:
        rows = parse_tsv(EXCEL)
        assert rows[0] == ["1.000 kr.", "2018", "2019"]
        assert rows[3] == ["Devices på plejecentre mv.", "2,8", "-250"]
        assert len(rows) == 5

    def test_a_quoted_cell_may_hold_a_line_break_and_quotes(self) -> None:
        rows = parse_tsv('"Trådløst på rådhuset:\nAccess points ""AP-2"""\t800\nI alt\t800\n')
        assert rows[0] == ['Trådløst på rådhuset:\nAccess points "AP-2"', "800"]

    @pytest.mark.parametrize("text", ["", "  \n\n", "\r\n"])
    def test_nothing_pasted_says_what_to_do(self, text: str) -> None:
        with pytest.raises(PasteError) as info:
            parse_tsv(text)
        assert "kopiér cellerne i Excel" in str(info.value)

    def test_too_many_rows_are_refused_with_the_limit(self) -> None:
        with pytest.raises(PasteError) as info:
            parse_tsv("Linje\t1\n" * 600)
        assert "højst 500" in str(info.value)


class TestGridFromPaste:
    def test_a_pasted_block_becomes_the_table_with_danish_numbers(self) -> None:
        grid, errors = grid_from_paste(EXCEL, current=Grid(caption="Disponeres nu"))
        assert errors == []
        assert grid.caption == "Disponeres nu"
        assert grid.unit == Unit.THOUSANDS
        assert grid.columns == ["2018", "2019"]
        table = compute(table_data_from_grid(grid))
        assert [row.kind for row in table.rows] == [Kind.LINE] * 3 + [Kind.TOTAL]
        assert table.rows[2].cells[0].value == Decimal("2.8")
        assert [c.display for c in table.rows[-1].cells] == ["3.102,8", "0"]

    def test_bad_cells_are_named_by_row_and_column_and_the_paste_is_kept(self) -> None:
        pasted = "\t2018\t2019\nLøn\t1.100\t12x\nHusleje\t2.8\t300\nVarme\t40\t50\n"
        grid, errors = grid_from_paste(pasted, current=Grid())
        assert [e.message for e in errors] == [
            "Række 1, kolonne 2019: “12x” er ikke et tal.",
            "Række 2, kolonne 2018: “2.8” er ikke et tal (brug komma som decimaltegn, fx 2,8).",
        ]
        # Nothing typed is lost: the bad cells come back as they were pasted.
        assert grid.rows[0].cells == ["1.100", "12x"]
        assert grid.rows[1].cells == ["2.8", "300"]

    def test_without_a_header_the_current_column_names_stay(self) -> None:
        current = Grid(columns=["2020", "2021"], text_heading="Tekst")
        grid, errors = grid_from_paste("Løn\t10\t20\nHusleje\t5\t5\n", current=current)
        assert errors == []
        assert grid.columns == ["2020", "2021"]
        assert grid.text_heading == "Tekst"
        assert [row.cells for row in grid.rows] == [["10", "20"], ["5", "5"]]

    def test_without_a_header_and_another_width_the_columns_are_unnamed(self) -> None:
        grid, errors = grid_from_paste("Løn\t10\t20\t30\n", current=Grid(columns=["2020"]))
        assert grid.columns == ["", "", ""]
        assert errors == []

    def test_a_paste_with_no_amounts_at_all_is_refused_in_danish(self) -> None:
        with pytest.raises(PasteError) as info:
            grid_from_paste("Navn\tRolle\nLars\tDirektør\n", current=Grid())
        assert "kan ikke bruges som budgettabel" in str(info.value)
        assert "ingen kolonne med beløb" in str(info.value)

    def test_a_pasted_total_that_disagrees_is_kept_beside_the_computed_one(self) -> None:
        grid, errors = grid_from_paste("\t2018\nLøn\t10\nHusleje\t5\nI alt\t16\n", current=Grid())
        assert errors == []
        table = compute(table_data_from_grid(grid))
        assert table.rows[-1].cells[0].value == Decimal("15")
        assert table.rows[-1].cells[0].stated == Decimal("16")
