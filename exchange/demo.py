"""The demo data of `manage.py loaddemo`: Direktionen, its secretary and a director, a member
of staff, Byrådet with its members (exchange/demo_council.py), and — unless asked not to — the
sample minutes and Byrådet's meetings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from exchange.allocations import allocations_to_exchange
from exchange.demo_council import load_council_demo
from exchange.load import parse_starts_at
from exchange.schema import FORMAT
from meetings.models import Body, Meeting, Membership
from meetings.services.review import meeting_reopen

DEFAULT_PASSWORD = "referat-demo"  # noqa: S105 - the documented development login
SAMPLE_DIR = Path(settings.BASE_DIR) / "exchange" / "demo_minutes"


@dataclass
class DemoReport:
    users: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)


@transaction.atomic
def load_demo(*, password: str = DEFAULT_PASSWORD, with_minutes: bool = True) -> DemoReport:
    """Create or refresh the demo body, users and minutes. Safe to run any number of times."""
    report = DemoReport()
    body, _ = Body.objects.get_or_create(slug="direktionen", defaults={"name": "Direktionen"})
    User = get_user_model()
    people = [
        ("sekretaer", "Kathrine", "Seier Skastrup", Membership.Role.SECRETARY),
        ("direktoer", "Lars", "Holte", Membership.Role.CHAIR),
        ("medarbejder", "Mette", "Hansen", None),
    ]
    for username, first, last, role in people:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        user.set_password(password)
        user.email = user.email or f"{username}@example.invalid"
        user.save()
        if role is not None:
            Membership.objects.update_or_create(user=user, body=body, defaults={"role": role})
        report.users.append(username)

    if with_minutes:
        from exchange.demo_pools import load_budget_demo

        # The pools first: the minutes draw on them.
        load_budget_demo(body)
        report.meetings.extend(_load_minutes(body))

    council_users, council_meetings = load_council_demo(
        password=password, with_minutes=with_minutes
    )
    report.users.extend(council_users)
    report.meetings.extend(council_meetings)
    return report


def _demo_minutes(path: Path) -> tuple[str, dict[str, Any]]:
    """A sample file as the exchange data the demo imports: the minutes as read, their demo
    allocations added, and the file itself as their source. Its checksum comes first."""
    from exchange.demo_pools import add_demo_allocations
    from exchange.legacy import read_minutes_file

    read = read_minutes_file(path.name, path.read_bytes())
    for meeting in read.meetings:
        meeting["source"] = {"name": path.name, "checksum": read.checksum}
        add_demo_allocations(meeting)
    return read.checksum, {"format": FORMAT, "meetings": read.meetings}


def _allocations_differ(meeting: Meeting, data: dict[str, Any]) -> bool:
    """Whether the meeting's items draw on pools otherwise than the demo data says."""
    wanted = {item["number"]: item.get("allocations", []) for item in data["items"]}
    items = meeting.items.prefetch_related("allocations__pool")
    held = {item.number: allocations_to_exchange(item) for item in items}
    return any(held.get(number, []) != allocations for number, allocations in wanted.items())


def _load_minutes(body: Body) -> list[str]:
    """Import the sample minutes shipped in exchange/demo_minutes/ (idempotent by design)."""
    from exchange.service import import_file

    # The samples are minutes Direktionen approved and published long ago: they come in as an
    # archive import by the demo secretary (published, locked, and recorded as such). The same
    # minutes again change nothing; a demo file or demo allocations changed since they were
    # loaded are let in the way a secretary would: by reopening those minutes first.
    secretary = get_user_model().objects.get(username="sekretaer")
    samples = [(path, *_demo_minutes(path)) for path in sorted(SAMPLE_DIR.glob("*.txt"))]
    for path, checksum, document in samples:
        for data in document["meetings"]:
            loaded = Meeting.objects.filter(
                body=body, imported_from=path.name, starts_at=parse_starts_at(data["starts_at"])
            ).first()
            if loaded is None or not loaded.items.filter(decision__locked=True).exists():
                continue
            if loaded.source_checksum == checksum and not _allocations_differ(loaded, data):
                continue
            meeting_reopen(meeting=loaded, actor=secretary, reason="Demodata indlæses igen")
            # The same file with other allocations is new minutes all the same.
            Meeting.objects.filter(pk=loaded.pk).update(source_checksum="")
    loaded_names: list[str] = []
    with pghistory.context(user=secretary.pk, service="loaddemo"):
        for path, _checksum, document in samples:
            report = import_file(
                f"{path.stem}.json", json.dumps(document).encode(), archive_by=secretary
            )
            if not report.ok:
                raise RuntimeError(report.summary())
            loaded_names.extend(report.meetings)
    return loaded_names


def _sample_names() -> list[str]:
    return [path.name for path in SAMPLE_DIR.glob("*.txt")]
