"""What the meeting page shows of the agenda's publication: when it went out, what the
secretary may publish now (the agenda, or the items added since as a tillægsdagsorden), the
deadline of Kommunestyrelsesloven § 8 and whether it has passed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from meetings.access import user_runs_workflow
from meetings.deadlines import is_late, publication_deadline
from meetings.models import AgendaItem, Meeting, MeetingTransition

if TYPE_CHECKING:
    import datetime as dt

    from meetings.models import AnyUser


@dataclass(frozen=True)
class PublicationState:
    published_at: dt.datetime | None
    deadline: dt.date
    late: bool
    # For the secretary: what may be published now.
    may_publish_agenda: bool = False
    pending: list[AgendaItem] = field(default_factory=list)
    # The recorded publications (with their reasons) for the secretary.
    transitions: list[MeetingTransition] = field(default_factory=list)


PUBLICATION_ACTIONS = (
    MeetingTransition.Action.PUBLISH_AGENDA,
    MeetingTransition.Action.PUBLISH_SUPPLEMENT,
)


def publication_state(user: AnyUser, meeting: Meeting) -> PublicationState:
    runs = user_runs_workflow(user, meeting)
    open_minutes = meeting.status != Meeting.Status.PUBLISHED
    pending: list[AgendaItem] = []
    transitions: list[MeetingTransition] = []
    if runs:
        if meeting.agenda_published_at is not None:
            pending = list(
                meeting.items.filter(agenda_published_at__isnull=True).order_by("number")
            )
        transitions = list(
            meeting.transitions.filter(action__in=PUBLICATION_ACTIONS).select_related("by")
        )
    return PublicationState(
        published_at=meeting.agenda_published_at,
        deadline=publication_deadline(meeting),
        late=is_late(meeting, today=timezone.localdate()),
        may_publish_agenda=runs and open_minutes and meeting.agenda_published_at is None,
        pending=pending if open_minutes else [],
        transitions=transitions,
    )
