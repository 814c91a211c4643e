"""The approval covers an item's money: a budget table changed or an allocation added after a
director approved the item is a change of content, so that approval no longer counts, the
reviewer sees what changed, and the minutes cannot be approved on the old approval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget.models import BudgetTable, Pool, Unit
from budget.services import allocation_create, budget_table_save
from budget.tables import Grid, GridRow
from meetings.access import meeting_reviewers
from meetings.models import Decision, Meeting
from meetings.selectors.review import decision_review, fresh_item, item_review_content
from meetings.services.review import decision_approve
from tests.review_scenario import Review

pytestmark = pytest.mark.django_db


def _grid(amount: str) -> Grid:
    return Grid(
        caption="Fratrædelsesløn",
        unit=Unit.THOUSANDS,
        columns=["2018"],
        rows=[GridRow(text="Løn i opsigelsesperioden", cells=[amount])],
    )


def test_a_budget_change_after_an_approval_voids_it_and_shows_in_the_diff(
    review: Review,
) -> None:
    meeting = review.in_review
    item = review.item(meeting, 2)  # the closed item, with a budget table and an allocation
    director, chair = review.people.director, review.chair
    decision_approve(item=item, actor=director)
    table = BudgetTable.objects.get(item=item)
    budget_table_save(
        table=table, actor=review.people.secretary, grid=_grid("1.000.000"), version=table.version
    )
    pool = Pool.objects.get(body=review.people.body, name="Personalepuljen")
    allocation_create(item=item, pool=pool, amount=Decimal("500"), actor=review.people.secretary)

    fresh = fresh_item(item.pk)
    shown = decision_review(fresh, meeting_reviewers(meeting), list(fresh.decision.approvals.all()))
    mine = shown.verdict_of(director)
    assert mine is not None and mine.state != "approved" and mine.changed_since
    changed = [
        line.text for hunk in shown.diff_for(director) for line in hunk if line.kind != "same"
    ]
    assert any("1000000" in line for line in changed)
    assert any("Disponering" in line and "500" in line for line in changed)

    # The chair's approval is not enough: the director's old one no longer counts.
    decision_approve(item=item, actor=chair)
    assert not Decision.objects.get(item=item).locked
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.IN_REVIEW


def test_an_item_without_money_keeps_the_content_it_had(review: Review) -> None:
    content = item_review_content(review.item(review.in_review, 1))
    assert "budget" not in content
