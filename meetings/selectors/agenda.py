"""Reads of the agenda's routine: the body's previous meeting to copy from, the postponed
items offered on a draft agenda, and the links between a postponed item and the item that
took it up again.

What the routine offers is for those who may edit the body's agenda; the links show only
meetings the reader may open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from meetings.access import may_edit_body
from meetings.models import AgendaItem, Decision, Meeting

if TYPE_CHECKING:
    from meetings.models import AnyUser


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The body's latest meeting before this one that has items: the one "Kopiér fra forrige
    møde" copies from (a meeting planned ahead and still empty is passed over)."""
    return (
        Meeting.objects.filter(body_id=meeting.body_id, starts_at__lt=meeting.starts_at)
        .filter(Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))))
        .order_by("-starts_at")
        .first()
    )


def postponed_items_pending(meeting: Meeting) -> list[AgendaItem]:
    """Items of the body's earlier meetings whose decision is "udskudt" and that have not come
    back since: none taken up again (`postponed_from`), and for an item with a case, the case
    on no meeting of the body between that one and this one (the secretary brought it back by
    hand). Oldest first. The content of every body's items: callers decide who sees it."""
    earlier_meetings = Meeting.objects.filter(
        body_id=meeting.body_id, starts_at__lt=meeting.starts_at
    )
    taken_up = AgendaItem.objects.filter(postponed_from=OuterRef("pk"))
    case_came_back = AgendaItem.objects.filter(
        case_id=OuterRef("case_id"),
        meeting__body_id=meeting.body_id,
        meeting__starts_at__gt=OuterRef("meeting__starts_at"),
        meeting__starts_at__lt=meeting.starts_at,
    )
    return list(
        AgendaItem.objects.filter(
            meeting__in=earlier_meetings, decision__outcome=Decision.Outcome.POSTPONED
        )
        .exclude(Exists(taken_up))
        .exclude(Q(case__isnull=False) & Q(Exists(case_came_back)))
        .select_related("meeting", "case")
        .order_by("meeting__starts_at", "number")
    )


def postponed_items_offered(meeting: Meeting, user: AnyUser) -> list[AgendaItem]:
    """The postponed items offered on this agenda: to those who may edit the body's agenda,
    while it is a draft (closed items among them: they are the body's own)."""
    if meeting.status != Meeting.Status.DRAFT or not may_edit_body(user, meeting.body_id):
        return []
    return postponed_items_pending(meeting)


@dataclass
class Postponement:
    """The links of one item: the earlier item it was postponed from, and the later items that
    took it up again (one, unless an import brought more)."""

    earlier: AgendaItem | None = None
    later: list[AgendaItem] = field(default_factory=list)


def postponements(items: Sequence[AgendaItem], user: AnyUser) -> dict[int, Postponement]:
    """The links of these items, by item id, in two queries whatever the number of items. A
    linked item shows only when the user may open its meeting (its date and number are what a
    closed item's stub shows too)."""
    if not items:
        return {}
    meetings = Meeting.objects.visible_to(user)
    links: dict[int, Postponement] = {}
    earlier_ids = {item.postponed_from_id for item in items if item.postponed_from_id}
    if earlier_ids:
        earlier = {
            row.pk: row
            for row in AgendaItem.objects.filter(pk__in=earlier_ids, meeting__in=meetings)
            .select_related("meeting")
            .only("number", "meeting", "meeting__starts_at")
        }
        for item in items:
            if item.postponed_from_id in earlier:
                links[item.pk] = Postponement(earlier=earlier[item.postponed_from_id])
    later = (
        AgendaItem.objects.filter(
            postponed_from_id__in=[item.pk for item in items], meeting__in=meetings
        )
        .select_related("meeting")
        .only("number", "postponed_from", "meeting", "meeting__starts_at")
        .order_by("meeting__starts_at", "number")
    )
    for row in later:
        if row.postponed_from_id is not None:
            links.setdefault(row.postponed_from_id, Postponement()).later.append(row)
    return links


def agenda_routine(
    user: AnyUser, meeting: Meeting, items: Sequence[AgendaItem], *, can_edit: bool
) -> dict[str, Any]:
    """What the meeting page's agenda shows of the routine: each item's `postponement` links
    (set on the items), and for the body's secretary on a draft agenda the meeting to copy
    from and the postponed items offered."""
    links = postponements(items, user)
    for item in items:
        item.postponement = links.get(item.pk)  # type: ignore[attr-defined]
    if not can_edit or meeting.status != Meeting.Status.DRAFT:
        return {"routine": None}
    return {
        "routine": {
            "previous": previous_meeting(meeting),
            "postponed": postponed_items_offered(meeting, user),
        }
    }
