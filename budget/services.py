"""State changes of budget tables, pools and allocations. Views, the API, the importer and
tasks call these; they never change budget state themselves (CONVENTIONS.md).

Who may change what: the secretary of the item's body (or of the pool's body) and superusers.
Budget tables and allocations of minutes that are approved are locked, like the decisions: the
services refuse first (`budget_locked`), and the database refuses whatever gets past that
(budget/migrations/0005_lock_budget_of_approved_items), e.g. an approval landing in between;
`locked_edits_refused` turns its refusal into the same Danish DecisionLocked error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import pghistory
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.legacy import LegacyBudgetTable
from budget.models import (
    Allocation,
    BudgetCell,
    BudgetColumn,
    BudgetRow,
    BudgetTable,
    Pool,
    PoolStatusReport,
    Unit,
)
from budget.numbers import UNKNOWN, format_danish_number
from budget.pdf import html_to_pdf, pool_status_html
from budget.pools import body_pool_statuses, statuses_content_key
from budget.tables import (
    SUMMING_KINDS,
    ComputedRow,
    Grid,
    GridRow,
    TableData,
    compute,
    table_data_from_grid,
)
from common.broker import send_task
from common.bulk import copy_new, copy_rows, reserve_ids
from common.files import write_atomically
from common.locks import advisory_lock, is_locked
from meetings.access import bodies_with_access, may_edit_body
from meetings.errors import DomainError, InvalidInput, MeetingLocked, NotAllowed, StaleVersion
from meetings.locks import EDITABLE_STATUSES, item_is_locked, locked_edits_refused
from meetings.models import AgendaItem, Body

if TYPE_CHECKING:
    from meetings.models import AnyUser

logger = logging.getLogger("referat.budget")

P = ParamSpec("P")
R = TypeVar("R")


class VersionConflict(StaleVersion):
    """Someone saved the table after the version the user edited."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


def _actor(user: AnyUser | None) -> User | None:
    """The user to record as having made a change (None for the import or anonymous)."""
    return user if isinstance(user, User) else None


