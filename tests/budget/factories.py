"""factory_boy factories for pools and allocations."""

from __future__ import annotations

from decimal import Decimal

import factory

from budget.models import Allocation, Pool
from tests.factories import AgendaItemFactory, BodyFactory


class PoolFactory(factory.django.DjangoModelFactory[Pool]):
    class Meta:
        model = Pool

    body = factory.SubFactory(BodyFactory)
    name = "it-promillepulje"
    year = 2018
    amount = Decimal("2206")
    unit = "1.000 kr."


class AllocationFactory(factory.django.DjangoModelFactory[Allocation]):
    class Meta:
        model = Allocation

    pool = factory.SubFactory(PoolFactory)
    item = factory.SubFactory(
        AgendaItemFactory, meeting__body=factory.SelfAttribute("...pool.body")
    )
    amount = Decimal("100")
    year = factory.LazyAttribute(lambda a: a.pool.year)
    permanent = False
