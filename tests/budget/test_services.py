"""Budget tables, pools and allocations stored and changed through the services, against a
real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.legacy import join_continued_tables
from budget.models import Allocation, BudgetCell, BudgetRow, BudgetTable, Unit
from budget.services import (
    VersionConflict,
    allocation_create,
    budget_table_create,
    budget_table_delete,
    budget_table_move,
    budget_table_save,
    budget_tables_import,
    pool_create,
)
from budget.tables import Grid, GridError, GridRow, compute_table, grid_from_table_data
from budget.tables import table_data_from_model as data_of
from meetings.errors import DomainError, NotAllowed
from meetings.models import Meeting
from tests.budget.factories import PoolFactory
from tests.budget.sample_tables import TABEL_1_PAGE_1, TABEL_1_PAGE_2, legacy_table, rows, totals
from tests.conftest import People
from tests.factories import AgendaItemFactory, MeetingFactory

Kind = BudgetRow.Kind


@pytest.fixture
def item(people: People):
    meeting = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
    return AgendaItemFactory(meeting=meeting, title="Disponering af it-promillepuljen")


def budget_grid(*cells: str) -> Grid:
    return Grid(
        caption="Tabel 1: Overføres til ØDC i 2018",
        unit=Unit.THOUSANDS,
        columns=["2018"],
        rows=[
            GridRow(kind=Kind.LINE, ref="1.2", text="Acadre", cells=[cells[0]]),
            GridRow(kind=Kind.LINE, ref="1.5", text="Calibra", cells=[cells[1]]),
            GridRow(kind=Kind.TOTAL, text="I alt"),
        ],
    ).normalised()


@pytest.mark.django_db
class TestBudgetTableCreate:
    def test_the_secretary_adds_a_table_whose_total_is_computed(self, people, item) -> None:
        table = budget_table_create(
            item=item, actor=people.secretary, grid=budget_grid("-250", "85")
        )
        computed = compute_table(table)
        assert computed.rows[-1].cells[0].display == "-165"
        assert table.updated_by == people.secretary
        # The total row stores no figure of its own.
        assert not BudgetCell.objects.filter(row__table=table, row__kind=Kind.TOTAL).exists()

    def test_an_empty_table_has_a_column_for_next_year_a_line_and_a_total(self, people, item):
        table = budget_table_create(item=item, actor=people.secretary)
        data = data_of(table)
        assert data.columns == [str(timezone.localdate().year + 1)]
        assert [r.kind for r in data.rows] == [Kind.LINE, Kind.TOTAL]

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_only_the_secretary_or_a_superuser_may(self, people, item, role) -> None:
        with pytest.raises(NotAllowed):
            budget_table_create(item=item, actor=getattr(people, role))
        assert budget_table_create(item=item, actor=people.superuser).pk

    @pytest.mark.parametrize("status", [Meeting.Status.APPROVED, Meeting.Status.PUBLISHED])
    def test_approved_minutes_are_locked(self, people, item, status) -> None:
        Meeting.objects.filter(pk=item.meeting_id).update(status=status)
        item.meeting.refresh_from_db()
        with pytest.raises(DomainError) as info:
            budget_table_create(item=item, actor=people.secretary)
        assert "Referatet er godkendt" in str(info.value)

    def test_tables_keep_the_order_they_were_added_in_and_move(self, people, item) -> None:
        first = budget_table_create(item=item, actor=people.secretary, grid=budget_grid("1", "2"))
        second = budget_table_create(item=item, actor=people.secretary, grid=budget_grid("3", "4"))
        assert list(item.budget_tables.all()) == [first, second]
        budget_table_move(table=second, actor=people.secretary, offset=-1)
        assert list(item.budget_tables.all()) == [second, first]


@pytest.mark.django_db
class TestBudgetTableSave:
    def test_a_save_replaces_the_rows_and_raises_the_version(self, people, item) -> None:
        table = budget_table_create(item=item, actor=people.secretary, grid=budget_grid("1", "2"))
        saved = budget_table_save(
            table=table, actor=people.secretary, grid=budget_grid("1.100", "2,8"), version=1
        )
        assert saved.version == 2
        assert compute_table(saved).rows[-1].cells[0].display == "1.102,8"
        values = set(BudgetCell.objects.filter(row__table=table).values_list("value", flat=True))
        assert values == {Decimal("1100"), Decimal("2.8")}

    def test_a_stale_version_is_a_conflict_and_nothing_is_saved(self, people, item) -> None:
        table = budget_table_create(item=item, actor=people.secretary, grid=budget_grid("1", "2"))
        budget_table_save(
            table=table, actor=people.secretary, grid=budget_grid("5", "5"), version=1
        )
        with pytest.raises(VersionConflict) as info:
            budget_table_save(
                table=table, actor=people.superuser, grid=budget_grid("7", "7"), version=1
            )
        assert info.value.current_version == 2
        assert "ændret af en anden" in str(info.value)
        assert compute_table(BudgetTable.objects.get(pk=table.pk)).rows[-1].cells[0].display == "10"

    def test_a_bad_cell_saves_nothing(self, people, item) -> None:
        table = budget_table_create(item=item, actor=people.secretary, grid=budget_grid("1", "2"))
        with pytest.raises(GridError) as info:
            budget_table_save(
                table=table, actor=people.secretary, grid=budget_grid("12x", "2"), version=1
            )
        assert info.value.messages == ["Række 1, kolonne 2018: “12x” er ikke et tal."]
        table.refresh_from_db()
        assert table.version == 1
        assert compute_table(table).rows[-1].cells[0].display == "3"

    def test_what_is_stored_reads_back_as_it_was_typed(self, people, item) -> None:
        grid = budget_grid("-250", "?")
        table = budget_table_create(item=item, actor=people.secretary, grid=grid)
        back = grid_from_table_data(data_of(table))
        assert [r.cells for r in back.rows] == [["-250"], ["?"], [""]]
        assert (back.caption, back.unit) == (grid.caption, Unit.THOUSANDS)

    def test_the_secretary_may_delete_a_table(self, people, item) -> None:
        table = budget_table_create(item=item, actor=people.secretary)
        with pytest.raises(NotAllowed):
            budget_table_delete(table=table, actor=people.director)
        budget_table_delete(table=table, actor=people.secretary)
        assert not BudgetTable.objects.exists()


@pytest.mark.django_db
class TestLegacyImport:
    def test_a_flagged_total_is_stored_beside_the_computed_one(self, people) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        item = AgendaItemFactory(meeting=meeting)
        typo = TABEL_1_PAGE_2.replace("I alt\t\t2.812", "I alt\t\t2.821")
        (joined,) = join_continued_tables([rows(TABEL_1_PAGE_1), rows(typo)])
        legacy = legacy_table(joined, caption="Tabel 1", unit=Unit.THOUSANDS)
        result = budget_tables_import(item=item, tables=[legacy])
        assert result.flagged == result.tables
        (table,) = result.tables
        computed = compute_table(table)
        assert totals(computed)[0].value == Decimal("2812")
        assert totals(computed)[0].stated == Decimal("2821")
        assert [str(m) for m in computed.mismatches] == [str(m) for m in legacy.mismatches]

    def test_an_agreeing_total_is_not_stored_twice(self, people) -> None:
        item = AgendaItemFactory(meeting=MeetingFactory(body=people.body))
        (joined,) = join_continued_tables([rows(TABEL_1_PAGE_1), rows(TABEL_1_PAGE_2)])
        legacy = legacy_table(joined)
        result = budget_tables_import(item=item, tables=[legacy])
        assert result.flagged == []
        assert not BudgetCell.objects.filter(stated__isnull=False).exists()
        assert totals(compute_table(result.tables[0]))[0].display == "2.812"


@pytest.mark.django_db
class TestPoolCreate:
    def test_the_secretary_creates_a_pool_of_the_body(self, people) -> None:
        pool = pool_create(
            body=people.body,
            name=" it-promillepulje ",
            year=2018,
            amount=Decimal("2206"),
            unit=Unit.THOUSANDS,
            actor=people.secretary,
        )
        assert (pool.name, pool.year, pool.amount, pool.created_by) == (
            "it-promillepulje",
            2018,
            Decimal("2206"),
            people.secretary,
        )

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_others_may_not(self, people, role) -> None:
        with pytest.raises(NotAllowed):
            pool_create(
                body=people.body,
                name="P",
                year=2018,
                amount=Decimal(1),
                actor=getattr(people, role),
            )

    def test_a_name_is_unique_per_body_and_year(self, people) -> None:
        PoolFactory(body=people.body, name="it-promillepulje", year=2018)
        with pytest.raises(DomainError) as info:
            pool_create(
                body=people.body,
                name="IT-promillepulje",
                year=2018,
                amount=Decimal(1),
                actor=people.secretary,
            )
        assert "har allerede en pulje" in str(info.value)
        assert pool_create(
            body=people.body, name="it-promillepulje", year=2019, amount=Decimal(1),
            actor=people.secretary,
        )  # fmt: skip

    @pytest.mark.parametrize("year", [18, 3000])
    def test_an_implausible_year_is_refused(self, people, year) -> None:
        with pytest.raises(DomainError) as info:
            pool_create(
                body=people.body, name="P", year=year, amount=Decimal(1), actor=people.secretary
            )
        assert "gyldigt årstal" in str(info.value)


@pytest.mark.django_db
class TestAllocationCreate:
    def test_an_item_draws_on_a_pool_of_its_body(self, people, item) -> None:
        pool = PoolFactory(body=people.body)
        allocation = allocation_create(
            item=item, pool=pool, amount=Decimal("2812"), actor=people.secretary, permanent=True
        )
        assert (allocation.year, allocation.permanent) == (2018, True)

    def test_a_pool_of_another_body_is_refused(self, people, item) -> None:
        pool = PoolFactory(body=people.other_body)
        with pytest.raises(DomainError) as info:
            allocation_create(item=item, pool=pool, amount=Decimal(1), actor=people.superuser)
        assert "hører til et andet organ" in str(info.value)

    def test_the_year_must_be_the_pools(self, people, item) -> None:
        pool = PoolFactory(body=people.body, year=2018)
        with pytest.raises(DomainError) as info:
            allocation_create(
                item=item, pool=pool, amount=Decimal(1), year=2019, actor=people.secretary
            )
        assert "gælder 2018, ikke 2019" in str(info.value)

    def test_zero_is_refused(self, people, item) -> None:
        pool = PoolFactory(body=people.body)
        with pytest.raises(DomainError):
            allocation_create(item=item, pool=pool, amount=Decimal(0), actor=people.secretary)
        assert not Allocation.objects.exists()

    def test_the_director_may_not_allocate(self, people, item) -> None:
        pool = PoolFactory(body=people.body)
        with pytest.raises(NotAllowed):
            allocation_create(item=item, pool=pool, amount=Decimal(1), actor=people.director)

    def test_approved_minutes_take_no_new_allocations(self, people) -> None:
        meeting = MeetingFactory(
            body=people.body,
            status=Meeting.Status.APPROVED,
            starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30)),
        )
        pool = PoolFactory(body=people.body)
        with pytest.raises(DomainError):
            allocation_create(
                item=AgendaItemFactory(meeting=meeting),
                pool=pool,
                amount=Decimal(1),
                actor=people.secretary,
            )


@pytest.mark.django_db
class TestPoolReportSweep:
    def test_a_report_whose_worker_died_runs_again_once_then_fails(
        self, people: People, settings, broker_down
    ) -> None:
        from budget.models import PoolStatusReport
        from budget.services import pool_reports_dispatch_pending

        report = PoolStatusReport.objects.create(body=people.body, content_key="x")
        a_while_ago = timezone.now() - dt.timedelta(seconds=settings.WORKER_LOST_GRACE_SECONDS + 5)
        # A worker started it and died: running, and no session holds its lock.
        PoolStatusReport.objects.update(
            status=PoolStatusReport.Status.RUNNING, started_at=a_while_ago
        )
        assert pool_reports_dispatch_pending() == 0  # Redis is down: it waits, unsent
        report.refresh_from_db()
        assert (report.status, report.lost_runs) == (PoolStatusReport.Status.QUEUED, 1)
        assert report.dispatched_at is None

        PoolStatusReport.objects.update(
            status=PoolStatusReport.Status.RUNNING, started_at=a_while_ago
        )
        pool_reports_dispatch_pending()
        report.refresh_from_db()
        assert report.status == PoolStatusReport.Status.FAILED
        assert "stoppede to gange undervejs" in report.error
        page = people.client_for("director").get(f"/pools/reports/{report.pk}/").content.decode()
        assert "kunne ikke dannes" in page
