"""Meetings as calendar events (iCalendar, RFC 5545): the invitation the members get when the
agenda is published, and the public bodies' calendars. One builder, so that an invitation and
a calendar entry of the same meeting carry the same UID and a client sees them as one event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from meetings.models import Meeting

# The minutes do not record when a meeting ends; calendars need an end to show a block.
ASSUMED_LENGTH = dt.timedelta(hours=2)


def meeting_uid(meeting: Meeting) -> str:
    """Stable across renames, moves and re-publication: the meeting's id at this site."""
    host = urlsplit(settings.SITE_URL).hostname or "referat"
    return f"meeting-{meeting.pk}@{host}"


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + meeting.get_absolute_url()


def meeting_event(meeting: Meeting, *, sequence: int = 0) -> Event:
    """The meeting as a VEVENT: body and date as the summary, the place, a link back."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    start = meeting.starts_at.astimezone(dt.UTC)
    event.add("dtstart", start)
    event.add("dtend", start + ASSUMED_LENGTH)
    event.add("summary", f"{meeting.body.name}: {_('møde')}")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", meeting_url(meeting))
    event.add("description", meeting_url(meeting))
    event.add("sequence", sequence)
    return event


def invitation(meeting: Meeting, *, attendee_email: str, sequence: int = 0) -> bytes:
    """A calendar invitation (METHOD:REQUEST, RFC 5546) to the meeting for one member: their
    calendar offers to add it, and a later invitation with a higher `sequence` updates it."""
    cal = Calendar()
    cal.add("prodid", "-//Referat//Møder//DA")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = meeting_event(meeting, sequence=sequence)
    event.add("organizer", vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}"))
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"
    event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def calendar_of(meetings: Iterable[Meeting], *, name: str, method: str = "") -> bytes:
    """An iCalendar file of these meetings (times in UTC, which every client converts)."""
    cal = Calendar()
    cal.add("prodid", "-//Referat//Møder//DA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    return cal.to_ical()
