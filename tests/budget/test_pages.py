"""The budget pages for every role: the tables on the minutes, the editor, allocations,
pools and "Status på puljer", asserting on what the user would see."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.legacy import join_continued_tables
from budget.models import Allocation, BudgetTable, Pool, Unit
from budget.services import budget_tables_import
from budget.tables import compute_table
from meetings.models import Meeting
from tests.budget.factories import AllocationFactory, PoolFactory
from tests.budget.sample_tables import TABEL_1_PAGE_1, TABEL_1_PAGE_2, legacy_table, rows, totals
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import AgendaItemFactory, MeetingFactory

SECRET = "Fortrolig besparelse i ØDC"


def import_tabel_1(item, *, typo: bool = False) -> BudgetTable:
    page_2 = TABEL_1_PAGE_2.replace("I alt\t\t2.812", "I alt\t\t2.821") if typo else TABEL_1_PAGE_2
    (joined,) = join_continued_tables([rows(TABEL_1_PAGE_1), rows(page_2)])
    legacy = legacy_table(joined, caption="Tabel 1: Overføres til ØDC i 2018", unit=Unit.THOUSANDS)
    return budget_tables_import(item=item, tables=[legacy]).tables[0]


@pytest.fixture
def minutes(people: People) -> Meeting:
    """Published minutes of 23-04-2018: an open item with Tabel 1, a closed one with a table."""
    meeting = MeetingFactory(
        body=people.body,
        status=Meeting.Status.PUBLISHED,
        starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30)),
    )
    item = AgendaItemFactory(
        meeting=meeting, number=5, title="Disponering af it-promillepuljen", economy=""
    )
    import_tabel_1(item)
    closed = AgendaItemFactory(meeting=meeting, number=6, title=SECRET, closed=True)
    budget_tables_import(
        item=closed,
        tables=[legacy_table([["", "2018"], [SECRET, "4.242"], ["I alt", "4.242"]])],
    )
    return meeting


@pytest.fixture
def draft(people: People):
    meeting = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
    return AgendaItemFactory(meeting=meeting, number=1, title="Ny netværksenhed")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.django_db
class TestTablesInTheMinutes:
    def test_the_table_shows_in_the_items_economy_with_its_computed_total(self, people, minutes):
        page = text_of(people.client_for("staff").get(f"/meetings/{minutes.pk}/"))
        assert "Tabel 1: Overføres til ØDC i 2018" in page
        assert "(1.000 kr.)" in page
        # Numbers right-aligned, the total bold.
        assert '<td class="num">-250</td>' in page
        assert re.search(r'<tr class="budget-total">.*?<strong>2\.812</strong>', page)
        assert (
            '<th scope="rowgroup" class="budget-text" colspan="2">Software backoffice</th>' in page
        )

    @pytest.mark.parametrize("role", ROLES)
    def test_a_closed_items_table_reaches_only_those_allowed(self, people, minutes, role):
        page = text_of(people.client_for(role).get(f"/meetings/{minutes.pk}/"))
        assert ("4.242" in page) is (role in ROLES_WITH_CLOSED_ACCESS)
        assert (SECRET in page) is (role in ROLES_WITH_CLOSED_ACCESS)

    def test_the_secretary_sees_a_flagged_total_and_others_do_not(self, people) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        import_tabel_1(AgendaItemFactory(meeting=meeting), typo=True)
        for role, sees in [("secretary", True), ("director", False), ("staff", False)]:
            page = text_of(people.client_for(role).get(f"/meetings/{meeting.pk}/"))
            assert "<strong>2.812</strong>" in page
            assert ("angivet 2.821" in page) is sees

    def test_the_secretary_gets_a_link_to_the_budget_page(self, people, minutes) -> None:
        link = f'href="/items/{minutes.items.get(number=5).pk}/budget/"'
        assert link in text_of(people.client_for("secretary").get(f"/meetings/{minutes.pk}/"))
        assert link not in text_of(people.client_for("director").get(f"/meetings/{minutes.pk}/"))


@pytest.mark.django_db
class TestTheBudgetPage:
    @pytest.mark.parametrize("role", ROLES)
    def test_a_closed_items_budget_page_is_not_found_for_others(self, people, minutes, role):
        closed = minutes.items.get(number=6)
        response = people.client_for(role).get(f"/items/{closed.pk}/budget/")
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert response.status_code == 200
            assert "4.242" in response.content.decode()
            assert "no-store" in response["Cache-Control"]
        else:
            assert response.status_code == 404
            assert SECRET not in response.content.decode()

    def test_approved_minutes_show_the_tables_without_an_editor(self, people, minutes) -> None:
        item = minutes.items.get(number=5)
        page = text_of(people.client_for("secretary").get(f"/items/{item.pk}/budget/"))
        assert "Referatet er godkendt" in page
        assert "<strong>2.812</strong>" in page
        assert 'name="action"' not in page

    def test_the_secretary_gets_an_editor_of_a_draft(self, people, draft) -> None:
        self_client = people.client_for("secretary")
        response = self_client.post(f"/items/{draft.pk}/budget/tables/", {"section": "okonomi"})
        assert response.status_code == 302
        page = text_of(self_client.get(f"/items/{draft.pk}/budget/"))
        assert 'name="row-0-cell-0"' in page
        assert "Indsæt fra Excel" in page

    @pytest.mark.parametrize("role", ["director", "staff"])
    def test_others_may_not_add_a_table(self, people, draft, role) -> None:
        response = people.client_for(role).post(f"/items/{draft.pk}/budget/tables/")
        # A director sees the draft (403), staff does not see it at all (404).
        assert response.status_code == (403 if role == "director" else 404)
        assert not BudgetTable.objects.exists()


def editor_post(table: BudgetTable, **changes: str) -> dict[str, str]:
    """The editor's form as the page renders it for `table`, with changes."""
    from budget.tables import grid_from_table_data, table_data_from_model

    grid = grid_from_table_data(table_data_from_model(table))
    data = {
        "version": str(table.version),
        "ncols": str(len(grid.columns)),
        "nrows": str(len(grid.rows)),
        "caption": grid.caption,
        "unit": grid.unit,
        "section": grid.section,
        "ref_heading": grid.ref_heading,
        "text_heading": grid.text_heading,
    }
    for c, label in enumerate(grid.columns):
        data[f"col-{c}"] = label
    for r, row in enumerate(grid.rows):
        data[f"row-{r}-kind"] = row.kind
        data[f"row-{r}-ref"] = row.ref
        data[f"row-{r}-text"] = row.text
        for c, value in enumerate(row.cells):
            data[f"row-{r}-cell-{c}"] = value
            if row.stated[c]:
                data[f"row-{r}-stated-{c}"] = row.stated[c]
    data.update(changes)
    return data


