"""Every change of an item's money — its budget tables, their columns, rows and cells, and its
allocations — leaves a history row saying who and when, however it is made, and the item's
history shows it beside the item's text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection

from budget.models import Allocation, BudgetCell, BudgetColumn, BudgetRow, BudgetTable, Pool
from budget.services import allocation_create, allocation_delete, budget_table_create
from budget.tables import Grid, GridRow
from meetings.models import AgendaItem
from meetings.selectors.history import item_history
from tests.budget.test_pages import editor_post
from tests.conftest import People
from tests.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db


def _events(model: type, **filters: object) -> list:
    event_model = apps.get_model("budget", f"{model.__name__}Event")
    return list(event_model.objects.filter(**filters).select_related("pgh_context"))


@pytest.fixture
def item(people: People, draft) -> AgendaItem:
    return AgendaItemFactory(meeting=draft, number=1, title="Status på it-strategiske initiativer")


@pytest.fixture
def table(people: People, item: AgendaItem) -> BudgetTable:
    return budget_table_create(
        item=item,
        actor=people.secretary,
        grid=Grid(
            caption="Tabel 1: Overføres til ØDC",
            unit="1.000 kr.",
            columns=["2018"],
            rows=[
                GridRow(text="Headsets", cells=["2.000"]),
                GridRow(kind="total", text="I alt"),
            ],
        ),
    )


class TestEveryPartIsRecorded:
    def test_a_new_table_records_its_columns_rows_and_cells_with_the_secretary(
        self, people: People, table: BudgetTable
    ) -> None:
        for model, filters in (
            (BudgetTable, {"item_id": table.item_id}),
            (BudgetColumn, {"table_id": table.pk}),
            (BudgetRow, {"table_id": table.pk}),
            (BudgetCell, {"row__table_id": table.pk}),
        ):
            events = _events(model, **filters)
            assert events, model.__name__
            assert {e.pgh_label for e in events} == {"insert"}
            assert {e.pgh_context.metadata["user"] for e in events} == {people.secretary.pk}
        assert [e.value for e in _events(BudgetCell, row__table_id=table.pk)] == [Decimal(2000)]

    def test_an_edit_on_the_page_is_in_the_items_history_with_before_and_after(
        self, people: People, table: BudgetTable
    ) -> None:
        client = people.client_for("secretary")
        response = client.post(
            f"/items/{table.item_id}/budget/tables/{table.pk}/",
            editor_post(table, **{"row-0-cell-0": "2.500"}),
        )
        assert response.status_code == 302
        entries = item_history(AgendaItem.objects.get(pk=table.item_id), user=people.secretary)
        cells = [e for e in entries if e.kind == "BudgetCell"]
        assert {e.user_name for e in cells} == {"Kathrine"}
        amounts = {
            (e.action, c.before, c.after) for e in cells for c in e.changes if c.name == "value"
        }
        # The saved table replaces its cells: the old amount goes, the new one comes.
        assert ("delete", "2000.0000", "") in amounts
        assert ("insert", "", "2500.0000") in amounts
        assert any(e.kind == "BudgetTable" and e.action == "insert" for e in entries)

    def test_allocations_are_recorded_with_who_and_the_service(
        self, people: People, item: AgendaItem
    ) -> None:
        pool = Pool.objects.create(
            body=people.body, name="it-promillepulje", year=2018, amount=Decimal("2206")
        )
        allocation = allocation_create(
            item=item, pool=pool, amount=Decimal("2322"), actor=people.secretary, note="Tabel 1"
        )
        allocation_delete(allocation=allocation, actor=people.secretary)
        assert not Allocation.objects.filter(item=item).exists()
        events = _events(Allocation, item_id=item.pk)
        assert [(e.pgh_label, e.amount) for e in sorted(events, key=lambda e: e.pgh_id)] == [
            ("insert", Decimal("2322")),
            ("delete", Decimal("2322")),
        ]
        assert [e.pgh_context.metadata["service"] for e in events] == [
            "allocation_create",
            "allocation_delete",
        ]
        entries = [e for e in item_history(item, user=people.secretary) if e.kind == "Allocation"]
        assert [e.action for e in entries] == ["delete", "insert"]
        assert {e.user_name for e in entries} == {"Kathrine"}
        assert {c.name: c.after for c in entries[1].changes}["note"] == "Tabel 1"

    def test_a_change_in_plain_sql_is_recorded_without_a_user(
        self, people: People, table: BudgetTable
    ) -> None:
        with connection.cursor() as cursor:
            # A change from outside the app comes in a transaction of its own, without the
            # context this test's earlier services left in its transaction.
            cursor.execute("SELECT set_config('pghistory.context_id', '', true)")
            cursor.execute(
                "UPDATE budget_budgetcell SET value = 1999 WHERE row_id IN "
                "(SELECT id FROM budget_budgetrow WHERE table_id = %s)",
                [table.pk],
            )
        entry = item_history(AgendaItem.objects.get(pk=table.item_id), user=people.secretary)[0]
        assert (entry.kind, entry.action) == ("BudgetCell", "update")
        assert entry.user_name == "ukendt – ændret uden for Referat"
        change = {c.name: c for c in entry.changes}["value"]
        assert (change.before, change.after) == ("2000.0000", "1999.0000")

    def test_a_deleted_tables_rows_stay_in_the_history(
        self, people: People, table: BudgetTable
    ) -> None:
        from budget.services import budget_table_delete

        item = AgendaItem.objects.get(pk=table.item_id)
        budget_table_delete(table=table, actor=people.secretary)
        kinds = {(e.kind, e.action) for e in item_history(item, user=people.secretary)}
        assert {("BudgetTable", "delete"), ("BudgetCell", "delete"), ("BudgetRow", "delete")} <= (
            kinds
        )
