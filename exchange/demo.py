"""The demo data of `manage.py loaddemo`: Direktionen, its secretary and a director, a member
of staff, Byrådet with its members (exchange/demo_council.py), and — unless asked not to — the
sample minutes and Byrådet's meetings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from common.hashing import checksum as file_checksum
from exchange.demo_council import load_council_demo
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

        report.meetings.extend(_load_minutes(body))
        load_budget_demo(body)

    council_users, council_meetings = load_council_demo(
        password=password, with_minutes=with_minutes
    )
    report.users.extend(council_users)
    report.meetings.extend(council_meetings)
    return report


def _load_minutes(body: Body) -> list[str]:
    """Import the sample minutes shipped in exchange/demo_minutes/ (idempotent by design)."""
    from exchange.service import import_file

    # Imported minutes are approved and locked. The same file again changes nothing; a demo
    # file that has changed since it was loaded is let in the way a secretary would: by
    # reopening those minutes first.
    secretary = get_user_model().objects.get(username="sekretaer")
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        checksum = file_checksum(path.read_bytes())
        stale = Meeting.objects.filter(
            body=body, imported_from=path.name, items__decision__locked=True
        ).exclude(source_checksum=checksum)
        for meeting in stale.distinct():
            meeting_reopen(meeting=meeting, actor=secretary, reason="Demodata indlæses igen")
    loaded: list[str] = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        report = import_file(path.name, path.read_bytes())
        if not report.ok:
            raise RuntimeError(report.summary())
        loaded.extend(report.meetings)
    return loaded


def _sample_names() -> list[str]:
    return [path.name for path in SAMPLE_DIR.glob("*.txt")]
