"""Allocations in the exchange format: each item's `"allocations"` list, its draws on pools.

    {"pool": "it-promillepulje", "year": 2018, "amount": "2322", "permanent": false,
     "note": "Tabel 1, engangsudgifter"}

A pool is named by its name and year within the meeting's body, and must exist there when the
minutes are imported (a pool holds a budget, which is not the minutes' to set). The amount is
a string in plain decimal notation, like the budget tables' amounts; a negative one gives
money back to the pool. Allocations travel with their item, so an export imported again (or
approved minutes imported) carries them as they were approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from budget.models import Pool
from meetings.errors import ExchangeError
from meetings.models import AgendaItem

# The largest amount a pool or allocation holds (18 digits, 4 of them decimals).
_LIMIT = Decimal(10) ** 14


def _plain(value: Decimal) -> str:
    number = value.normalize()
    return format(number, "f") if number != 0 else "0"


def allocations_to_exchange(item: AgendaItem) -> list[dict[str, Any]]:
    """The item's allocations in the exchange format, in the order they were made.

    The caller decides who may export the item (start from AgendaItem.objects.visible_to)."""
    if "allocations" in getattr(item, "_prefetched_objects_cache", {}):
        allocations = sorted(item.allocations.all(), key=lambda a: a.pk)
    else:
        allocations = list(item.allocations.select_related("pool").order_by("pk"))
    return [
        {
            "pool": allocation.pool.name,
            "year": allocation.year,
            "amount": _plain(allocation.amount),
            "permanent": allocation.permanent,
            "note": allocation.note,
        }
        for allocation in allocations
    ]


@dataclass(frozen=True)
class NewAllocation:
    item_id: int
    pool_id: int
    amount: Decimal
    year: int
    permanent: bool
    note: str


def _amount(raw: str, number: int) -> Decimal:
    try:
        amount = Decimal(raw.strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ExchangeError(
            _("Punkt %(n)d: disponeringens beløb “%(raw)s” er ikke et beløb.")
            % {"n": number, "raw": raw}
        )
    if amount == 0:
        raise ExchangeError(_("Punkt %(n)d: en disponering må ikke være 0.") % {"n": number})
    if abs(amount) >= _LIMIT or amount != amount.quantize(Decimal("0.0001")):
        raise ExchangeError(
            _(
                "Punkt %(n)d: disponeringens beløb “%(raw)s” er for stort eller har mere end "
                "4 decimaler."
            )
            % {"n": number, "raw": raw}
        )
    return amount


def allocations_for_new_items(
    items: list[tuple[int, int, int, str, list[dict[str, Any]]]],
) -> list[NewAllocation]:
    """The allocations of freshly created items, checked and with their pools found.

    `items` holds (item id, item number, body id, body name, allocations in the exchange
    format, already schema-valid). One query finds every pool. Raises ExchangeError (Danish,
    naming the item and the pool) for a pool the body does not have, or a bad amount."""
    wanted = {
        (body_id, entry["pool"].strip().casefold(), entry["year"])
        for _item, _number, body_id, _body, entries in items
        for entry in entries
    }
    if not wanted:
        return []
    query = Q()
    for body_id, name, year in wanted:
        query |= Q(body_id=body_id, name__iexact=name, year=year)
    pools = {
        (pool.body_id, pool.name.casefold(), pool.year): pool for pool in Pool.objects.filter(query)
    }
    new: list[NewAllocation] = []
    for item_id, number, body_id, body_name, entries in items:
        for entry in entries:
            name = entry["pool"].strip()
            pool = pools.get((body_id, name.casefold(), entry["year"]))
            if pool is None:
                raise ExchangeError(
                    _(
                        "Punkt %(n)d disponerer fra puljen “%(pool)s” %(year)d, som %(body)s "
                        "ikke har. Opret puljen under Puljer, og importér så referatet igen."
                    )
                    % {"n": number, "pool": name, "year": entry["year"], "body": body_name}
                )
            new.append(
                NewAllocation(
                    item_id=item_id,
                    pool_id=pool.pk,
                    amount=_amount(entry["amount"], number),
                    year=pool.year,
                    permanent=bool(entry.get("permanent", False)),
                    note=entry.get("note", "").strip(),
                )
            )
    return new
