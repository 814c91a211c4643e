"""Reads of the public portal: the front page's overview of the public bodies, the bodies'
publications (for their Atom feeds), their meetings (for their calendars) and a case's
decisions (for its feed).

Everything here starts from the one access rule (`Meeting.objects.visible_to`,
`minutes_visible_to`, `AgendaItem.objects.listed_for`): what an anonymous visitor gets is what
that rule gives anyone outside the body, and a logged-in reader gets the same reads with their
own rights. Each function costs a fixed number of queries, however many meetings there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, Max, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from meetings.access import bodies_followed_by
from meetings.models import AgendaItem, Body, Case, Meeting, MeetingTransition

if TYPE_CHECKING:
    from meetings.models import AnyUser

# The front page shows this many coming meetings and this many latest minutes per body.
UPCOMING_PER_BODY = 5
LATEST_MINUTES_PER_BODY = 3
# A meeting counts as coming until this long after it started (it is still going on).
MEETING_LASTS = dt.timedelta(hours=4)
# Feeds carry the newest entries only: a feed reader polls, it does not read the archive.
FEED_ENTRIES = 50
# Calendars carry the body's meetings from this long ago on, and every later one.
CALENDAR_PAST = dt.timedelta(days=366)

PUBLICATION_ACTIONS = (
    MeetingTransition.Action.PUBLISH_AGENDA,
    MeetingTransition.Action.PUBLISH_SUPPLEMENT,
    MeetingTransition.Action.PUBLISH,
)


@dataclass
class BodyOverview:
    """One public body on the front page."""

    body: Body
    upcoming: list[Meeting] = field(default_factory=list)
    latest_minutes: list[Meeting] = field(default_factory=list)


def _first_per_body(meetings: QuerySet[Meeting], order: str, limit: int) -> list[Meeting]:
    """The first `limit` meetings of each body in `order`, in one query."""
    ranked = meetings.annotate(
        rank=Window(RowNumber(), partition_by=[F("body_id")], order_by=order)
    )
    return list(ranked.filter(rank__lte=limit).order_by("body__name", order))


def front_page_overview(user: AnyUser, *, now: dt.datetime | None = None) -> list[BodyOverview]:
    """Per public body the user may follow (every public body for an anonymous visitor): its
    coming meetings whose agendas are out, soonest first, and its latest published minutes,
    newest first. Three queries."""
    now = now or timezone.now()
    bodies = list(bodies_followed_by(user).filter(public=True).order_by("name"))
    overview = {body.pk: BodyOverview(body) for body in bodies}
    visible = Meeting.objects.visible_to(user).filter(body__in=bodies).select_related("body")
    for meeting in _first_per_body(
        visible.filter(starts_at__gte=now - MEETING_LASTS), "starts_at", UPCOMING_PER_BODY
    ):
        overview[meeting.body_id].upcoming.append(meeting)
    minutes = (
        Meeting.objects.minutes_visible_to(user)
        .filter(body__in=bodies, status=Meeting.Status.PUBLISHED)
        .select_related("body")
    )
    for meeting in _first_per_body(minutes, "-starts_at", LATEST_MINUTES_PER_BODY):
        overview[meeting.body_id].latest_minutes.append(meeting)
    return list(overview.values())


def front_page_modified(user: AnyUser) -> dt.datetime | None:
    """When what the front page shows last changed: the newest publication of a public body."""
    return MeetingTransition.objects.filter(
        action__in=PUBLICATION_ACTIONS,
        meeting__in=Meeting.objects.visible_to(user).filter(body__public=True),
    ).aggregate(newest=Max("created_at"))["newest"]


def body_publications(user: AnyUser, body: Body) -> list[MeetingTransition]:
    """The body's newest publications the user may read, newest first: each agenda and
    supplement (tillægsdagsorden) once its meeting opens to the user, each publication of
    minutes only while the user may read those minutes (not after a reopen). Each comes with
    its meeting and the meeting's items as the user may list them (`listed_items`, closed
    ones as "Lukket"). Two queries."""
    agendas = Q(
        action__in=[
            MeetingTransition.Action.PUBLISH_AGENDA,
            MeetingTransition.Action.PUBLISH_SUPPLEMENT,
        ],
        meeting__in=Meeting.objects.visible_to(user),
    )
    minutes = Q(
        action=MeetingTransition.Action.PUBLISH,
        meeting__in=Meeting.objects.minutes_visible_to(user),
    )
    items = AgendaItem.objects.listed_for(user).order_by("number")
    return list(
        MeetingTransition.objects.filter(agendas | minutes, meeting__body=body)
        .select_related("meeting__body")
        .prefetch_related(Prefetch("meeting__items", queryset=items, to_attr="listed_items"))
        .order_by("-created_at", "-pk")[:FEED_ENTRIES]
    )


def body_calendar_meetings(
    user: AnyUser, body: Body, *, now: dt.datetime | None = None
) -> list[Meeting]:
    """The body's meetings the user may open, from a year back on, in order. One query."""
    now = now or timezone.now()
    return list(
        Meeting.objects.visible_to(user)
        .filter(body=body, starts_at__gte=now - CALENDAR_PAST)
        .select_related("body")
        .order_by("starts_at")
    )


def case_decisions(user: AnyUser, case: Case) -> list[AgendaItem]:
    """The case's items with a decision the user may read, newest meeting first: only minutes
    the user may read (published ones, outside the body), closed items among them listed
    (`content_visible` False) so that their public decision can be shown. One query."""
    return list(
        AgendaItem.objects.listed_for(user)
        .filter(
            case=case,
            decision__isnull=False,
            meeting__in=Meeting.objects.minutes_visible_to(user),
        )
        .select_related("meeting__body", "decision")
        .order_by("-meeting__starts_at", "-number")[:FEED_ENTRIES]
    )
