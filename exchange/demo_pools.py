"""Demo pools for `manage.py loaddemo`: the it-promillepulje of 2018 and 2019 as the minutes
of 23-04-2018 describe it, with that meeting's decision drawing on it (and overdrawing 2018).

The draws are part of the minutes: they are put into the minutes' exchange data before the
import, which brings them in with the approved, locked decision (exchange/allocations.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budget.models import Pool, Unit
from meetings.models import Body

POOL = "it-promillepulje"
POOL_AMOUNTS = {2018: Decimal("2206"), 2019: Decimal("7653")}

# The decision that draws on the pool: Tabel 1 of "Status på it-strategiske initiativer" on
# 23-04-2018 gives 2.812 for 2018, of which 490 are permanent ("varige").
ALLOCATING_MEETING_DAY = "2018-04-23"
ALLOCATING_ITEM_TITLE = "Status på it-strategiske initiativer"
ALLOCATIONS: list[dict[str, Any]] = [
    {
        "pool": POOL,
        "year": 2018,
        "amount": "2322",
        "permanent": False,
        "note": "Tabel 1, engangsudgifter",
    },
    {
        "pool": POOL,
        "year": 2018,
        "amount": "490",
        "permanent": True,
        "note": "Tabel 1, heraf varige udgifter",
    },
]


def load_budget_demo(body: Body) -> list[str]:
    """Create or refresh the demo pools (before the minutes that draw on them). Idempotent."""
    pools = []
    for year, amount in POOL_AMOUNTS.items():
        pool, _ = Pool.objects.update_or_create(
            body=body, name=POOL, year=year, defaults={"amount": amount, "unit": Unit.THOUSANDS}
        )
        pools.append(pool)
    return [str(pool) for pool in pools]


def add_demo_allocations(meeting: dict[str, Any]) -> None:
    """Give the sample decision its draws on the pool, in its minutes' exchange data."""
    if not meeting["starts_at"].startswith(ALLOCATING_MEETING_DAY):
        return
    for item in meeting["items"]:
        if item["title"].startswith(ALLOCATING_ITEM_TITLE):
            item["allocations"] = [dict(allocation) for allocation in ALLOCATIONS]
            return