def _recorded(service: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record the acting user (the `actor=` argument) and the service's name with every
    history row the service writes, as the review's services do: a change of an item's money
    says who made it however the service was called (page, API or command)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def recorded(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = _actor(cast("AnyUser | None", kwargs.get("actor")))
            with pghistory.context(user=actor.pk if actor else None, service=service):
                return func(*args, **kwargs)

        return recorded

    return decorate


def budget_locked(item: AgendaItem) -> bool:
    """Budget tables and allocations follow the item's text: locked once the minutes are
    approved (meetings.locks.EDITABLE_STATUSES), and under review once every reviewer has approved
    the item (meetings/locks.py)."""
    return item.meeting.status not in EDITABLE_STATUSES or item_is_locked(item)


def _check_item(user: AnyUser, item: AgendaItem) -> None:
    if not may_edit_body(user, item.meeting.body_id):
        raise NotAllowed(_("Kun organets sekretær kan ændre punktets økonomi."))
    if budget_locked(item):
        raise MeetingLocked(
            _("Referatet er godkendt; punktets økonomi kan ikke ændres, før det genåbnes.")
        )


# --- Budget tables --------------------------------------------------------------------------


def empty_grid(*, caption: str = "", unit: str = Unit.KR, section: str = "") -> Grid:
    """A new table: one column for next year, a line and a total."""
    year = str(timezone.localdate().year + 1)
    return Grid(
        caption=caption,
        unit=unit,
        section=section or BudgetTable.Section.ECONOMY,
        columns=[year],
        rows=[GridRow(kind=BudgetRow.Kind.LINE), GridRow(kind=BudgetRow.Kind.TOTAL, text="I alt")],
    ).normalised()


def _write_rows(table: BudgetTable, data: TableData) -> None:
    """Replace the table's columns, rows and cells by `data`."""
    table.rows.all().delete()
    table.columns.all().delete()
    _insert_rows([(table.pk, data)])


def _insert_rows(tables: list[tuple[int, TableData]]) -> None:
    """Insert the columns, rows and cells of stored tables (by id) that have none, with three
    COPYs.

    A stated total that agrees with the computed one is dropped: the computed total is the one
    truth, and only a disagreement is worth keeping."""
    column_ids = reserve_ids(BudgetColumn, sum(len(data.columns) for _t, data in tables))
    row_ids = reserve_ids(BudgetRow, sum(len(data.rows) for _t, data in tables))
    columns: list[tuple[Any, ...]] = []
    rows: list[tuple[Any, ...]] = []
    cells: list[tuple[Any, ...]] = []
    column_at, row_at = 0, 0
    for table_id, data in tables:
        table_columns = column_ids[column_at : column_at + len(data.columns)]
        table_rows = row_ids[row_at : row_at + len(data.rows)]
        column_at += len(data.columns)
        row_at += len(data.rows)
        columns.extend(
            (pk, table_id, i, label)
            for i, (pk, label) in enumerate(zip(table_columns, data.columns, strict=True))
        )
        rows.extend(
            (pk, table_id, i, row.kind, row.ref, row.text, row.subtract)
            for i, (pk, row) in enumerate(zip(table_rows, data.rows, strict=True))
        )
        # Totals are computed only to compare the figures a source states for them.
        states = any(
            v is not None for row in data.rows if row.kind in SUMMING_KINDS for v in row.stated
        )
        computed: list[ComputedRow | None] = (
            list(compute(data).rows) if states else [None] * len(data.rows)
        )
        for row, row_id, result in zip(data.rows, table_rows, computed, strict=True):
            for c, column_id in enumerate(table_columns):
                if row.kind in SUMMING_KINDS:
                    stated = result.cells[c].stated if result is not None else None
                    if stated is not None:
                        cells.append((row_id, column_id, None, False, stated))
                    continue
                value = row.values[c] if c < len(row.values) else None
                if value is UNKNOWN:
                    cells.append((row_id, column_id, None, True, None))
                elif isinstance(value, Decimal):
                    cells.append((row_id, column_id, value, False, None))
    copy_rows(BudgetColumn, ["id", "table_id", "position", "label"], columns)
    copy_rows(BudgetRow, ["id", "table_id", "position", "kind", "ref", "text", "subtract"], rows)
    copy_rows(BudgetCell, ["row_id", "column_id", "value", "unknown", "stated"], cells)


def budget_tables_store_new(items: list[tuple[int, list[TableData]]]) -> None:
    """Store the tables of items (by id) that have none yet (a meeting being imported) in
    four COPYs, whatever their number. No permission or lock check: for the importers."""
    tables = [
        (item_id, position, data)
        for item_id, item_tables in items
        for position, data in enumerate(item_tables)
    ]
    table_ids = reserve_ids(BudgetTable, len(tables))
    copy_new(
        BudgetTable,
        [
            "id", "item_id", "section", "position", "caption", "unit",
            "ref_heading", "text_heading", "anchor",
        ],
        (
            (
                table_id, item_id, data.section, position, data.caption, data.unit,
                data.ref_heading, data.text_heading, data.anchor,
            )
            for table_id, (item_id, position, data) in zip(table_ids, tables, strict=True)
        ),
    )  # fmt: skip
    _insert_rows(
        [
            (table_id, data)
            for table_id, (_item, _position, data) in zip(table_ids, tables, strict=True)
        ]
    )


@_recorded("budget_table_create")
@locked_edits_refused()
@transaction.atomic
def budget_table_create(
    *, item: AgendaItem, actor: AnyUser, grid: Grid | None = None, section: str = ""
) -> BudgetTable:
    """Add a budget table to the item (an empty one unless `grid` is given).

    Secretary of the item's body or superuser; not once the minutes are approved. Raises
    GridError (Danish, naming each bad cell) when the grid does not parse."""
    _check_item(actor, item)
    grid = grid or empty_grid(section=section)
    data = table_data_from_grid(grid)
    return budget_table_store(item=item, data=data, actor=actor)


def budget_table_store(
    *, item: AgendaItem, data: TableData, actor: AnyUser | None = None
) -> BudgetTable:
    """Store a parsed table as the item's last, with no permission or lock check: for the
    importers (legacy minutes, exchange files), which run as the system, and the services
    above, which have checked."""
    AgendaItem.objects.select_for_update().get(pk=item.pk)
    last = BudgetTable.objects.filter(item=item).aggregate(m=Max("position"))["m"]
    table = BudgetTable.objects.create(
        item=item,
        section=data.section,
        position=0 if last is None else last + 1,
        caption=data.caption,
        unit=data.unit,
        ref_heading=data.ref_heading,
        text_heading=data.text_heading,
        anchor=data.anchor,
        updated_by=_actor(actor),
    )
    _write_rows(table, data)
    return table


@_recorded("budget_table_save")
@locked_edits_refused()
@transaction.atomic
def budget_table_save(
    *, table: BudgetTable, actor: AnyUser, grid: Grid, version: int
) -> BudgetTable:
    """Save the whole table as edited, if nobody saved it since `version`.

    Raises GridError when a cell is not an amount (nothing is saved), VersionConflict when the
    table changed meanwhile (the caller shows both versions), NotAllowed / DomainError when
    the actor may not edit or the minutes are approved."""
    _check_item(actor, table.item)
    data = table_data_from_grid(grid)
    updated = BudgetTable.objects.filter(pk=table.pk, version=version).update(
        caption=data.caption,
        unit=data.unit,
        section=data.section,
        ref_heading=data.ref_heading,
        text_heading=data.text_heading,
        version=F("version") + 1,
        updated_by=_actor(actor),
        updated_at=timezone.now(),
    )
    if not updated:
        current = BudgetTable.objects.filter(pk=table.pk).values_list("version", flat=True).first()
        if current is None:
            raise DomainError(_("Tabellen er slettet, mens du redigerede den."))
        raise VersionConflict(
            _(
                "Tabellen er ændret af en anden, siden du åbnede den. Din udgave står i "
                "redigeringen; den gemte ses nedenfor. Gem igen for at bruge din udgave."
            ),
            current_version=current,
        )
    table.refresh_from_db()
    _write_rows(table, data)
    return table


@_recorded("budget_table_delete")
@locked_edits_refused()
@transaction.atomic
def budget_table_delete(*, table: BudgetTable, actor: AnyUser) -> None:
    """Remove a budget table from its item (secretary or superuser; not once approved)."""
    _check_item(actor, table.item)
    table.delete()


@_recorded("budget_table_move")
@locked_edits_refused()
@transaction.atomic
def budget_table_move(*, table: BudgetTable, actor: AnyUser, offset: int) -> None:
    """Move a table up (-1) or down (+1) among the item's tables."""
    _check_item(actor, table.item)
    tables = list(BudgetTable.objects.select_for_update().filter(item=table.item_id))
    index = next(i for i, t in enumerate(tables) if t.pk == table.pk)
    target = index + offset
    if not 0 <= target < len(tables):
        return
    tables.insert(target, tables.pop(index))
    for position, each in enumerate(tables):
        if each.position != position:
            BudgetTable.objects.filter(pk=each.pk).update(
                position=position, version=F("version") + 1
            )


@dataclass
class LegacyImportResult:
    tables: list[BudgetTable]
    flagged: list[BudgetTable]


@locked_edits_refused()
@transaction.atomic
def budget_tables_import(
    *, item: AgendaItem, tables: list[LegacyBudgetTable]
) -> LegacyImportResult:
    """Store the budget tables read from legacy minutes on the item (the importer's call).

    Runs as the import, not as a user: it writes whatever the meeting's status, since imported
    minutes arrive approved. A stated total that disagrees is stored beside the computed one;
    the tables holding one come back in `flagged` for the import report."""
    created, flagged = [], []
    for legacy in tables:
        table = budget_table_store(item=item, data=table_data_from_grid(legacy.grid))
        created.append(table)
        if legacy.flagged:
            flagged.append(table)
    return LegacyImportResult(created, flagged)


# --- Pools and allocations ------------------------------------------------------------------


def _check_amount(amount: Decimal, *, allow_zero: bool = False) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidInput(_("Beløbet skal være et tal."))
    if not allow_zero and amount == 0:
        raise InvalidInput(_("Beløbet må ikke være 0."))
    if abs(amount) >= Decimal(10) ** 14:
        raise InvalidInput(_("Beløbet er for stort."))
    if amount != amount.quantize(Decimal("0.0001")):
        raise InvalidInput(_("Beløbet kan højst have 4 decimaler."))


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2199:
        raise InvalidInput(_("“%(year)s” er ikke et gyldigt årstal.") % {"year": year})


@transaction.atomic
def pool_create(
    *,
    body: Body,
    name: str,
    year: int,
    amount: Decimal,
    actor: AnyUser,
    unit: str = Unit.KR,
) -> Pool:
    """Create a body's pool for a year (secretary of the body or superuser).

    A pool's name is unique per body and year; the same name in another year is the pool's
    next year, which permanent allocations also draw on."""
    if not may_edit_body(actor, body.pk):
        raise NotAllowed(_("Kun organets sekretær kan oprette puljer."))
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Puljen skal have et navn."))
    if len(name) > 200:
        raise InvalidInput(_("Puljens navn må højst være 200 tegn."))
    _check_year(year)
    _check_amount(amount, allow_zero=True)
    if unit not in Unit.values:
        raise InvalidInput(_("Vælg en enhed: kr., 1.000 kr. eller mio. kr."))
    if Pool.objects.filter(body=body, name__iexact=name, year=year).exists():
        raise DomainError(
            _("%(body)s har allerede en pulje “%(name)s” for %(year)d.")
            % {"body": body.name, "name": name, "year": year}
        )
    return Pool.objects.create(
        body=body, name=name, year=year, amount=amount, unit=unit, created_by=_actor(actor)
    )


@transaction.atomic
def pool_update_amount(*, pool: Pool, amount: Decimal, actor: AnyUser) -> Pool:
    """Change a pool's amount (a budget correction), by the body's secretary or a superuser."""
    if not may_edit_body(actor, pool.body_id):
        raise NotAllowed(_("Kun organets sekretær kan ændre puljer."))
    _check_amount(amount, allow_zero=True)
    Pool.objects.filter(pk=pool.pk).update(amount=amount)
    pool.refresh_from_db()
    return pool


@_recorded("allocation_create")
@locked_edits_refused()
@transaction.atomic
def allocation_create(
    *,
    item: AgendaItem,
    pool: Pool,
    amount: Decimal,
    actor: AnyUser,
    year: int | None = None,
    permanent: bool = False,
    note: str = "",
) -> Allocation:
    """Let the item draw `amount` from the pool (a negative amount gives money back).

    The year is the pool's year; a permanent ("varig") allocation also draws on the pool of
    every later year. It counts in the balance once the item's decision is approved. An
    allocation may overdraw the pool: the pool is then flagged, not the allocation refused.
    Secretary of the item's body or superuser; the pool must be the same body's."""
    _check_item(actor, item)
    if pool.body_id != item.meeting.body_id:
        raise InvalidInput(
            _("Puljen “%(pool)s” hører til et andet organ end punktet.") % {"pool": pool}
        )
    year = pool.year if year is None else year
    _check_year(year)
    if year != pool.year:
        raise InvalidInput(
            _(
                "Puljen “%(name)s” gælder %(pool_year)d, ikke %(year)d; vælg puljen for "
                "%(year)d (en varig disponering trækker også på de følgende år)."
            )
            % {"name": pool.name, "pool_year": pool.year, "year": year}
        )
    _check_amount(amount)
    if len(note) > 500:
        raise InvalidInput(_("Bemærkningen må højst være 500 tegn."))
    return Allocation.objects.create(
        item=item,
        pool=pool,
        amount=amount,
        year=year,
        permanent=permanent,
        note=note.strip(),
        created_by=_actor(actor),
    )


@_recorded("allocation_delete")
@locked_edits_refused()
@transaction.atomic
def allocation_delete(*, allocation: Allocation, actor: AnyUser) -> None:
    """Withdraw an allocation (secretary or superuser; not once the minutes are approved)."""
    _check_item(actor, allocation.item)
    allocation.delete()


def describe_amount(amount: Decimal, unit: str) -> str:
    return f"{format_danish_number(amount)} {unit}"


# --- "Status på puljer" as a PDF -----------------------------------------------------------

# A queued job older than this is taken to be lost (a worker died) and is not reused.
REPORT_REUSE_QUEUED_FOR = timedelta(minutes=10)
# A report sent this long ago and never started is sent again (the message was lost).
REPORT_STALE_DISPATCH = timedelta(minutes=10)
# The namespace of the reports' advisory locks ("POOL").
_LOCK_NAMESPACE = 0x504F4F4C


class PoolReportBusy(Exception):
    """Another worker holds the report's lock and is rendering it."""


def may_see_pools(user: AnyUser, body: Body) -> bool:
    return bodies_with_access(user).filter(pk=body.pk).exists()


@transaction.atomic
def pool_report_request(*, body: Body, actor: AnyUser) -> PoolStatusReport:
    """Ask for a PDF of the body's pools; the worker renders it after this commits.

    Any member of the body (or a superuser) may ask. When the pools have not changed since a
    finished PDF (or one already on its way), that one is returned instead of a new job."""
    if not may_see_pools(actor, body):
        raise NotAllowed(_("Du har ikke adgang til organets puljer."))
    key = statuses_content_key(body_pool_statuses(body))
    reusable = PoolStatusReport.objects.filter(body=body, content_key=key).filter(
        Q(status=PoolStatusReport.Status.DONE)
        | Q(
            status__in=[PoolStatusReport.Status.QUEUED, PoolStatusReport.Status.RUNNING],
            created_at__gte=timezone.now() - REPORT_REUSE_QUEUED_FOR,
        )
    )
    existing = reusable.order_by("-created_at").first()
    if existing is not None:
        return existing
    report = PoolStatusReport.objects.create(body=body, content_key=key, requested_by=_actor(actor))
    report_id = report.pk
    transaction.on_commit(lambda: pool_report_dispatch(report_id=report_id))
    return report


def pool_report_dispatch(*, report_id: int) -> bool:
    """Hand a waiting report to the broker. Returns False (and leaves it waiting, unsent, for
    the sweep) when the broker cannot be reached; never raises for that."""
    from budget.tasks import render_pool_status_report

    claimed = PoolStatusReport.objects.filter(
        pk=report_id, status=PoolStatusReport.Status.QUEUED, dispatched_at__isnull=True
    ).update(dispatched_at=timezone.now())
    if not claimed:
        return True  # sent by someone else, or no longer waiting
    if send_task(render_pool_status_report, [report_id], what=f"Pool report {report_id}") is None:
        PoolStatusReport.objects.filter(pk=report_id).update(dispatched_at=None)
        return False
    return True


def pool_report_waits_for_broker(report: PoolStatusReport) -> bool:
    """Whether the report is recorded but not yet handed to the worker (the broker was down)."""
    return report.status == PoolStatusReport.Status.QUEUED and report.dispatched_at is None


def pool_reports_dispatch_pending() -> int:
    """The sweep's part for pool reports: fail or re-queue reports whose worker died while
    rendering, then send every waiting report the broker never got or lost. Safe to run at any
    time, in several processes at once. Returns the number sent."""
    now = timezone.now()
    lost_after = now - timedelta(seconds=settings.WORKER_LOST_GRACE_SECONDS)
    for report_id in PoolStatusReport.objects.filter(
        status=PoolStatusReport.Status.RUNNING, started_at__lt=lost_after
    ).values_list("pk", flat=True):
        if is_locked(_LOCK_NAMESPACE, report_id):
            continue  # a live worker renders it
        running = PoolStatusReport.objects.filter(
            pk=report_id, status=PoolStatusReport.Status.RUNNING
        )
        if running.filter(lost_runs__gte=1).update(
            status=PoolStatusReport.Status.FAILED,
            lost_runs=F("lost_runs") + 1,
            error=_("PDF'en kunne ikke dannes: baggrundsprocessen stoppede to gange undervejs."),
            finished_at=now,
        ):
            logger.error("Pool report %s lost its worker twice; marked failed", report_id)
            continue
        if running.update(
            status=PoolStatusReport.Status.QUEUED, dispatched_at=None, lost_runs=F("lost_runs") + 1
        ):
            logger.warning("Pool report %s lost its worker; queued again", report_id)
    PoolStatusReport.objects.filter(
        status=PoolStatusReport.Status.QUEUED, dispatched_at__lt=now - REPORT_STALE_DISPATCH
    ).update(dispatched_at=None)
    sent = 0
    for report_id in PoolStatusReport.objects.filter(
        status=PoolStatusReport.Status.QUEUED, dispatched_at__isnull=True
    ).values_list("pk", flat=True):
        if not pool_report_dispatch(report_id=report_id):
            break  # the broker is still down; the next sweep tries again
        sent += 1
    return sent


def _write_atomically(name: str, content: bytes) -> str:
    """Write the file under a temporary name and move it into place, so a reader never sees
    half a PDF and a second run simply replaces the first."""
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # a storage without local paths
        if default_storage.exists(name):
            default_storage.delete(name)
        return default_storage.save(name, ContentFile(content))
    write_atomically(path, content)
    return name


def pool_report_render(*, report_id: int) -> None:
    """Render a report row's PDF of what the pools hold now. Idempotent: a finished or failed
    report is left alone, a gone one ignored; a failure is recorded on the row and raised
    again. Runs under the report's advisory lock, so a second runner raises PoolReportBusy
    and the sweep can tell a live render from one whose worker died."""
    with advisory_lock(_LOCK_NAMESPACE, report_id) as locked:
        if not locked:
            raise PoolReportBusy(report_id)
        _pool_report_render(report_id)


def _pool_report_render(report_id: int) -> None:
    report = PoolStatusReport.objects.select_related("body").filter(pk=report_id).first()
    if report is None or report.status in {
        PoolStatusReport.Status.DONE,
        PoolStatusReport.Status.FAILED,
    }:
        return
    PoolStatusReport.objects.filter(pk=report.pk).update(
        status=PoolStatusReport.Status.RUNNING, started_at=timezone.now()
    )
    try:
        statuses = body_pool_statuses(report.body)
        key = statuses_content_key(statuses)
        pdf = html_to_pdf(pool_status_html(report.body, statuses))
        name = _write_atomically(f"pool-status/{report.body_id}/status-{key[:20]}.pdf", pdf)
    except Exception as exc:
        PoolStatusReport.objects.filter(pk=report.pk).update(
            status=PoolStatusReport.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    PoolStatusReport.objects.filter(pk=report.pk).update(
        status=PoolStatusReport.Status.DONE,
        file=name,
        content_key=key,
        error="",
        finished_at=timezone.now(),
    )