@pytest.mark.django_db
class TestTheEditor:
    @pytest.fixture
    def table(self, people, draft) -> BudgetTable:
        return import_tabel_1(draft)

    def url(self, table: BudgetTable) -> str:
        return f"/items/{table.item_id}/budget/tables/{table.pk}/"

    def test_a_changed_amount_is_saved_and_the_total_recomputed(self, people, table) -> None:
        client = people.client_for("secretary")
        response = client.post(self.url(table), editor_post(table, **{"row-1-cell-0": "-300"}))
        assert response.status_code == 302
        assert totals(compute_table(BudgetTable.objects.get(pk=table.pk)))[0].display == "2.762"

    def test_a_bad_cell_is_named_and_everything_typed_comes_back(self, people, table) -> None:
        client = people.client_for("secretary")
        post = editor_post(
            table, **{"row-1-cell-0": "12x", "row-4-cell-0": "90", "caption": "Tabel 1 (ny)"}
        )
        response = client.post(self.url(table), post, HTTP_HX_REQUEST="true")
        page = text_of(response)
        assert "Ikke gemt: ret de markerede felter." in page
        assert "Række 2, kolonne 2018: “12x” er ikke et tal." in page
        assert 'value="12x"' in page and 'value="90"' in page
        assert 'value="Tabel 1 (ny)"' in page
        assert 'aria-invalid="true"' in page
        assert BudgetTable.objects.get(pk=table.pk).version == table.version

    def test_add_move_and_remove_rows_and_columns(self, people, table) -> None:
        client = people.client_for("secretary")
        client.post(self.url(table), editor_post(table, action="add-col"))
        table = BudgetTable.objects.get(pk=table.pk)
        assert [c.label for c in table.columns.all()] == ["2018", "2019"]
        client.post(
            self.url(table), editor_post(table, action="col-left:1", **{"row-1-cell-1": "7"})
        )
        table = BudgetTable.objects.get(pk=table.pk)
        computed = compute_table(table)
        assert computed.columns == ["2019", "2018"]
        assert [c.display for c in computed.rows[1].cells] == ["7", "-250"]
        client.post(self.url(table), editor_post(table, action="col-remove:0"))
        table = BudgetTable.objects.get(pk=table.pk)
        assert compute_table(table).columns == ["2018"]
        client.post(self.url(table), editor_post(table, action="row-down:1"))
        table = BudgetTable.objects.get(pk=table.pk)
        assert [r.ref for r in table.rows.all()][1:3] == ["1.4", "1.2"]
        client.post(self.url(table), editor_post(table, action="row-remove:2"))
        table = BudgetTable.objects.get(pk=table.pk)
        assert totals(compute_table(table))[0].display == "3.062"
        client.post(self.url(table), editor_post(table, action="add-row", **{"new-kind": "note"}))
        assert compute_table(BudgetTable.objects.get(pk=table.pk)).rows[-1].kind == "note"

    def test_a_paste_from_excel_fills_the_table(self, people, table) -> None:
        client = people.client_for("secretary")
        paste = "1.000 kr.\t2018\t2019\r\nHeadsets\t2.000\t\r\nNetværk\t1.100\t2,8\r\nI alt\t\t\r\n"
        response = client.post(
            self.url(table), editor_post(table, action="paste", paste=paste), HTTP_HX_REQUEST="true"
        )
        assert "Gemt." in text_of(response)
        computed = compute_table(BudgetTable.objects.get(pk=table.pk))
        assert computed.caption == "Tabel 1: Overføres til ØDC i 2018"
        assert computed.columns == ["2018", "2019"]
        assert [c.display for c in computed.totals] == ["3.100", "2,8"]

    def test_an_unreadable_paste_is_explained_and_kept(self, people, table) -> None:
        client = people.client_for("secretary")
        paste = "Navn\tRolle\nLars\tDirektør\n"
        response = client.post(
            self.url(table), editor_post(table, action="paste", paste=paste), HTTP_HX_REQUEST="true"
        )
        page = text_of(response)
        assert "kan ikke bruges som budgettabel" in page
        assert "Lars\tDirektør" in response.content.decode()

    def test_a_stale_version_shows_both_versions(self, people, table) -> None:
        client = people.client_for("secretary")
        stale = editor_post(table, **{"row-1-cell-0": "-1"})
        people.client_for("superuser").post(
            self.url(table), editor_post(table, **{"row-1-cell-0": "-2"})
        )
        response = client.post(self.url(table), stale, HTTP_HX_REQUEST="true")
        page = text_of(response)
        assert "ændret af en anden" in page
        assert 'name="row-1-cell-0" value="-1"' in page  # what this user typed
        assert '<td class="num">-2</td>' in page  # what the other saved
        # Saving again on purpose takes this user's version.
        again = editor_post(table, version=str(table.version + 1), **{"row-1-cell-0": "-1"})
        assert client.post(self.url(table), again).status_code == 302

    def test_accepting_the_computed_total_drops_the_stated_one(self, people, draft) -> None:
        table = import_tabel_1(draft, typo=True)
        client = people.client_for("secretary")
        post = editor_post(table)
        total_row = next(k for k, v in post.items() if v == "total").split("-")[1]
        client.post(self.url(table), editor_post(table, action=f"accept-computed:{total_row}"))
        assert compute_table(BudgetTable.objects.get(pk=table.pk)).mismatches == []

    @pytest.mark.parametrize(("role", "status"), [("director", 403), ("outsider", 404)])
    def test_others_cannot_post_to_the_editor(self, people, table, role, status) -> None:
        response = people.client_for(role).post(self.url(table), editor_post(table))
        assert response.status_code == status

    def test_the_secretary_deletes_a_table(self, people, table) -> None:
        response = people.client_for("secretary").post(f"{self.url(table)}delete/")
        assert response.status_code == 302
        assert not BudgetTable.objects.exists()


