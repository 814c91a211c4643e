"""The exchange format "referat/1": one meeting as JSON, for the API, exports and imports.

    {"format": "referat/1", "meetings": [{"body", "starts_at", "location", "participants",
     "status", "items": [{"number", "title", "case_number", "closed", "background",
     "recommendation", "decision": {"text", "outcome", "decided_on"}, "presentation",
     "economy", "attachments": [{"title"}]}]}]}

This module is the only place that turns a meeting into that shape. It honours the one
visibility rule: a closed item whose content the reader may not see is reduced to its number,
the title "Lukket", its case number and closed=true — nothing else of it is in the output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Q, QuerySet, Value
from django.utils import timezone
from django.utils.html import escape

from meetings.models import AgendaItem, Meeting, meeting_items_for_display

if TYPE_CHECKING:
    from meetings.models import AnyUser

FORMAT = "referat/1"
CLOSED_TITLE = "Lukket"

STATUS_TO_EXCHANGE = {
    Meeting.Status.DRAFT: "draft",
    Meeting.Status.IN_REVIEW: "in_review",
    Meeting.Status.APPROVED: "approved",
    Meeting.Status.PUBLISHED: "published",
}
EXCHANGE_TO_STATUS = {value: key for key, value in STATUS_TO_EXCHANGE.items()}


def _items_for(
    meeting: Meeting, *, user: AnyUser | None, public: bool
) -> QuerySet[AgendaItem, AgendaItem]:
    if user is not None and not public:
        return meeting_items_for_display(meeting, user)
    # public: what anyone outside the body may read; no user and not public: the system's own
    # full export (management commands), which sees everything.
    visible = Q(closed=False) if public else Value(True, output_field=BooleanField())
    qs = AgendaItem.objects.filter(meeting=meeting).annotate(content_visible=visible)
    return (
        qs.select_related("case", "recommendation", "decision")
        .prefetch_related("recommendation__clauses", "attachments")
        .order_by("number")
    )


def recommendation_html(item: AgendaItem) -> str:
    """The Indstilling as one piece of HTML: unit and lead-in, the clauses as a list, the note."""
    rec = getattr(item, "recommendation", None)
    if rec is None:
        return ""
    parts = []
    lead = " ".join(
        part for part in (f"<strong>{escape(rec.unit)}</strong>" if rec.unit else "",
                          escape(rec.lead_in)) if part
    )  # fmt: skip
    if lead:
        parts.append(f"<p>{lead}</p>")
    clauses = [clause.text for clause in rec.clauses.all()]
    if clauses:
        tag = "ol" if rec.numbered else "ul"
        parts.append(f"<{tag}>" + "".join(f"<li>{escape(t)}</li>" for t in clauses) + f"</{tag}>")
    if rec.note:
        parts.append(rec.note)
    return "".join(parts)


def item_to_exchange(item: AgendaItem, *, content_visible: bool = True) -> dict[str, Any]:
    """One item in the exchange format (with its id and version as extra keys)."""
    case_number = item.case.number if item.case_id else None  # type: ignore[union-attr]
    if not content_visible:
        return {
            "id": item.pk,
            "number": item.number,
            "title": CLOSED_TITLE,
            "case_number": case_number,
            "closed": True,
        }
    rec = getattr(item, "recommendation", None)
    decision = getattr(item, "decision", None)
    return {
        "id": item.pk,
        "version": item.version,
        "number": item.number,
        "title": item.title,
        "case_number": case_number,
        "closed": item.closed,
        "background": item.background,
        "recommendation": recommendation_html(item),
        "recommendation_unit": rec.unit if rec else "",
        "recommendation_lead_in": rec.lead_in if rec else "",
        "recommendation_clauses": [c.text for c in rec.clauses.all()] if rec else [],
        "decision": (
            {
                "text": decision.text,
                "outcome": decision.outcome,
                "decided_on": decision.decided_on.isoformat() if decision.decided_on else None,
            }
            if decision is not None
            else None
        ),
        "presentation": item.presentation,
        "economy": item.economy,
        "attachments": [
            {"id": a.pk, "title": a.title, "content_type": a.content_type, "size": a.size}
            for a in item.attachments.all()
        ],
    }


def meeting_to_exchange(
    meeting: Meeting, *, user: AnyUser | None = None, public: bool = False
) -> dict[str, Any]:
    """One meeting as an exchange-format meeting object, as `user` may see it.

    With `public=True` closed items are reduced to "Lukket" whoever asks (the published
    minutes); with a user, that user's access decides (AgendaItem.objects.listed_for); with
    neither, nothing is withheld — for the system's own exports only. The caller must already
    have checked that the meeting itself is visible (Meeting.objects.visible_to).
    """
    attendances = list(meeting.attendances.all())
    items = _items_for(meeting, user=user, public=public)
    return {
        "id": meeting.pk,
        "body": meeting.body.name,
        "starts_at": timezone.localtime(meeting.starts_at).isoformat(),
        "location": meeting.location,
        "participants": [
            {"name": a.name, "role": a.role, "present": a.present} for a in attendances
        ],
        "status": STATUS_TO_EXCHANGE[Meeting.Status(meeting.status)],
        "items": [
            item_to_exchange(item, content_visible=bool(getattr(item, "content_visible", False)))
            for item in items
        ],
    }


def meetings_document(meetings: list[dict[str, Any]]) -> dict[str, Any]:
    """Wrap meeting objects in the top-level exchange document."""
    return {"format": FORMAT, "meetings": meetings}
