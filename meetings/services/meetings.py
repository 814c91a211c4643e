"""State changes of meetings as the secretary drafts them: create, edit, participants.

Every function takes the acting user as `actor`, checks that the actor may draft for the
meeting's body (meetings/access.py) and that the meeting still takes edits (meetings/locks.py).
Field errors are django ValidationErrors with a dict of Danish messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.access import require_editor
from meetings.errors import DomainError, StaleVersion
from meetings.locks import ensure_meeting_editable
from meetings.models import Attendance, Body, Meeting, Membership
from meetings.services._common import Actor, lock_meeting
from meetings.services.agenda import meeting_add_standard_items


@dataclass(frozen=True)
class AttendeeInput:
    """One line of Mødedeltagere: a member (user_id) or a guest by name; present=False is
    afbud."""

    name: str
    role: str = ""
    present: bool = True
    user_id: int | None = None
    # The body's seat this line is about, and for a substitute the seat taken at this meeting.
    member_id: int | None = None
    substitute_for_id: int | None = None


# The years a meeting date may have: legacy minutes go back decades, none before 1900.
MEETING_YEARS = (1900, 2100)


def _clean_meeting_fields(*, starts_at: dt.datetime | None, location: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Angiv mødedato og tidspunkt.")]
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        # A typo such as year 1 or 9999 would be stored, and year 1 in Copenhagen is before
        # year 1 in UTC, which PostgreSQL stores but no page can read back.
        if not MEETING_YEARS[0] <= starts_at.year <= MEETING_YEARS[1]:
            errors["starts_at"] = [
                _("Mødedatoen skal ligge mellem år %(first)s og %(last)s.")
                % {"first": MEETING_YEARS[0], "last": MEETING_YEARS[1]}
            ]
    if len(location) > 200:
        errors["location"] = [_("Mødestedet må højst være 200 tegn.")]
    if errors:
        raise ValidationError(errors)
    return {"starts_at": starts_at, "location": location.strip()}


def _duplicate_meeting_error(body: Body, starts_at: dt.datetime) -> ValidationError:
    return ValidationError(
        {
            "starts_at": [
                _("%(body)s har allerede et møde %(when)s.")
                % {
                    "body": body.name,
                    "when": timezone.localtime(starts_at).strftime("%d-%m-%Y kl. %H:%M"),
                }
            ]
        }
    )


def _check_seats(meeting: Meeting, attendees: Sequence[AttendeeInput]) -> None:
    """Members named in the participants are the body's, each named once; a substitute takes
    the seat of a member who is not there."""
    ids = [p.member_id for p in attendees if p.member_id is not None]
    seats = {
        m.pk: m
        for m in Membership.objects.filter(
            body_id=meeting.body_id,
            pk__in=set(ids)
            | {p.substitute_for_id for p in attendees if p.substitute_for_id is not None},
        )
    }
    errors = []
    if any(i not in seats for i in ids):
        errors.append(_("En af deltagerne er ikke medlem af %(body)s.") % {"body": meeting.body})
    twice = sorted({seats[i].display_name for i in ids if ids.count(i) > 1 and i in seats})
    if twice:
        errors.append(_("%(names)s står flere gange.") % {"names": ", ".join(twice)})
    present = {p.member_id for p in attendees if p.present and p.member_id is not None}
    for person in attendees:
        if person.substitute_for_id is None:
            continue
        seat = seats.get(person.substitute_for_id)
        if not person.present:
            errors.append(
                _("%(name)s har meldt afbud og kan ikke træde ind for et andet medlem.")
                % {"name": person.name.strip()}
            )
        elif seat is None or seat.role == Membership.Role.SECRETARY:
            errors.append(_("Stedfortræderen skal træde ind for et medlem af organet."))
        elif seat.pk in present:
            errors.append(
                _("%(name)s er selv til stede, så ingen kan træde ind i stedet.")
                % {"name": seat.display_name}
            )
    taken = [p.substitute_for_id for p in attendees if p.substitute_for_id is not None]
    for seat_id in sorted(set(taken)):
        if taken.count(seat_id) > 1 and seat_id in seats:
            errors.append(
                _("Kun én kan træde ind for %(name)s.") % {"name": seats[seat_id].display_name}
            )
    if errors:
        raise ValidationError({"attendees": errors})


def _attendances_replace(meeting: Meeting, attendees: Sequence[AttendeeInput]) -> None:
    rows = []
    for position, person in enumerate(attendees, start=1):
        name = person.name.strip()
        if not name:
            continue
        rows.append(
            Attendance(
                meeting=meeting,
                name=name[:200],
                role=person.role.strip()[:50],
                present=person.present,
                user_id=person.user_id,
                member_id=person.member_id,
                substitute_for_id=person.substitute_for_id,
                position=position,
            )
        )
    _check_seats(meeting, attendees)
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(rows)


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    body: Body,
    starts_at: dt.datetime | None,
    location: str = "",
    attendees: Sequence[AttendeeInput] = (),
    add_standard_items: bool = False,
) -> Meeting:
    """Create a draft meeting (kladde) of the body. Only the body's secretary or a superuser.
    With `add_standard_items` its agenda starts with the body's standard items.

    Raises ValidationError (field dict) when the date is missing or the body already meets
    at that time; nothing is created then.
    """
    require_editor(actor, body)
    fields = _clean_meeting_fields(starts_at=starts_at, location=location)
    if Meeting.objects.filter(body=body, starts_at=fields["starts_at"]).exists():
        raise _duplicate_meeting_error(body, fields["starts_at"])
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                body=body,
                status=Meeting.Status.DRAFT,
                created_by=actor if actor.is_authenticated else None,
                **fields,
            )
    except IntegrityError as exc:  # two secretaries at the same minute
        raise _duplicate_meeting_error(body, fields["starts_at"]) from exc
    _attendances_replace(meeting, attendees)
    if add_standard_items:
        meeting_add_standard_items(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    version: int,
    starts_at: dt.datetime | None,
    location: str = "",
    attendees: Sequence[AttendeeInput] | None = None,
) -> Meeting:
    """Change a meeting's date, place and participants while it takes edits, if nobody saved
    them since `version` (the meeting's `version` when the form was opened).

    The check is a conditional UPDATE (…WHERE version = v): when someone saved in between,
    nothing is written and StaleVersion carries the meeting as it is now, so the caller can
    show both. Raises ValidationError (field dict) on a bad date or place, MeetingLocked once
    approved, PermissionDenied for anyone but the body's secretary or a superuser."""
    meeting = lock_meeting(meeting.pk)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    fields = _clean_meeting_fields(starts_at=starts_at, location=location)
    clash = Meeting.objects.filter(body=meeting.body, starts_at=fields["starts_at"])
    if clash.exclude(pk=meeting.pk).exists():
        raise _duplicate_meeting_error(meeting.body, fields["starts_at"])
    updated = Meeting.objects.filter(pk=meeting.pk, version=version).update(
        updated_at=timezone.now(), version=F("version") + 1, **fields
    )
    if not updated:
        current = Meeting.objects.select_related("body").filter(pk=meeting.pk).first()
        if current is None:
            raise DomainError(_("Mødet er slettet, mens du redigerede det."))
        raise StaleVersion(
            _(
                "Mødet er gemt af en anden, efter du åbnede det. Din udgave er ikke gemt: den "
                "står i formularen, og den gemte ses nedenfor. Gem igen for at bruge din udgave."
            ),
            current=current,
        )
    if attendees is not None:
        _attendances_replace(meeting, attendees)
    meeting.refresh_from_db()
    return meeting