@pytest.mark.django_db
class TestAllocationsOnThePage:
    def test_the_secretary_allocates_a_danish_amount(self, people, draft) -> None:
        pool = PoolFactory(body=people.body)
        client = people.client_for("secretary")
        response = client.post(
            f"/items/{draft.pk}/budget/allocations/",
            {"pool": pool.pk, "amount": "2.812", "permanent": "on"},
        )
        assert response.status_code == 302
        allocation = Allocation.objects.get()
        assert (allocation.amount, allocation.permanent) == (Decimal("2812"), True)
        page = text_of(client.get(f"/items/{draft.pk}/budget/"))
        assert "2.812 t. kr." in page and "Afventer beslutning" in page

    def test_a_bad_amount_is_explained_and_kept(self, people, draft) -> None:
        pool = PoolFactory(body=people.body)
        response = people.client_for("secretary").post(
            f"/items/{draft.pk}/budget/allocations/", {"pool": pool.pk, "amount": "2.8 mio"}
        )
        assert response.status_code == 422
        page = text_of(response)
        assert "Beløb: “2.8 mio” er ikke et tal." in page
        assert 'value="2.8 mio"' in page
        assert not Allocation.objects.exists()

    def test_a_pool_of_another_body_cannot_be_chosen(self, people, draft) -> None:
        pool = PoolFactory(body=people.other_body)
        response = people.client_for("superuser").post(
            f"/items/{draft.pk}/budget/allocations/", {"pool": pool.pk, "amount": "5"}
        )
        assert "Vælg en af organets puljer." in text_of(response)


