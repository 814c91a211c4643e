"""The state of a pool: what it holds, what approved decisions drew on it in order, what is
left after each, and what proposals still wait for their decision.

A pool of year Y is drawn on by the allocations made against it and by the permanent
("varige") allocations made against the same pool (same body and name) in an earlier year.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.models import Allocation, BudgetRow, Pool, allocation_is_approved
from budget.tables import ComputedCell, ComputedRow, ComputedTable
from common.hashing import content_hash
from meetings.models import AgendaItem, Body

if TYPE_CHECKING:
    from meetings.models import AnyUser

Kind = BudgetRow.Kind


@dataclass
class PoolStep:
    allocation: Allocation
    balance_after: Decimal
    carried: bool  # a permanent allocation of an earlier year


@dataclass
class PoolStatus:
    pool: Pool
    steps: list[PoolStep] = field(default_factory=list)
    pending: list[Allocation] = field(default_factory=list)

    @property
    def drawn(self) -> Decimal:
        return sum((step.allocation.amount for step in self.steps), Decimal(0))

    @property
    def balance(self) -> Decimal:
        return self.pool.amount - self.drawn

    @property
    def overdrawn(self) -> bool:
        return self.balance < 0

    @property
    def pending_total(self) -> Decimal:
        return sum((a.amount for a in self.pending), Decimal(0))

    @property
    def balance_if_pending_approved(self) -> Decimal:
        return self.balance - self.pending_total

    @property
    def overdrawn_if_pending_approved(self) -> bool:
        return self.balance_if_pending_approved < 0


def _draws_on(pool: Pool) -> Q:
    return Q(pool=pool) | Q(
        pool__body_id=pool.body_id, pool__name=pool.name, permanent=True, year__lt=pool.year
    )


def _allocations(filter_: Q) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(filter_)
        .select_related("pool", "item", "item__meeting", "item__meeting__body", "item__decision")
        .order_by("item__meeting__starts_at", "item__meeting_id", "item__number", "pk")
    )


def _status(pool: Pool, allocations: Iterable[Allocation]) -> PoolStatus:
    status = PoolStatus(pool=pool)
    balance = pool.amount
    for allocation in allocations:
        if allocation_is_approved(allocation):
            balance -= allocation.amount
            status.steps.append(
                PoolStep(allocation, balance, carried=allocation.pool_id != pool.pk)
            )
        else:
            status.pending.append(allocation)
    return status


def pool_status(pool: Pool) -> PoolStatus:
    """The pool's balance after each approved decision, in meeting order, and what waits."""
    return _status(pool, _allocations(_draws_on(pool)))


def body_pool_statuses(body: Body) -> list[PoolStatus]:
    """Every pool of the body with its status ("Status på puljer"), in two queries."""
    pools = list(Pool.objects.filter(body=body).order_by("name", "year"))
    allocations = list(_allocations(Q(pool__body=body)))
    statuses = []
    for pool in pools:
        drawing = [
            a
            for a in allocations
            if a.pool_id == pool.pk
            or (a.pool.name == pool.name and a.permanent and a.year < pool.year)
        ]
        statuses.append(_status(pool, drawing))
    return statuses


