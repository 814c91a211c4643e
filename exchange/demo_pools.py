"""Demo pools for `manage.py loaddemo`: the it-promillepulje of 2018 and 2019 as the minutes
of 23-04-2018 describe it, with that meeting's decision drawing on it (and overdrawing 2018)."""

from __future__ import annotations

from decimal import Decimal

from budget.models import Allocation, Pool, Unit
from meetings.models import AgendaItem, Body

POOL = "it-promillepulje"


def load_budget_demo(body: Body) -> list[str]:
    """Create or refresh the demo pools and the sample decision's allocations. Idempotent."""
    pools = {}
    for year, amount in ((2018, Decimal("2206")), (2019, Decimal("7653"))):
        pools[year], _ = Pool.objects.update_or_create(
            body=body, name=POOL, year=year, defaults={"amount": amount, "unit": Unit.THOUSANDS}
        )
    item = (
        AgendaItem.objects.filter(
            meeting__body=body,
            meeting__starts_at__date="2018-04-23",
            title__startswith="Status på it-strategiske initiativer",
        )
        .select_related("meeting")
        .first()
    )
    if item is not None:
        Allocation.objects.filter(item=item, pool__in=pools.values()).delete()
        # Tabel 1: 2.812 for 2018, of which 490 are permanent ("varige").
        Allocation.objects.create(
            item=item,
            pool=pools[2018],
            year=2018,
            amount=Decimal("2322"),
            note="Tabel 1, engangsudgifter",
        )
        Allocation.objects.create(
            item=item,
            pool=pools[2018],
            year=2018,
            amount=Decimal("490"),
            permanent=True,
            note="Tabel 1, heraf varige udgifter",
        )
    return [str(pool) for pool in pools.values()]
