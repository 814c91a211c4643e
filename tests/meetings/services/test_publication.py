"""Publishing the agenda before the meeting, and later items as a tillægsdagsorden: who may,
the deadline of Kommunestyrelsesloven § 8 with its reason, the record, the members' e-mail
with its calendar invitation, and what the public then sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from meetings.deadlines import danish_holidays, publication_deadline
from meetings.errors import DomainError, InvalidInput
from meetings.models import AgendaItem, Decision, Meeting, MeetingTransition
from meetings.services.items import item_create
from meetings.services.publication import (
    body_set_public,
    meeting_publish_agenda,
    meeting_publish_supplement,
)
from tests.conftest import People

pytestmark = pytest.mark.django_db


def _meeting(people: People, *, days_ahead: int, public: bool = True) -> Meeting:
    people.body.public = public
    people.body.save(update_fields=["public"])
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    meeting = Meeting.objects.create(
        body=people.body,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(16, 0))),
        location="Byrådssalen",
    )
    item_create(actor=people.secretary, meeting=meeting, title="Budget 2027", case_number="")
    item = item_create(actor=people.secretary, meeting=meeting, title="Personalesag", closed=True)
    Decision.objects.create(item=item, text="<p>Kladde til beslutning.</p>")
    return meeting


def _mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


class TestDeadline:
    def test_four_weekdays_before_skip_the_weekend(self, people: People) -> None:
        # A meeting on Wednesday 9 December 2026: Tue, Mon, Fri, Thu → Thursday 3 December.
        meeting = Meeting(
            body=people.body,
            starts_at=timezone.make_aware(dt.datetime(2026, 12, 9, 16, 0)),
        )
        assert publication_deadline(meeting) == dt.date(2026, 12, 3)

    def test_public_holidays_are_not_weekdays(self, people: People) -> None:
        # Easter 2027 is 28 March: skærtorsdag 25, langfredag 26, 2. påskedag 29 March.
        assert {dt.date(2027, 3, 25), dt.date(2027, 3, 26), dt.date(2027, 3, 29)} <= (
            danish_holidays(2027)
        )
        meeting = Meeting(
            body=people.body,
            starts_at=timezone.make_aware(dt.datetime(2027, 3, 31, 16, 0)),
        )
        # Before Wednesday 31 March: Tue 30, (Mon 29, Fri 26, Thu 25 are holidays), Wed 24,
        # Tue 23, Mon 22.
        assert publication_deadline(meeting) == dt.date(2027, 3, 22)


class TestPublishAgenda:
    def test_the_secretary_publishes_in_time_and_the_members_get_it_with_an_invitation(
        self, people: People, django_capture_on_commit_callbacks: Any
    ) -> None:
        meeting = _meeting(people, days_ahead=14)
        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_agenda(meeting=meeting, actor=people.secretary)

        meeting.refresh_from_db()
        assert meeting.agenda_published_at is not None
        assert meeting.status == Meeting.Status.DRAFT  # the minutes are untouched
        assert not meeting.items.filter(agenda_published_at__isnull=True).exists()
        move = meeting.transitions.get()
        assert move.action == MeetingTransition.Action.PUBLISH_AGENDA
        assert move.by == people.secretary
        assert move.reason == ""

        (message,) = _mails_to(people.director.email)
        assert message.subject.startswith("Dagsorden: ")
        assert "Punkt 1: Budget 2027" in message.body
        # Mail leaves the system: a closed item is named only "Lukket".
        assert "Punkt 2: Lukket" in message.body
        assert "Personalesag" not in message.body
        assert meeting.get_absolute_url() in message.body
        (name, content, mimetype) = message.attachments[0]
        assert name == "invitation.ics"
        assert mimetype.startswith("text/calendar")
        calendar = Calendar.from_ical(content)
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == meeting.starts_at
        assert str(event["LOCATION"]) == "Byrådssalen"
        assert str(event["URL"]).endswith(meeting.get_absolute_url())
        assert people.director.email in str(event["ATTENDEE"])
        # The invitation and the body's public calendar name one event: the same UID.
        subscribed = people.client_for("anonymous").get(f"/calendars/{people.body.slug}.ics")
        (entry,) = Calendar.from_ical(subscribed.content).walk("VEVENT")
        assert str(entry["UID"]) == str(event["UID"])
        # The secretary sent it and is not among the recipients.
        assert not _mails_to(people.secretary.email)

    def test_a_late_agenda_needs_a_reason_which_is_kept(
        self, people: People, django_capture_on_commit_callbacks: Any
    ) -> None:
        meeting = _meeting(people, days_ahead=2)
        with pytest.raises(InvalidInput, match="fire hverdage før mødet"):
            meeting_publish_agenda(meeting=meeting, actor=people.secretary)
        meeting.refresh_from_db()
        assert meeting.agenda_published_at is None
        assert not mail.outbox

        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_agenda(
                meeting=meeting, actor=people.secretary, reason="Sagen om vejen haster."
            )
        assert meeting.transitions.get().reason == "Sagen om vejen haster."
        (message,) = _mails_to(people.director.email)
        assert "Sagen om vejen haster." in message.body

    def test_only_the_secretary_publishes(self, people: People) -> None:
        meeting = _meeting(people, days_ahead=14)
        for actor in (people.director, people.staff, people.outsider):
            with pytest.raises(PermissionDenied):
                meeting_publish_agenda(meeting=meeting, actor=actor)
        meeting.refresh_from_db()
        assert meeting.agenda_published_at is None

    def test_twice_is_refused_and_an_empty_agenda_is_refused(self, people: People) -> None:
        meeting = _meeting(people, days_ahead=14)
        meeting_publish_agenda(meeting=meeting, actor=people.secretary)
        with pytest.raises(DomainError, match="tillægsdagsorden"):
            meeting_publish_agenda(meeting=meeting, actor=people.secretary)
        empty = Meeting.objects.create(
            body=people.body, starts_at=meeting.starts_at + dt.timedelta(days=7)
        )
        with pytest.raises(DomainError, match="ingen punkter"):
            meeting_publish_agenda(meeting=empty, actor=people.secretary)


class TestSupplement:
    def test_an_item_added_after_publication_waits_for_the_supplement(
        self, people: People, django_capture_on_commit_callbacks: Any
    ) -> None:
        meeting = _meeting(people, days_ahead=14)
        meeting_publish_agenda(meeting=meeting, actor=people.secretary)
        late = item_create(actor=people.secretary, meeting=meeting, title="Ny vejbelysning")
        assert late.agenda_published_at is None
        # Not out yet: the public does not see it.
        anonymous = people.client_for("anonymous")
        page = anonymous.get(meeting.get_absolute_url())
        assert page.status_code == 200
        assert "Budget 2027" in page.content.decode()
        assert "Ny vejbelysning" not in page.content.decode()

        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish_supplement(meeting=meeting, actor=people.secretary)
        late.refresh_from_db()
        assert late.supplementary and late.agenda_published_at is not None
        assert meeting.transitions.last().action == MeetingTransition.Action.PUBLISH_SUPPLEMENT
        (message,) = _mails_to(people.director.email)
        assert message.subject.startswith("Tillægsdagsorden: ")
        assert "Punkt 3: Ny vejbelysning" in message.body
        assert "Budget 2027" not in message.body
        # The invitation again, one sequence later: the calendar keeps one entry.
        (event,) = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
        assert int(event["SEQUENCE"]) == 1

        page = anonymous.get(meeting.get_absolute_url()).content.decode()
        assert "Ny vejbelysning" in page
        assert "Tillægsdagsorden" in page

    def test_nothing_new_or_no_agenda_yet_is_refused(self, people: People) -> None:
        meeting = _meeting(people, days_ahead=14)
        with pytest.raises(DomainError, match="Offentliggør først dagsordenen"):
            meeting_publish_supplement(meeting=meeting, actor=people.secretary)
        meeting_publish_agenda(meeting=meeting, actor=people.secretary)
        with pytest.raises(DomainError, match="ingen nye punkter"):
            meeting_publish_supplement(meeting=meeting, actor=people.secretary)


class TestWhatThePublicSees:
    def test_the_agenda_without_any_draft_decision_until_the_minutes_are_published(
        self, people: People
    ) -> None:
        meeting = _meeting(people, days_ahead=14)
        AgendaItem.objects.filter(meeting=meeting, number=1).update(
            background="<p>Forslag til budget.</p>"
        )
        Decision.objects.create(
            item=meeting.items.get(number=1), text="<p>Kladdebeslutning Zq9.</p>"
        )
        anonymous = people.client_for("anonymous")
        assert anonymous.get(meeting.get_absolute_url()).status_code == 404

        meeting_publish_agenda(meeting=meeting, actor=people.secretary)
        for role in ("anonymous", "staff", "outsider"):
            page = people.client_for(role).get(meeting.get_absolute_url())
            text = page.content.decode()
            assert page.status_code == 200, role
            assert "Forslag til budget." in text, role
            assert "Zq9" not in text, role
            assert "Kladde til beslutning" not in text, role
            assert "Referatet er ikke offentliggjort endnu." in text, role
            # The review and the history are the body's until the minutes are published.
            client = people.client_for(role)
            assert client.get(f"/meetings/{meeting.pk}/review/").status_code in (302, 404)
            assert client.get(f"/meetings/{meeting.pk}/history/").status_code in (302, 404)
        member = people.client_for("director").get(meeting.get_absolute_url()).content.decode()
        assert "Zq9" in member

    def test_an_internal_bodys_published_agenda_is_for_staff_not_the_public(
        self, people: People
    ) -> None:
        meeting = _meeting(people, days_ahead=14, public=False)
        meeting_publish_agenda(meeting=meeting, actor=people.secretary)
        assert people.client_for("anonymous").get(meeting.get_absolute_url()).status_code == 404
        assert people.client_for("staff").get(meeting.get_absolute_url()).status_code == 200

    def test_the_secretary_publishes_from_the_meeting_page_and_a_refusal_keeps_the_reason(
        self, people: People
    ) -> None:
        meeting = _meeting(people, days_ahead=1)
        client = people.client_for("secretary")
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "Offentliggør dagsordenen" in page
        assert "Fristen – fire hverdage før mødet" in page

        url = f"/meetings/{meeting.pk}/publish-agenda/"
        refused = client.post(url, {"what": "agenda", "reason": "   "})
        assert refused.status_code == 400
        assert "Skriv en begrundelse" in refused.content.decode()

        typed = "x" * 2001
        refused = client.post(url, {"what": "agenda", "reason": typed})
        assert refused.status_code == 400
        assert typed in refused.content.decode()

        done = client.post(url, {"what": "agenda", "reason": "Mødet blev fremrykket."})
        assert done.status_code == 302
        meeting.refresh_from_db()
        assert meeting.agenda_published_at is not None
        assert people.client_for("director").post(url, {"what": "supplement"}).status_code == 403


class TestPublicBody:
    def test_only_a_superuser_makes_a_body_public(self, people: People) -> None:
        for actor in (people.secretary, people.director, people.staff):
            with pytest.raises(PermissionDenied):
                body_set_public(actor=actor, body=people.body, public=True)
        people.body.refresh_from_db()
        assert not people.body.public

        secretary_page = people.client_for("secretary").get(f"/bodies/{people.body.slug}/settings/")
        assert "Organet er internt" in secretary_page.content.decode()
        assert "Gør organet offentligt" not in secretary_page.content.decode()

        admin = people.client_for("superuser")
        response = admin.post(f"/bodies/{people.body.slug}/settings/", {"public": "1"})
        assert response.status_code == 302
        people.body.refresh_from_db()
        assert people.body.public
        page = admin.get(f"/bodies/{people.body.slug}/settings/").content.decode()
        assert "Organet er offentligt" in page
