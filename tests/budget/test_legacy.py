"""Budget tables out of the legacy minutes of Direktionen 23-04-2018."""

from __future__ import annotations

from decimal import Decimal

from budget.legacy import budget_table_from_rows, join_continued_tables
from budget.models import BudgetRow, BudgetTable, Unit
from budget.tables import compute, table_data_from_grid
from tests.budget.sample_tables import (
    CONSTRUCTION_FUNDS,
    CURA_PAGE_1,
    CURA_PAGE_2,
    POOL_TABLE,
    TABEL_1_PAGE_1,
    TABEL_1_PAGE_2,
    TABEL_2_PAGE_1,
    TABEL_2_PAGE_2,
    rows,
)

Kind = BudgetRow.Kind
ECONOMY_TEXT = "Budget og disponering på it-promillepuljen med denne sag:\n1.000 kr.\t2018\t2019\n"


def _table(*pages: str, **kwargs):
    joined = join_continued_tables([rows(page) for page in pages])
    assert len(joined) == 1
    result = budget_table_from_rows(joined[0], **kwargs)
    assert result is not None
    return result, compute(table_data_from_grid(result.grid))


class TestJoiningATableSplitOverAPage:
    def test_the_repeated_header_joins_the_two_pages_of_tabel_1(self) -> None:
        joined = join_continued_tables([rows(TABEL_1_PAGE_1), rows(TABEL_1_PAGE_2)])
        assert len(joined) == 1
        assert sum(row[0] == "Punkt" for row in joined[0]) == 1
        assert joined[0][-1][0].startswith("* heraf varige udgifter")

    def test_tables_with_different_headers_stay_apart(self) -> None:
        joined = join_continued_tables([rows(TABEL_2_PAGE_2), rows(POOL_TABLE)])
        assert len(joined) == 2

    def test_a_table_after_a_finished_table_is_not_taken_for_its_continuation(self) -> None:
        finished = [["", "2018"], ["Løn", "10"], ["I alt", "10"]]
        following = [["Husleje", "5"], ["Varme", "7"]]
        assert len(join_continued_tables([finished, following])) == 2

    def test_the_cura_table_broken_by_a_blank_line_becomes_one(self) -> None:
        joined = join_continued_tables([rows(CURA_PAGE_1), rows(CURA_PAGE_2)])
        assert len(joined) == 1
        assert joined[0][-1][0] == "i alt"


class TestTabel1:
    def test_it_totals_2812_for_2018_in_thousands(self) -> None:
        result, table = _table(
            TABEL_1_PAGE_1,
            TABEL_1_PAGE_2,
            caption="Tabel 1: Overføres til ØDC i 2018",
            context=ECONOMY_TEXT,
            section=BudgetTable.Section.PRESENTATION,
        )
        assert result.grid.unit == Unit.THOUSANDS
        assert table.caption == "Tabel 1: Overføres til ØDC i 2018"
        assert table.columns == ["2018"]
        assert (table.ref_heading, table.text_heading) == (
            "Punkt",
            "Disponering af it-promillepulje",
        )
        total = [row for row in table.rows if row.kind == Kind.TOTAL]
        assert len(total) == 1
        assert total[0].text == "I alt"
        assert total[0].cells[0].value == Decimal("2812")
        assert total[0].cells[0].display == "2.812"
        assert table.totals is not None and table.totals[0].value == Decimal("2812")
        assert not result.flagged
        assert table.mismatches == []

    def test_the_unknown_amount_leaves_the_total_incomplete_not_wrong(self) -> None:
        _result, table = _table(TABEL_1_PAGE_1, TABEL_1_PAGE_2)
        transition = next(row for row in table.rows if row.ref == "3.1")
        assert transition.cells[0].unknown and transition.cells[0].display == "?"
        assert table.totals is not None and table.totals[0].incomplete

    def test_rows_keep_their_references_and_kinds(self) -> None:
        _result, table = _table(TABEL_1_PAGE_1, TABEL_1_PAGE_2)
        kinds = {(row.ref, row.text[:28]): row.kind for row in table.rows}
        assert kinds[("", "Software på arbejdsstationer")] == Kind.HEADING
        assert kinds[("", "Software backoffice")] == Kind.HEADING
        assert kinds[("1.2", "Opgradering af acadre spring")] == Kind.LINE
        assert kinds[("1.4", "EOJ – indkøb af devices à an")] == Kind.LINE
        assert kinds[("", "* heraf varige udgifter, som")] == Kind.NOTE
        # "Ingen punkter" under a heading is a line, not another heading.
        assert [row.kind for row in table.rows if row.text == "Ingen punkter"] == [Kind.LINE] * 2
        refund = next(row for row in table.rows if row.ref == "1.2")
        assert refund.cells[0].value == Decimal("-250")

    def test_the_note_under_the_total_is_shown_but_never_added(self) -> None:
        _result, table = _table(TABEL_1_PAGE_1, TABEL_1_PAGE_2)
        note = table.rows[-1]
        assert note.kind == Kind.NOTE and note.cells[0].display == "490"
        assert table.totals is not None and table.totals[0].display == "2.812"

    def test_a_stated_total_that_disagrees_is_kept_and_flagged(self) -> None:
        typo = TABEL_1_PAGE_2.replace("I alt\t\t2.812", "I alt\t\t2.821")
        result, table = _table(TABEL_1_PAGE_1, typo)
        assert result.flagged
        total = next(row for row in table.rows if row.kind == Kind.TOTAL)
        assert total.cells[0].value == Decimal("2812")
        assert total.cells[0].stated == Decimal("2821")
        assert total.mismatch
        assert [str(m) for m in result.mismatches] == [
            "Række 23 (“I alt”), kolonne 2018: den angivne total er 2.821, "
            "men rækkerne giver 2.812."
        ]
        # The disagreeing figure travels with the grid, so it survives being stored.
        grid_total = next(row for row in result.grid.rows if row.kind == Kind.TOTAL)
        assert grid_total.stated == ["2.821"]


