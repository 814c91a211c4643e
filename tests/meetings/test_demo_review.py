"""The demo data can be reloaded after the demo minutes have been through the review."""

import pytest
from django.contrib.auth import get_user_model

from meetings.demo import load_demo
from meetings.models import Decision, Meeting
from meetings.workflow import decision_approve, meeting_reopen, meeting_submit_for_review


@pytest.mark.django_db
def test_reloading_the_demo_after_an_approval_reopens_instead_of_failing() -> None:
    load_demo(password="demo-pw-1")
    users = get_user_model().objects
    meeting = Meeting.objects.get(body__slug="direktionen")
    secretary, director = users.get(username="sekretaer"), users.get(username="direktoer")
    meeting_reopen(meeting=meeting, by=secretary, reason="Prøver godkendelsen")
    meeting_submit_for_review(meeting=meeting, by=secretary)
    decision_approve(item=meeting.items.get(number=1), by=director)
    assert Decision.objects.get(item__meeting=meeting).locked

    load_demo(password="demo-pw-1")

    meeting = Meeting.objects.get(body__slug="direktionen")
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.transitions.last().reason == "Demodata indlæses igen"
    assert not Decision.objects.get(item__meeting=meeting).locked
