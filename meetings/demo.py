"""The demo data of `manage.py loaddemo`: Direktionen, its secretary and a director, a member
of staff, and — unless asked not to — the sample minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
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
from meetings.services import case_get_or_create
from meetings.workflow import meeting_reopen

DEFAULT_PASSWORD = "referat-demo"  # noqa: S105 - the documented development login
SAMPLE_DIR = Path(settings.BASE_DIR) / "meetings" / "demo_minutes"


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
        report.meetings.extend(_load_minutes(body))
    return report


def _load_minutes(body: Body) -> list[str]:
    starts_at = timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30))
    earlier = Meeting.objects.filter(body=body, starts_at=starts_at).first()
    if earlier and Decision.objects.filter(item__meeting=earlier, locked=True).exists():
        # Approved in an earlier demo session: only a reopen unlocks its items for the reload.
        secretary = get_user_model().objects.get(username="sekretaer")
        meeting_reopen(meeting=earlier, by=secretary, reason="Demodata indlæses igen")
    meeting, _ = Meeting.objects.update_or_create(
        body=body,
        starts_at=starts_at,
        defaults={"location": "Mødelokale B105", "status": Meeting.Status.PUBLISHED},
    )
    meeting.attendances.all().delete()
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, name="Lars Holte", role="medlem", position=1),
            Attendance(
                meeting=meeting, name="Kathrine Seier Skastrup", role="sekretær", position=2
            ),
        ]
    )
    meeting.items.all().delete()
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=1,
        title="Udbud af KMD driftskontrakt",
        case=case_get_or_create(number="17/8444", title="Udbud af KMD driftskontrakt"),
        background="<p>Direktionen traf den 10-01-2018 beslutning om udbud.</p>",
    )
    rec = Recommendation.objects.create(item=item, lead_in="Det indstilles:", numbered=True)
    RecommendationClause.objects.create(
        recommendation=rec, position=1, text="at sagens tidsplan tages til efterretning"
    )
    Decision.objects.create(
        item=item,
        text="<p>Godkendt.</p>",
        outcome=Decision.Outcome.APPROVED,
        decided_on=dt.date(2018, 4, 23),
    )
    AgendaItem.objects.create(
        meeting=meeting,
        number=2,
        title="Personalesag",
        case=case_get_or_create(number="17/171"),
        closed=True,
        background="<p>Fortroligt indhold.</p>",
    )
    return [str(meeting)]
