"""Pool balances: approved and unapproved allocations, an overdraft, permanent allocations
drawing on later years, and the one rule of when an allocation counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import Allocation, allocation_is_approved
from budget.pools import body_pool_statuses, pool_status, statuses_content_key
from meetings.models import Decision, Meeting
from tests.budget.factories import AllocationFactory, PoolFactory
from tests.conftest import People
from tests.factories import AgendaItemFactory, DecisionFactory, MeetingFactory


def meeting_on(people: People, day: dt.date, status: str) -> Meeting:
    return MeetingFactory(
        body=people.body,
        status=status,
        starts_at=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12, 30)),
    )


@pytest.fixture
def pool(people: People):
    return PoolFactory(body=people.body, name="it-promillepulje", year=2018, amount=Decimal("2206"))


@pytest.mark.django_db
class TestPoolBalance:
    def test_an_unapproved_allocation_waits_and_leaves_the_balance_alone(self, people, pool):
        meeting = meeting_on(people, dt.date(2018, 4, 23), Meeting.Status.DRAFT)
        allocation = AllocationFactory(
            pool=pool, item=AgendaItemFactory(meeting=meeting), amount=Decimal("2812")
        )
        status = pool_status(pool)
        assert status.balance == Decimal("2206")
        assert not status.overdrawn
        assert status.pending == [allocation]
        assert status.balance_if_pending_approved == Decimal("-606")
        assert status.overdrawn_if_pending_approved

    def test_once_approved_it_counts_and_the_overdraft_is_flagged(self, people, pool) -> None:
        meeting = meeting_on(people, dt.date(2018, 4, 23), Meeting.Status.IN_REVIEW)
        item = AgendaItemFactory(meeting=meeting)
        DecisionFactory(item=item, outcome=Decision.Outcome.APPROVED)
        AllocationFactory(pool=pool, item=item, amount=Decimal("2812"))
        assert not pool_status(pool).overdrawn
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
        status = pool_status(pool)
        assert status.balance == Decimal("-606")
        assert status.overdrawn
        assert status.pending == []
        assert [step.balance_after for step in status.steps] == [Decimal("-606")]

    def test_the_balance_follows_the_decisions_in_meeting_order(self, people, pool) -> None:
        march = meeting_on(people, dt.date(2018, 3, 19), Meeting.Status.PUBLISHED)
        april = meeting_on(people, dt.date(2018, 4, 23), Meeting.Status.PUBLISHED)
        june = meeting_on(people, dt.date(2018, 6, 25), Meeting.Status.DRAFT)
        # Created out of order on purpose: the timeline follows the meetings.
        AllocationFactory(pool=pool, item=AgendaItemFactory(meeting=april), amount=Decimal("2812"))
        AllocationFactory(pool=pool, item=AgendaItemFactory(meeting=march), amount=Decimal("917"))
        AllocationFactory(pool=pool, item=AgendaItemFactory(meeting=june), amount=Decimal("100"))
        refund = AllocationFactory(
            pool=pool, item=AgendaItemFactory(meeting=april), amount=Decimal("-250")
        )
        status = pool_status(pool)
        assert [(s.allocation.item.meeting_id, s.balance_after) for s in status.steps] == [
            (march.pk, Decimal("1289")),
            (april.pk, Decimal("-1523")),
            (april.pk, Decimal("-1273")),
        ]
        assert status.steps[-1].allocation == refund
        assert status.balance == Decimal("-1273")
        assert [a.item.meeting_id for a in status.pending] == [june.pk]

    def test_a_rejected_or_postponed_decision_draws_nothing(self, people, pool) -> None:
        meeting = meeting_on(people, dt.date(2018, 4, 23), Meeting.Status.PUBLISHED)
        for outcome in (Decision.Outcome.REJECTED, Decision.Outcome.POSTPONED):
            item = AgendaItemFactory(meeting=meeting)
            DecisionFactory(item=item, outcome=outcome)
            AllocationFactory(pool=pool, item=item, amount=Decimal("500"))
        status = pool_status(pool)
        assert status.balance == Decimal("2206")
        assert len(status.pending) == 2

    def test_a_permanent_allocation_also_draws_on_the_next_years_pool(self, people, pool):
        next_year = PoolFactory(
            body=people.body, name="it-promillepulje", year=2019, amount=Decimal("7653")
        )
        other_pool = PoolFactory(body=people.body, name="anlægspulje", year=2019)
        meeting = meeting_on(people, dt.date(2018, 4, 23), Meeting.Status.PUBLISHED)
        AllocationFactory(
            pool=pool, item=AgendaItemFactory(meeting=meeting), amount=Decimal("490"),
            permanent=True,
        )  # fmt: skip
        AllocationFactory(
            pool=pool, item=AgendaItemFactory(meeting=meeting), amount=Decimal("2322")
        )
        assert pool_status(pool).balance == Decimal("2206") - Decimal("2812")
        following = pool_status(next_year)
        assert following.balance == Decimal("7653") - Decimal("490")
        assert [step.carried for step in following.steps] == [True]
        assert pool_status(other_pool).steps == []

    def test_status_på_puljer_lists_every_pool_of_the_body_alone(self, people, pool) -> None:
        PoolFactory(body=people.body, name="anlægspulje", year=2018, amount=Decimal("15000"))
        PoolFactory(body=people.other_body, name="udviklingspulje", year=2018)
        meeting = meeting_on(people, dt.date(2018, 4, 23), Meeting.Status.PUBLISHED)
        AllocationFactory(pool=pool, item=AgendaItemFactory(meeting=meeting), amount=Decimal(6))
        statuses = body_pool_statuses(people.body)
        assert [(s.pool.name, s.balance) for s in statuses] == [
            ("anlægspulje", Decimal("15000")),
            ("it-promillepulje", Decimal("2200")),
        ]

    def test_the_content_key_changes_when_an_allocation_is_approved(self, people, pool) -> None:
        meeting = meeting_on(people, dt.date(2018, 4, 23), Meeting.Status.DRAFT)
        AllocationFactory(pool=pool, item=AgendaItemFactory(meeting=meeting))
        before = statuses_content_key(body_pool_statuses(people.body))
        assert before == statuses_content_key(body_pool_statuses(people.body))
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
        assert before != statuses_content_key(body_pool_statuses(people.body))


@pytest.mark.django_db
class TestWhenAnAllocationCounts:
    @pytest.mark.parametrize("status", list(Meeting.Status))
    @pytest.mark.parametrize("outcome", [None, *Decision.Outcome])
    def test_the_queryset_and_the_function_agree(self, people, pool, status, outcome) -> None:
        meeting = meeting_on(people, dt.date(2018, 4, 23), status)
        item = AgendaItemFactory(meeting=meeting)
        if outcome is not None:
            DecisionFactory(item=item, outcome=outcome)
        allocation = AllocationFactory(pool=pool, item=item)
        expected = status in {
            Meeting.Status.APPROVED,
            Meeting.Status.PUBLISHED,
        } and outcome not in {
            Decision.Outcome.REJECTED,
            Decision.Outcome.POSTPONED,
        }
        fresh = Allocation.objects.get(pk=allocation.pk)
        assert allocation_is_approved(fresh) is expected
        assert Allocation.objects.approved().filter(pk=allocation.pk).exists() is expected
        assert Allocation.objects.pending().filter(pk=allocation.pk).exists() is not expected


@pytest.mark.django_db
class TestTheDemo:
    def test_loaddemo_gives_the_it_promillepulje_overdrawn_by_the_april_decision(self) -> None:
        import io

        from django.core.management import call_command

        from budget.models import Pool

        for _ in range(2):  # idempotent
            call_command("loaddemo", "--password", "x-demo-1234", stdout=io.StringIO())
        status_2018 = pool_status(Pool.objects.get(name="it-promillepulje", year=2018))
        assert status_2018.balance == Decimal("-606")
        assert status_2018.overdrawn
        status_2019 = pool_status(Pool.objects.get(name="it-promillepulje", year=2019))
        assert status_2019.balance == Decimal("7653") - Decimal("490")
