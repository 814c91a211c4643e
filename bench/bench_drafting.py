"""Drafting: the meeting page and the item editor as the agenda grows, and the autosave round
trip. Prints SQL query counts (which must not grow with the number of items) and server times.

Runs in-process through Django's test client against the database of DATABASE_URL, inside a
transaction that is rolled back, so it leaves nothing behind. Run: `.venv/bin/python -m bench
drafting`.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import time
from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

from meetings.models import Body, Meeting, Membership
from meetings.services.items import DecisionInput, RecommendationInput, item_create
from meetings.services.meetings import AttendeeInput, meeting_create

ROUNDS = 25
SIZES = (5, 15, 30)
BACKGROUND = "<p>Baggrund for sagen med <strong>fed</strong> tekst.</p>" * 5
PRESENTATION = (
    "<h2>Udbuddet</h2><p>Tekst.</p><table><tr><th>År</th><th>Beløb</th></tr>"
    + "<tr><td>2018</td><td>1.000</td></tr>" * 10
    + "</table>"
)


class _Rollback(Exception):
    pass


def _timed(fn: Callable[[], object], rounds: int = ROUNDS) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _meeting_with(secretary: User, body: Body, n: int, day: int) -> Meeting:
    meeting = meeting_create(
        actor=secretary,
        body=body,
        starts_at=timezone.make_aware(dt.datetime(2030, 1, day, 12, 30)),
        location="Mødelokale B105",
        attendees=[AttendeeInput(name=f"Deltager {i}") for i in range(6)],
    )
    for i in range(n):
        item_create(
            actor=secretary,
            meeting=meeting,
            title=f"Punkt om emne {i}",
            case_number=f"30/{1000 + day * 100 + i}",
            closed=i % 5 == 4,
            background=BACKGROUND,
            presentation=PRESENTATION,
            economy="<p>Ingen udgifter.</p>",
            recommendation=RecommendationInput(
                unit="ØDC", lead_in="Det indstilles,", clauses=["at a", "at b", "at c"]
            ),
            decision=DecisionInput(text="<p>Godkendt.</p>", outcome="godkendt"),
        )
    return meeting


def _run() -> None:
    body = Body.objects.create(name="Bench-udvalget", slug="bench-udvalget")
    secretary = User.objects.create_user("bench-sekretaer", first_name="Bench")
    Membership.objects.create(user=secretary, body=body, role=Membership.Role.SECRETARY)
    client = Client()
    client.force_login(secretary)

    print(f"{'punkter':>8} {'side':<14} {'SQL':>5} {'median ms':>10} {'p95 ms':>8}")
    for day, n in enumerate(SIZES, start=1):
        meeting = _meeting_with(secretary, body, n, day)
        url = meeting.get_absolute_url()
        first = meeting.items.order_by("number").first()
        assert first is not None
        editor = f"/items/{first.pk}/edit/"
        for name, page in (("mødeside", url), ("punkteditor", editor)):
            assert client.get(page).status_code == 200
            count = _queries(lambda p=page: client.get(p))
            median, p95 = _timed(lambda p=page: client.get(p))
            print(f"{n:>8} {name:<14} {count:>5} {median:>10.1f} {p95:>8.1f}")

    # Autosave: the whole editor form posted on top of the current version, as htmx does.
    meeting = Meeting.objects.filter(body=body).order_by("starts_at")[1]
    item = meeting.items.order_by("number").first()
    assert item is not None
    state = {"version": item.version, "n": 0}

    def autosave() -> None:
        state["n"] += 1
        response = client.post(
            f"/items/{item.pk}/autosave/",
            {
                "version": state["version"],
                "title": item.title,
                "case_number": item.case.number if item.case else "",
                "background": BACKGROUND,
                "rec_unit": "ØDC",
                "rec_lead_in": "Det indstilles,",
                "rec_clauses": "at a\nat b\nat c",
                "rec_numbered": "on",
                "decision_outcome": "godkendt",
                "decision_text": f"<p>Godkendt, udgave {state['n']}.</p>",
                "presentation": PRESENTATION,
                "economy": "<p>Ingen udgifter.</p>",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, response.status_code
        state["version"] += 1

    count = _queries(autosave)
    median, p95 = _timed(autosave, rounds=ROUNDS * 2)
    print(f"\nautosave (gem + svar): {count} SQL, median {median:.1f} ms, p95 {p95:.1f} ms")

    def heartbeat() -> None:
        client.post(f"/items/{item.pk}/presence/", HTTP_HX_REQUEST="true")

    count = _queries(heartbeat)
    median, p95 = _timed(heartbeat)
    print(f"tilstedeværelse (heartbeat): {count} SQL, median {median:.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    logging.getLogger("referat.access").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    setup_test_environment()
    try:
        with transaction.atomic():
            _run()
            raise _Rollback
    except _Rollback:
        pass
