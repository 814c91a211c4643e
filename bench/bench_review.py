"""How the review workflow scales with the size of the minutes: approving every decision of a
large meeting, the review page, "Mine opgaver", and an item's history after many edits.

Everything runs inside one transaction that is rolled back: the database is left as found.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Meeting,
    Membership,
    Recommendation,
    RecommendationClause,
)
from meetings.selectors.history import item_history
from meetings.services.review import decision_approve, meeting_submit_for_review

ITEMS = 40
HISTORY_EDITS = 300


class _Rollback(Exception):
    pass


def _timed(work: Callable[[], Any]) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - start
    return elapsed * 1000, len(queries), result


def _build() -> tuple[Meeting, Any, list[Any]]:
    users = get_user_model()
    body = Body.objects.create(name="Bench-udvalget", slug="bench-udvalget")
    secretary = users.objects.create(username="bench-sekretaer", email="s@example.invalid")
    reviewers = [
        users.objects.create(username=f"bench-direktoer-{n}", email=f"d{n}@example.invalid")
        for n in range(3)
    ]
    Membership.objects.create(user=secretary, body=body, role=Membership.Role.SECRETARY)
    for reviewer in reviewers:
        Membership.objects.create(user=reviewer, body=body, role=Membership.Role.MEMBER)
    meeting = Meeting.objects.create(
        body=body, starts_at=timezone.make_aware(dt.datetime(2030, 1, 7, 9, 0)), location="B105"
    )
    for position, user in enumerate([*reviewers, secretary], start=1):
        Attendance.objects.create(meeting=meeting, name=user.username, user=user, position=position)
    for number in range(1, ITEMS + 1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            number=number,
            title=f"Punkt om emne {number}",
            closed=number % 7 == 0,
            background="<p>" + "Baggrund for sagen. " * 40 + "</p>",
            presentation="<p>" + "Sagsfremstilling med mange detaljer. " * 200 + "</p>",
        )
        rec = Recommendation.objects.create(item=item, unit="ØDC", lead_in="Det indstilles,")
        for position in range(1, 4):
            RecommendationClause.objects.create(
                recommendation=rec, position=position, text=f"at punkt {position} godkendes"
            )
        Decision.objects.create(item=item, text="<p>Godkendt.</p>", outcome="godkendt")
    return meeting, secretary, reviewers


def main() -> None:
    try:
        with transaction.atomic():
            meeting, secretary, reviewers = _build()
            ms, queries, _ = _timed(
                lambda: meeting_submit_for_review(meeting=meeting, actor=secretary)
            )
            print(f"send {ITEMS} decisions for review: {ms:.1f} ms, {queries} queries")

            client = Client(HTTP_HOST="localhost")
            client.force_login(reviewers[0])
            ms, queries, response = _timed(lambda: client.get(f"/meetings/{meeting.pk}/review/"))
            print(
                f"review page, {ITEMS} items: {ms:.1f} ms, {queries} queries, "
                f"{len(response.content) / 1024:.0f} KiB"
            )
            ms, queries, _ = _timed(lambda: client.get("/tasks/"))
            print(f"Mine opgaver, {ITEMS} decisions waiting: {ms:.1f} ms, {queries} queries")

            timings, counts = [], []
            items = list(meeting.items.order_by("number"))
            for reviewer in reviewers:
                for item in items:
                    ms, queries, _ = _timed(
                        lambda item=item, reviewer=reviewer: decision_approve(
                            item=item, actor=reviewer
                        )
                    )
                    timings.append(ms)
                    counts.append(queries)
            meeting.refresh_from_db()
            print(
                f"approve one decision ({len(timings)} approvals): median "
                f"{statistics.median(timings):.1f} ms, max {max(timings):.1f} ms, "
                f"{statistics.median(counts):.0f} queries; minutes now {meeting.status}"
            )

            draft = AgendaItem.objects.create(
                meeting=Meeting.objects.create(
                    body=meeting.body,
                    starts_at=timezone.make_aware(dt.datetime(2030, 2, 4, 9, 0)),
                ),
                number=1,
                title="Redigeres mange gange",
            )
            for edit in range(HISTORY_EDITS):
                AgendaItem.objects.filter(pk=draft.pk).update(
                    background=f"<p>Udgave {edit}</p>" + "<p>Fast tekst.</p>" * 20
                )
            ms, queries, entries = _timed(lambda: item_history(draft, user=secretary))
            print(
                f"item history after {HISTORY_EDITS} edits: {ms:.1f} ms, {queries} queries, "
                f"{len(entries)} entries"
            )
            client.force_login(secretary)
            ms, queries, response = _timed(lambda: client.get(f"/items/{draft.pk}/history/"))
            print(
                f"history page of that item: {ms:.1f} ms, {queries} queries, "
                f"{len(response.content) / 1024:.0f} KiB"
            )
            raise _Rollback
    except _Rollback:
        pass
