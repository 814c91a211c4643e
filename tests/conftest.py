"""Shared fixtures: the named users every permission test uses, and a real Celery worker.

The users: `secretary` (sekretær of Direktionen), `director` (a member), `staff` (no body),
`outsider` (secretary of another body) and `superuser`.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.utils import timezone

from meetings.models import Body, Meeting, Membership
from tests.factories import BodyFactory, MeetingFactory, MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# Shared fixtures of other modules: `review` (minutes through the review workflow) and
# `council` (a political body's meeting, for the protocol).
pytest_plugins = ["tests.review_scenario", "tests.protocol_scenario", "tests.public_scenario"]


@dataclass
class People:
    body: Body
    other_body: Body
    secretary: AbstractUser
    director: AbstractUser
    staff: AbstractUser
    outsider: AbstractUser
    superuser: AbstractUser

    def seat(self, user: AbstractUser, body: Body | None = None) -> int:
        """The id of the user's seat (Membership) in the body (the people's body by default)."""
        return Membership.objects.get(user=user, body=body or self.body).pk

    def client_for(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(getattr(self, role))
        return client


ROLES = ["secretary", "director", "staff", "outsider", "superuser"]
ROLES_WITH_CLOSED_ACCESS = {"secretary", "director", "superuser"}


@pytest.fixture
def people(db: None) -> People:
    body = BodyFactory(name="Direktionen", slug="direktionen")
    other = BodyFactory(name="Økonomiudvalget", slug="okonomiudvalget")
    secretary = UserFactory(username="sekretaer", first_name="Kathrine")
    director = UserFactory(username="direktoer", first_name="Lars")
    staff = UserFactory(username="medarbejder")
    outsider = UserFactory(username="udenforstaaende")
    superuser = UserFactory(username="admin", is_superuser=True, is_staff=True)
    MembershipFactory(user=secretary, body=body, role=Membership.Role.SECRETARY)
    MembershipFactory(user=director, body=body, role=Membership.Role.MEMBER)
    MembershipFactory(user=outsider, body=other, role=Membership.Role.SECRETARY)
    return People(body, other, secretary, director, staff, outsider, superuser)


@pytest.fixture
def draft(people: People) -> Meeting:
    """A draft meeting (kladde) of the people's body, on the date of the sample minutes."""
    return MeetingFactory(
        body=people.body,
        status=Meeting.Status.DRAFT,
        starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30)),
    )


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery -A referat worker` on the test database and a private queue."""
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    env["DJANGO_SETTINGS_MODULE"] = "referat.settings.test"
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    # The worker must use the queue of *this* suite, named from the original database name.
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    hostname = f"{queue}@{socket.gethostname()}"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "referat", "worker", "--loglevel=INFO",
         "--concurrency=1", "-Q", queue, "-n", hostname, "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from referat.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=[hostname], timeout=1.0)
        if replies:
            break
        if proc.poll() is not None:
            raise RuntimeError(f"The Celery worker stopped at start: {log_path.read_text()}")
    else:
        proc.terminate()
        raise RuntimeError("The Celery worker did not answer within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


# --- Redis down ---------------------------------------------------------------------------------


def _set_redis(broker: str, results: str) -> None:
    from referat.celery import app

    # Connections are pooled per URL; dropping the app's references makes the next send
    # connect to `url` while the pool of the real broker stays open for the way back. The
    # result store is Redis too, and down with it.
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = broker
    app.conf.result_backend = results
    app._backend_cache = None  # the result store is built again from the new URL
    vars(app._local).pop("backend", None)


@pytest.fixture
def broker_down() -> Iterator[Callable[[], None]]:
    """Make Redis (broker and result store) unreachable for this process; call the returned
    function to bring it back."""
    from referat.celery import app

    real = (app.conf.broker_url, app.conf.result_backend)
    _set_redis("redis://127.0.0.1:1/15", "redis://127.0.0.1:1/15")  # nothing listens on port 1
    yield lambda: _set_redis(*real)
    _set_redis(*real)


# --- Browser tests: the system Chromium, driven by pytest-playwright -------------------------

# Playwright's sync API keeps an event loop in the test process from the first browser test on;
# the tests' own ORM calls stay synchronous and safe. (Subprocesses must not inherit this: see
# tests/test_settings.py.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


def record_reopen(meetings: Iterable[Meeting], *, reason: str = "Testopsætning") -> None:
    """Record a reopen of each meeting that has locked decisions and unlock them, in the
    caller's transaction: the one way the lock triggers let anyone unlock (as plain SQL would
    have to). The meetings keep their status, and the reopen is on record as by a test user.
    """
    from django.contrib.auth import get_user_model

    from meetings.models import Decision, MeetingTransition

    locked = Meeting.objects.filter(
        pk__in=[m.pk for m in meetings], items__decision__locked=True
    ).distinct()
    if not locked:
        return
    by, _created = get_user_model().objects.get_or_create(username="testopsaetning")
    MeetingTransition.objects.bulk_create(
        MeetingTransition(
            meeting=meeting,
            action=MeetingTransition.Action.REOPEN,
            from_status=meeting.status,
            to_status=meeting.status,
            by=by,
            reason=reason,
        )
        for meeting in locked
    )
    Decision.objects.filter(item__meeting__in=locked, locked=True).update(locked=False)


def remove_all_meetings() -> None:
    """Empty the meetings past the approval lock, as the database's owner could: with a
    reopen on record first. For tests that export, wipe and import again; imported minutes
    come with locked decisions."""
    from django.db import transaction

    from meetings.models import Addendum, Case

    with transaction.atomic():
        record_reopen(Meeting.objects.all())
        # Approved additions go while the reopens are on record (the meetings' deletion takes
        # their transitions with them).
        Addendum.objects.all().delete()
        Meeting.objects.all().delete()
        Case.objects.all().delete()


def unlock_decisions(meeting: Meeting) -> None:
    """Unlock a meeting's approved decisions the way meeting_reopen does (a reopen on record
    first), without the workflow around it: the meeting keeps its status. For tests about
    what a change of content does downstream."""
    from django.db import transaction

    with transaction.atomic():
        record_reopen([meeting])
