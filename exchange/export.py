"""The exchange format referat/1 (docs/exchange-format.md): a meeting as a JSON-ready dict.

Every path that hands a meeting's content out as data (the export command, the API) builds it
here, from `AgendaItem.objects.listed_for(user)`, so a closed item the reader may not see is
reduced to its number, "Lukket" and its case number on every one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from exchange.allocations import allocations_to_exchange
from exchange.budget_tables import tables_to_exchange
from exchange.schema import FORMAT, STATUS_FROM_MODEL
from meetings.access import closed_item_stub, public_meetings
from meetings.models import AgendaItem, Meeting
from meetings.selectors.items import recommendation_html, with_content

if TYPE_CHECKING:
    from meetings.models import AnyUser


def item_to_exchange(item: AgendaItem, *, include_ids: bool = False) -> dict[str, Any]:
    """One item with all its content. The caller has checked the reader may see it."""
    data: dict[str, Any] = {}
    if include_ids:
        data.update(id=item.pk, version=item.version)
    data.update(
        number=item.number,
        title=item.title,
        case_number=item.case.number if item.case else None,
        closed=item.closed,
        background=item.background,
        recommendation="",
        decision=None,
        presentation=item.presentation,
        economy=item.economy,
        attachments=[{"title": a.title} for a in item.attachments.all()],
    )
    budget_tables = tables_to_exchange(item)
    if budget_tables:
        data["budget_tables"] = budget_tables
    allocations = allocations_to_exchange(item)
    if allocations:
        data["allocations"] = allocations
    rec = getattr(item, "recommendation", None)
    if rec is not None:
        data["recommendation"] = recommendation_html(rec)
        data["recommendation_unit"] = rec.unit
        data["recommendation_lead_in"] = rec.lead_in
        data["recommendation_clauses"] = [c.text for c in rec.clauses.all()]
        data["recommendation_numbered"] = rec.numbered
        data["recommendation_note"] = rec.note
    decision = getattr(item, "decision", None)
    if decision is not None:
        data["decision"] = {
            "text": decision.text,
            "outcome": decision.get_outcome_display() if decision.outcome else "",
            "decided_on": decision.decided_on.isoformat() if decision.decided_on else None,
        }
    return data


def _items_for(meeting: Meeting, user: AnyUser | None) -> QuerySet[AgendaItem]:
    base = AgendaItem.objects.filter(meeting=meeting)
    if user is not None:
        base = AgendaItem.objects.listed_for(user).filter(meeting=meeting)
    return with_content(base).prefetch_related("allocations__pool").order_by("number")


def meeting_to_exchange(
    meeting: Meeting,
    *,
    user: AnyUser | None = None,
    public: bool = False,
    include_ids: bool = False,
) -> dict[str, Any]:
    """One meeting in the exchange format.

    With `user`, closed items are reduced for a reader who may not see them; with
    `public=True` every closed item is reduced, whoever asks. Without either (the
    administrator's full export) everything is included.
    """
    data: dict[str, Any] = {}
    if include_ids:
        data["id"] = meeting.pk
    data.update(
        body=meeting.body.name,
        starts_at=timezone.localtime(meeting.starts_at).isoformat(),
        location=meeting.location,
        participants=[
            {"name": a.name, "role": a.role, "present": a.present}
            for a in meeting.attendances.all()
        ],
        status=STATUS_FROM_MODEL[Meeting.Status(meeting.status)],
    )
    if meeting.imported_from and meeting.source_checksum:
        data["source"] = {"name": meeting.imported_from, "checksum": meeting.source_checksum}
    items = []
    for item in _items_for(meeting, user):
        hidden = (item.closed and public) or not getattr(item, "content_visible", True)
        items.append(
            closed_item_stub(item) if hidden else item_to_exchange(item, include_ids=include_ids)
        )
    data["items"] = items
    return data


def meetings_to_exchange(
    meetings: QuerySet[Meeting], *, user: AnyUser | None = None, public: bool = False
) -> dict[str, Any]:
    """The meetings in the exchange format. `public=True` keeps only published meetings and
    reduces every closed item: what anyone may have."""
    if public:
        meetings = public_meetings(meetings)
    return {
        "format": FORMAT,
        "meetings": [
            meeting_to_exchange(m, user=user, public=public)
            for m in meetings.select_related("body")
            .prefetch_related("attendances")
            .order_by("starts_at", "body__name")
        ],
    }
