"""Meetings as calendar events (iCalendar, RFC 5545): the invitation the members get when the
agenda is published, and the public bodies' calendars. One builder, so that an invitation and
a calendar entry of the same meeting carry the same UID and a client sees them as one event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from meetings.models import Meeting

# The minutes do not record when a meeting ends; calendars need an end to show a block.
ASSUMED_LENGTH = dt.timedelta(hours=2)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def meeting_uid(meeting: Meeting) -> str:
    """Stable across renames, moves and re-publication: the meeting's id at this site."""
    host = urlsplit(settings.SITE_URL).hostname or "referat"
    return f"meeting-{meeting.pk}@{host}"


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + meeting.get_absolute_url()


def meeting_event(meeting: Meeting, *, sequence: int = 0) -> Event:
    """The meeting as a VEVENT: body as the summary, local times (the calendar carries the
    zone's definition), the place, where the agenda and minutes stand, a link back."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    start = meeting.starts_at.astimezone(COPENHAGEN)
    event.add("dtstart", start)
    event.add("dtend", start + ASSUMED_LENGTH)
    event.add("summary", _("Møde i %(body)s") % {"body": meeting.body.name})
    if meeting.location:
        event.add("location", meeting.location)
    url = meeting_url(meeting)
    event.add("url", url)
    if meeting.status == Meeting.Status.PUBLISHED:
        state = _("Referatet er offentliggjort.")
    elif meeting.agenda_published_at is not None:
        state = _("Dagsordenen er offentliggjort.")
    else:
        state = ""
    event.add("description", f"{state} {url}".strip())
    event.add("status", "CONFIRMED")
    event.add("sequence", sequence)
    return event


def invitation(meeting: Meeting, *, attendee_email: str, sequence: int = 0) -> bytes:
    """A calendar invitation (METHOD:REQUEST, RFC 5546) to the meeting for one member: their
    calendar offers to add it, and a later invitation with a higher `sequence` updates it."""
    cal = _calendar(method="REQUEST")
    event = meeting_event(meeting, sequence=sequence)
    event.add("organizer", vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}"))
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"
    event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def calendar_of(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """An iCalendar file of these meetings that a calendar program subscribes to."""
    cal = _calendar(method="PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Copenhagen")
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    # The times are local: the file carries the zone's definition, so a program without a
    # time-zone database reads them right.
    cal.add_missing_timezones()
    return cal.to_ical()


def _calendar(*, method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Referat//Møder//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal
