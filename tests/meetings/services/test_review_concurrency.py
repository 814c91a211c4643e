"""Approvals at the same moment, on real concurrent PostgreSQL connections: one record each,
no lost state, and an approval never binds to content that an open edit is changing."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from meetings.models import AgendaItem, Decision, DecisionApproval, Meeting, Membership
from meetings.services.review import decision_approve, meeting_submit_for_review
from tests.conftest import People
from tests.factories import MembershipFactory, UserFactory
from tests.review_scenario import make_minutes

pytestmark = pytest.mark.django_db(transaction=True)


def _minutes_in_review(people: People) -> tuple[Meeting, Any]:
    chair = UserFactory(username="formand", first_name="Birgitte")
    MembershipFactory(user=chair, body=people.body, role=Membership.Role.CHAIR)
    meeting = make_minutes(people, day=dt.date(2018, 4, 23), reviewers=[people.director, chair])
    meeting_submit_for_review(meeting=meeting, actor=people.secretary)
    return meeting, chair


def _at_the_same_moment(*works: Callable[[], object]) -> list[object]:
    """Run each work in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(works))
    results: list[object] = [None] * len(works)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # reported by the test, not lost in the thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_directors_approving_one_decision_at_once_both_count(people: People) -> None:
    meeting, chair = _minutes_in_review(people)
    item = meeting.items.get(number=1)
    results = _at_the_same_moment(
        lambda: decision_approve(item=item, actor=people.director),
        lambda: decision_approve(item=item, actor=chair),
    )
    assert all(isinstance(r, DecisionApproval) for r in results), results
    approvals = DecisionApproval.objects.filter(decision__item=item)
    assert sorted(approvals.values_list("reviewer_id", flat=True)) == sorted(
        [people.director.pk, chair.pk]
    )
    assert Decision.objects.get(item=item).locked


def test_the_last_two_approvals_at_once_approve_the_minutes(people: People) -> None:
    meeting, chair = _minutes_in_review(people)
    first, second = meeting.items.get(number=1), meeting.items.get(number=2)
    third = meeting.items.get(number=3)
    decision_approve(item=first, actor=people.director)
    decision_approve(item=second, actor=chair)
    decision_approve(item=third, actor=people.director)
    decision_approve(item=third, actor=chair)
    results = _at_the_same_moment(
        lambda: decision_approve(item=first, actor=chair),
        lambda: decision_approve(item=second, actor=people.director),
    )
    assert all(isinstance(r, DecisionApproval) for r in results), results
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert meeting.transitions.filter(action="approve").count() == 1


def test_a_double_click_at_the_same_moment_leaves_one_approval(people: People) -> None:
    meeting, _chair = _minutes_in_review(people)
    item = meeting.items.get(number=1)
    results = _at_the_same_moment(
        lambda: decision_approve(item=item, actor=people.director),
        lambda: decision_approve(item=item, actor=people.director),
    )
    assert all(isinstance(r, DecisionApproval) for r in results), results
    assert DecisionApproval.objects.filter(decision__item=item).count() == 1


def test_an_approval_waits_for_an_open_edit_and_binds_to_the_edited_text(
    people: People,
) -> None:
    meeting, chair = _minutes_in_review(people)
    item = meeting.items.get(number=1)
    decision_approve(item=item, actor=people.director)
    edited, release = threading.Event(), threading.Event()

    def secretary_edits() -> None:
        from django.db import transaction

        try:
            with transaction.atomic():
                AgendaItem.objects.filter(pk=item.pk).update(background="<p>Rettet baggrund.</p>")
                edited.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    editor = threading.Thread(target=secretary_edits)
    editor.start()
    assert edited.wait(timeout=60)
    outcome: list[object] = []

    def chair_approves() -> None:
        try:
            outcome.append(decision_approve(item=item, actor=chair))
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    approver = threading.Thread(target=chair_approves)
    approver.start()
    _wait_until_a_backend_waits_for_a_lock()
    release.set()
    editor.join()
    approver.join()

    approval = outcome[0]
    assert isinstance(approval, DecisionApproval), approval
    assert approval.content["background"] == "<p>Rettet baggrund.</p>"
    # The director approved the old text: that approval no longer counts, nothing is locked.
    assert not Decision.objects.get(item=item).locked


def _wait_until_a_backend_waits_for_a_lock() -> None:
    """Poll PostgreSQL until another connection of this database is blocked on a row lock."""
    with connections["default"].cursor() as cursor:
        for _attempt in range(600):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the approval never waited for the open edit")
