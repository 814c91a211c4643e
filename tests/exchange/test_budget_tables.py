"""The exchange format's "budget_tables": out, in, and out again unchanged."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from budget.legacy import join_continued_tables
from budget.models import BudgetTable, Unit
from budget.services import budget_tables_import
from budget.tables import compute_table
from exchange.budget_tables import ExchangeError, tables_from_exchange, tables_to_exchange
from tests.budget.sample_tables import (
    CURA_PAGE_1,
    CURA_PAGE_2,
    TABEL_1_PAGE_1,
    TABEL_1_PAGE_2,
    legacy_table,
    rows,
)
from tests.factories import AgendaItemFactory


def imported(item, *pages: str, **kwargs) -> BudgetTable:
    (joined,) = join_continued_tables([rows(p) for p in pages])
    legacy = legacy_table(joined, **kwargs)
    return budget_tables_import(item=item, tables=[legacy]).tables[0]


@pytest.mark.django_db
class TestBudgetTablesExchange:
    def test_tabel_1_goes_out_with_its_rows_and_computed_total(self) -> None:
        item = AgendaItemFactory()
        imported(
            item,
            TABEL_1_PAGE_1,
            TABEL_1_PAGE_2,
            caption="Tabel 1: Overføres til ØDC i 2018",
            unit=Unit.THOUSANDS,
            section=BudgetTable.Section.PRESENTATION,
        )
        (out,) = tables_to_exchange(item)
        assert out["caption"] == "Tabel 1: Overføres til ØDC i 2018"
        assert out["unit"] == "1.000 kr."
        assert out["section"] == "sagsfremstilling"
        assert out["columns"] == ["2018"]
        assert out["rows"][1] == {
            "ref": "1.2",
            "text": "Opgradering af acadre springes over (tilbageføres)",
            "values": ["-250"],
            "kind": "line",
        }
        transition = next(r for r in out["rows"] if r["ref"] == "3.1")
        assert transition["values"] == ["?"]
        total = next(r for r in out["rows"] if r["kind"] == "total")
        assert total["values"] == ["2812"]
        assert out["totals"] == ["2812"]
        json.dumps(out)  # plain JSON: strings, lists, None — never a float

    def test_it_round_trips_a_flagged_total_and_a_subtracted_subtotal(self) -> None:
        source = AgendaItemFactory()
        typo = TABEL_1_PAGE_2.replace("I alt\t\t2.812", "I alt\t\t2.821")
        imported(source, TABEL_1_PAGE_1, typo, caption="Tabel 1")
        imported(source, CURA_PAGE_1, CURA_PAGE_2, caption="Projektets samlede økonomi")
        out = tables_to_exchange(source)
        assert next(r for r in out[0]["rows"] if r["kind"] == "total")["values"] == ["2821"]
        assert out[0]["totals"] == ["2812"]
        gains = next(r for r in out[1]["rows"] if r["text"] == "Samlede gevinster")
        assert gains["subtract"] is True

        target = AgendaItemFactory()
        tables = tables_from_exchange(target, json.loads(json.dumps(out)))
        assert tables_to_exchange(target) == out
        flagged = compute_table(tables[0]).mismatches
        assert [(m.stated, m.computed) for m in flagged] == [(Decimal("2821"), Decimal("2812"))]

    def test_reading_replaces_the_items_tables(self) -> None:
        item = AgendaItemFactory()
        imported(item, TABEL_1_PAGE_1, TABEL_1_PAGE_2)
        tables_from_exchange(item, [])
        assert tables_to_exchange(item) == []

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda t: t["rows"][1].update(values=[2.5]), "ikke som kommatal"),
            (lambda t: t["rows"][1].update(values=["12x"]), "“12x” er ikke et beløb"),
            (lambda t: t.pop("caption"), "feltet “caption” mangler"),
            (lambda t: t.update(unit="EUR"), "“EUR” er ikke en af"),
            (lambda t: t["rows"][0].update(kind="sum"), "“sum” er ikke en af"),
        ],
    )
    def test_bad_data_is_refused_in_danish_before_anything_changes(self, change, message):
        item = AgendaItemFactory()
        imported(item, TABEL_1_PAGE_1, TABEL_1_PAGE_2)
        before = tables_to_exchange(item)
        bad = copy.deepcopy(before)
        change(bad[0])
        with pytest.raises(ExchangeError) as info:
            tables_from_exchange(item, bad)
        assert message in str(info.value)
        assert tables_to_exchange(item) == before