def visible_item_ids(user: AnyUser, allocations: Iterable[Allocation]) -> set[int]:
    """Of the allocations' items, those whose content the user may see (titles are content)."""
    ids = {a.item_id for a in allocations}
    return set(AgendaItem.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def statuses_content_key(statuses: list[PoolStatus]) -> str:
    """A hash of everything "Status på puljer" shows, to reuse a PDF of unchanged pools."""
    facts = []
    for status in statuses:
        pool = status.pool
        facts.append([pool.pk, pool.name, pool.year, str(pool.amount), pool.unit])
        for allocation in [s.allocation for s in status.steps] + status.pending:
            item = allocation.item
            facts.append(
                [
                    allocation.pk,
                    str(allocation.amount),
                    allocation.year,
                    allocation.permanent,
                    allocation_is_approved(allocation),
                    item.number,
                    item.title,
                    item.closed,
                    item.meeting.starts_at.isoformat(),
                ]
            )
    return content_hash(json.dumps(facts, ensure_ascii=False))


# --- As tables, for the pages and the PDF ----------------------------------------------------


def _describe(
    allocation: Allocation, *, visible: bool, for_print: bool, carried_from: int | None = None
) -> tuple[str, str]:
    """The text and link of an allocation's row. A closed item shows as "Lukket" to whoever
    may not see it, and always in print: a PDF travels further than the page."""
    item = allocation.item
    if for_print:
        visible = not item.closed
    date = item.meeting.starts_at
    when = f"{timezone.localtime(date):%d-%m-%Y}"
    if item.closed and (for_print or not visible):
        title = _("Punkt %(n)d: Lukket") % {"n": item.number}
    elif not visible:
        title = _("Punkt %(n)d") % {"n": item.number}
    else:
        title = _("Punkt %(n)d: %(title)s") % {"n": item.number, "title": item.title}
    text = f"{when} · {item.meeting.body.name} · {title}"
    if allocation.permanent:
        text += " · " + (
            _("varig fra %(year)d") % {"year": carried_from}
            if carried_from is not None
            else _("varig")
        )
    url = "" if for_print or not visible else item.get_absolute_url()
    return text, url


def pool_timeline_table(
    status: PoolStatus, *, visible_ids: set[int], for_print: bool = False
) -> ComputedTable:
    """The pool's history as a table: its amount, each approved draw with the balance after
    it, the balance now, and the proposals that wait for their decision."""
    pool = status.pool
    rows = [
        ComputedRow(
            Kind.LINE,
            "",
            _("Pulje %(year)d") % {"year": pool.year},
            [ComputedCell(pool.amount), ComputedCell(pool.amount)],
        )
    ]
    for step in status.steps:
        text, url = _describe(
            step.allocation,
            visible=step.allocation.item_id in visible_ids,
            for_print=for_print,
            carried_from=step.allocation.year if step.carried else None,
        )
        rows.append(
            ComputedRow(
                Kind.LINE,
                "",
                text,
                [ComputedCell(-step.allocation.amount), ComputedCell(step.balance_after)],
                url=url,
            )
        )
    rows.append(
        ComputedRow(
            Kind.TOTAL,
            "",
            _("Restbudget (- = overtræk)"),
            [ComputedCell(None), ComputedCell(status.balance)],
            badge=_("Overtrukket") if status.overdrawn else "",
        )
    )
    if status.pending:
        rows.append(ComputedRow(Kind.HEADING, "", _("Afventer beslutning"), []))
        for allocation in status.pending:
            text, url = _describe(
                allocation, visible=allocation.item_id in visible_ids, for_print=for_print
            )
            rows.append(
                ComputedRow(
                    Kind.NOTE, "", text, [ComputedCell(-allocation.amount), ComputedCell()], url=url
                )
            )
        rows.append(
            ComputedRow(
                Kind.NOTE,
                "",
                _("Restbudget, hvis de godkendes"),
                [ComputedCell(None), ComputedCell(status.balance_if_pending_approved)],
                badge=_("Overtræk") if status.overdrawn_if_pending_approved else "",
            )
        )
    return ComputedTable(
        caption=f"{pool.name} {pool.year}",
        unit=pool.unit,
        section="",
        ref_heading="",
        text_heading=_("Beslutning"),
        columns=[_("Bevægelse"), _("Saldo")],
        rows=rows,
        totals=None,
    )


def pools_summary_table(
    statuses: list[PoolStatus], *, body: Body, for_print: bool = False
) -> ComputedTable:
    """One line per pool: its amount, what approved decisions drew, what is left, what waits."""
    rows = [
        ComputedRow(
            Kind.LINE,
            "",
            f"{status.pool.name} {status.pool.year} ({status.pool.unit})",
            [
                ComputedCell(status.pool.amount),
                ComputedCell(status.drawn),
                ComputedCell(status.balance),
                ComputedCell(status.pending_total if status.pending else None),
            ],
            badge=_("Overtrukket") if status.overdrawn else "",
            url="" if for_print else status.pool.get_absolute_url(),
        )
        for status in statuses
    ]
    return ComputedTable(
        caption=_("Puljer i %(body)s") % {"body": body.name},
        unit="",
        section="",
        ref_heading="",
        text_heading=_("Pulje"),
        columns=[_("Beløb"), _("Disponeret"), _("Restbudget"), _("Afventer")],
        rows=rows,
        totals=None,
    )