class TestTabel2:
    def test_it_totals_2715_for_2019(self) -> None:
        result, table = _table(
            TABEL_2_PAGE_1,
            TABEL_2_PAGE_2,
            caption="Tabel 2: ØDCs forventninger til træk på puljen i 2019",
        )
        assert table.columns == ["2019"]
        assert table.totals is not None and table.totals[0].display == "2.715"
        assert not result.flagged
        # The second page shifts its headings into the text column; they are still headings.
        headings = [row.text for row in table.rows if row.kind == Kind.HEADING]
        assert "Software backoffice" in headings and "It-drift" in headings
        assert table.rows[-1].text == "* heraf varige udgifter, som omplaceres fra 2019 og frem"


class TestOtherTablesOfTheItem:
    def test_the_pool_table_of_the_economy_reads_its_unit_from_the_header(self) -> None:
        result, table = _table(POOL_TABLE)
        assert result.grid.unit == Unit.THOUSANDS
        assert table.columns == ["2018", "2019"]
        restbudget = table.rows[-1]
        assert restbudget.text == "Restbudget herefter (-=overtræk)"
        assert [c.display for c in restbudget.cells] == ["-606", "4.938"]
        assert table.totals is None  # no "I alt": nothing is summed up for it

    def test_a_named_column_and_a_unit_beside_the_text_heading(self) -> None:
        result, table = _table(CONSTRUCTION_FUNDS)
        assert result.grid.unit == Unit.THOUSANDS
        assert table.text_heading == "Tekst"
        assert table.columns == ["Beløb"]


class TestTheCuraCostTable:
    def test_costs_minus_gains_is_found_and_rounding_differences_are_flagged(self) -> None:
        result, table = _table(CURA_PAGE_1, CURA_PAGE_2, caption="Projektets samlede økonomi")
        assert table.columns == ["2017", "2018", "2019", "2020", "2021"]
        costs = next(row for row in table.rows if row.text == "Samlede omkostninger")
        gains = next(row for row in table.rows if row.text == "Samlede gevinster")
        total = table.rows[-1]
        assert costs.kind == gains.kind == Kind.SUBTOTAL
        assert total.kind == Kind.TOTAL
        assert gains.subtract and not costs.subtract
        assert [c.display for c in costs.cells] == [
            "766.392",
            "15.624.180",
            "4.883.193",
            "2.007.980",
            "2.007.980",
        ]
        assert [c.display for c in total.cells] == [
            "766.392",
            "15.324.180",
            "3.564.005",
            "-9.761.563",
            "-9.761.563",
        ]
        # The minutes' own figures are a krone off where Excel rounded: kept and flagged.
        assert result.flagged
        flagged = {(m.text, m.column): m.stated for m in result.mismatches}
        assert flagged == {
            ("Samlede omkostninger", "2018"): Decimal("15624179"),
            ("Samlede gevinster", "2020"): Decimal("11769544"),
            ("Samlede gevinster", "2021"): Decimal("11769544"),
            ("i alt", "2018"): Decimal("15324179"),
            ("i alt", "2020"): Decimal("-9761564"),
            ("i alt", "2021"): Decimal("-9761564"),
        }

    def test_a_total_no_signs_explain_is_flagged_not_a_crash(self) -> None:
        # Two subtotal blocks and a stated total that neither their sum nor their difference
        # gives: the blocks count as they stand, and the stated total is kept and flagged.
        table = [
            ["Tekst", "2018"],
            ["Løn", "100"],
            ["Subtotal drift", "100"],
            ["Husleje", "50"],
            ["Subtotal anlæg", "50"],
            ["I alt", "999"],
        ]
        result = budget_table_from_rows(table)
        assert result is not None
        computed = compute(table_data_from_grid(result.grid))
        assert computed.rows[-1].cells[0].value == Decimal(150)
        assert not any(row.subtract for row in computed.rows)
        assert [(m.text, m.stated) for m in result.mismatches] == [("I alt", Decimal(999))]


class TestTablesThatStayOrdinary:
    def test_a_plan_of_dates_is_not_a_budget_table(self) -> None:
        plan = [["Dato", "Aktivitet"], ["10-09-2018", "Go live"], ["01-05-2018", "Undervisning"]]
        assert budget_table_from_rows(plan) is None

    def test_a_list_of_names_is_not_a_budget_table(self) -> None:
        assert budget_table_from_rows([["Lars Holte", "Direktør"], ["Jan Olsen", "Chef"]]) is None

    def test_a_year_column_holding_text_is_not_a_budget_table(self) -> None:
        table = [["", "2018"], ["Løn", "10"], ["Husleje", "efter aftale"]]
        assert budget_table_from_rows(table) is None

    def test_a_single_column_is_not_a_budget_table(self) -> None:
        assert budget_table_from_rows([["Punkt"], ["Andet"]]) is None
