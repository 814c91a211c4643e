"""Demo data and imports meet approved, locked minutes: the demo reloads through a reopen, and
an import over approved minutes is refused in Danish."""

import pytest
from django.contrib.auth import get_user_model

from meetings.demo import SAMPLE_DIR, load_demo
from meetings.importer.service import import_file
from meetings.models import Decision, Meeting
from meetings.workflow import decision_approve, meeting_reopen, meeting_submit_for_review

pytestmark = pytest.mark.django_db


def _approve_demo_minutes() -> Meeting:
    load_demo(password="demo-pw-1")
    users = get_user_model().objects
    meeting = Meeting.objects.get(body__slug="direktionen", starts_at__year=2018)
    secretary, director = users.get(username="sekretaer"), users.get(username="direktoer")
    meeting_reopen(meeting=meeting, by=secretary, reason="Prøver godkendelsen")
    meeting_submit_for_review(meeting=meeting, by=secretary)
    for item in meeting.items.filter(decision__isnull=False):
        decision_approve(item=item, by=director)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    return meeting


def test_reloading_the_demo_after_an_approval_reopens_instead_of_failing() -> None:
    meeting = _approve_demo_minutes()
    load_demo(password="demo-pw-1")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED  # as the sample file says
    assert meeting.transitions.last().reason == "Demodata indlæses igen"
    assert not Decision.objects.filter(item__meeting=meeting, locked=True).exists()


def test_importing_approved_minutes_again_is_refused_in_danish() -> None:
    meeting = _approve_demo_minutes()
    name = meeting.imported_from
    report = import_file(name, (SAMPLE_DIR / name).read_bytes())
    assert not report.ok
    assert "er godkendt og låst og kan ikke importeres igen" in report.error
    assert "genåbne" in report.error
    assert Decision.objects.filter(item__meeting=meeting, locked=True).exists()
