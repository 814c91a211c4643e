"""The state of a pool: what it holds, what approved decisions drew on it in order, what is
left after each, and what proposals still wait for their decision.

A pool of year Y is drawn on by the allocations made against it and by the permanent
("varige") allocations made against the same pool (same body and name) in an earlier year.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from budget.models import Allocation, Pool, allocation_is_approved
from meetings.models import AgendaItem, Body

if TYPE_CHECKING:
    from meetings.models import AnyUser


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
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode()).hexdigest()