@pytest.mark.django_db
class TestPoolPages:
    @pytest.fixture
    def pool(self, people, minutes) -> Pool:
        pool = PoolFactory(body=people.body, amount=Decimal("2206"))
        AllocationFactory(pool=pool, item=minutes.items.get(number=5), amount=Decimal("2812"))
        AllocationFactory(pool=pool, item=minutes.items.get(number=6), amount=Decimal("1"))
        return pool

    def test_the_pool_page_shows_the_balance_after_each_decision_and_the_overdraft(
        self, people, pool
    ) -> None:
        page = text_of(people.client_for("director").get(f"/pools/{pool.pk}/"))
        assert "Puljen er overtrukket: restbudgettet er -607 t. kr." in page
        assert "Punkt 5: Disponering af it-promillepuljen" in page
        assert '<td class="num">-2.812</td> <td class="num">-606</td>' in page
        assert "Overtrukket" in page

    @pytest.mark.parametrize("role", ROLES)
    def test_pools_are_for_the_body_alone(self, people, pool, role) -> None:
        client = people.client_for(role)
        detail = client.get(f"/pools/{pool.pk}/")
        status = client.get("/pools/status/direktionen/")
        allowed = role in ROLES_WITH_CLOSED_ACCESS
        assert detail.status_code == status.status_code == (200 if allowed else 404)
        assert (f'href="/pools/{pool.pk}/"' in client.get("/pools/").content.decode()) is allowed

    def test_status_paa_puljer_lists_every_pool_of_the_body(self, people, pool) -> None:
        PoolFactory(body=people.body, name="anlægspulje", amount=Decimal("15000"))
        page = text_of(people.client_for("secretary").get("/pools/status/direktionen/"))
        assert "Status på puljer – Direktionen" in page
        assert "anlægspulje 2018 (1.000 kr.)" in page
        assert "it-promillepulje 2018 (1.000 kr.)" in page
        assert "Overtrukne puljer:" in page
        assert SECRET in page  # a member of the body may read its closed item's title

    def test_the_secretary_creates_a_pool_in_danish_numbers(self, people) -> None:
        client = people.client_for("secretary")
        response = client.post(
            "/pools/new/",
            {"body": "direktionen", "name": "it-promillepulje", "year": "2019",
             "amount": "7.653", "unit": "1.000 kr."},
        )  # fmt: skip
        assert response.status_code == 302
        pool = Pool.objects.get()
        assert (pool.amount, pool.unit, pool.year) == (Decimal("7653"), "1.000 kr.", 2019)

    def test_a_bad_pool_is_explained_and_kept(self, people) -> None:
        response = people.client_for("secretary").post(
            "/pools/new/",
            {"body": "direktionen", "name": "x", "year": "18a", "amount": "12x", "unit": "kr."},
        )
        page = text_of(response)
        assert response.status_code == 422
        assert "År: skriv et årstal" in page and "Beløb: “12x” er ikke et tal." in page
        assert 'value="12x"' in page

    def test_a_director_cannot_create_a_pool(self, people) -> None:
        response = people.client_for("director").post(
            "/pools/new/",
            {"body": "direktionen", "name": "x", "year": "2018", "amount": "1", "unit": "kr."},
        )
        assert response.status_code == 403
