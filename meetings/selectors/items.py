"""Reads of agenda items: the one set of relations a page, a PDF or the exchange format needs
of an item, a meeting's items as a user may read them, and the recommendation as it reads.

Callers that show content start from `AgendaItem.objects.visible_to(user)` / `listed_for(user)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils.html import escape

from meetings.models import AgendaItem, Attachment, Meeting, Recommendation

if TYPE_CHECKING:
    from meetings.models import AnyUser

# What an item's sections need: its case, recommendation with clauses, decision, attachments.
SECTION_RELATIONS = ("case", "recommendation", "decision")
# What the whole item needs besides: its budget tables with their columns, rows and cells.
BUDGET_PREFETCH = ("budget_tables__columns", "budget_tables__rows__cells")


def with_sections(
    items: QuerySet[AgendaItem], *, attachments_for: AnyUser | None = None, public: bool = False
) -> QuerySet[AgendaItem]:
    """The items with what their sections show, fetched in a fixed number of queries.

    Their attachments are all of them (for the body and the administrator's export), those
    `attachments_for` a user may see listed, or with `public` none that is internal."""
    attachments = Attachment.objects.all()
    if attachments_for is not None:
        attachments = attachments.listed_for(attachments_for)
    if public:
        attachments = attachments.filter(internal=False)
    return items.select_related(*SECTION_RELATIONS).prefetch_related(
        "recommendation__clauses", Prefetch("attachments", queryset=attachments)
    )


def with_content(
    items: QuerySet[AgendaItem], *, attachments_for: AnyUser | None = None, public: bool = False
) -> QuerySet[AgendaItem]:
    """The items with everything a page, a PDF or the exchange format prints of them."""
    return with_sections(items, attachments_for=attachments_for, public=public).prefetch_related(
        *BUDGET_PREFETCH
    )


def meeting_items_for_display(meeting: Meeting, user: AnyUser) -> QuerySet[AgendaItem]:
    """A meeting's items as the user may read them, with everything a page needs prefetched."""
    items = AgendaItem.objects.listed_for(user).filter(meeting=meeting)
    return with_content(items.select_related("meeting__body"), attachments_for=user).order_by(
        "number"
    )


def withhold_unpublished_minutes(
    items: Iterable[AgendaItem], user: AnyUser, *, readable: set[int] | None = None
) -> list[AgendaItem]:
    """The items, each marked `minutes_visible`; where the user may read only the agenda (its
    meeting's minutes are not published, and the user is outside the body), the decision is
    taken off the item, so that no template, PDF or export built from it can show a draft:
    `item.decision` then answers as if there were none. Call it on items loaded through
    `listed_for` / `visible_to`, before showing them. `readable`: the ids of the meetings
    whose minutes the user may read, when the caller already knows them."""
    items = list(items)
    if readable is None:
        meeting_ids = {item.meeting_id for item in items}
        readable = set(
            Meeting.objects.minutes_visible_to(user)
            .filter(pk__in=meeting_ids)
            .values_list("pk", flat=True)
        )
    for item in items:
        item.minutes_visible = item.meeting_id in readable  # type: ignore[attr-defined]
        if not item.minutes_visible:  # type: ignore[attr-defined]
            item._state.fields_cache["decision"] = None
    return items


def recommendation_html(rec: Recommendation) -> str:
    """The recommendation as it reads: unit and lead-in, the "at …" clauses, then any note.

    A clause may carry its own bulleted sub-list as lines starting with "- ".
    """
    parts: list[str] = []
    lead = " ".join(p for p in [rec.lead_in] if p) or rec.unit
    if lead:
        parts.append(f"<p>{escape(lead)}</p>")
    clauses = list(rec.clauses.all())
    if clauses:
        tag = "ol" if rec.numbered else "ul"
        rendered = []
        for clause in clauses:
            first, *rest = clause.text.split("\n")
            sub = [line[2:].strip() for line in rest if line.startswith("- ")]
            more = [line for line in rest if not line.startswith("- ") and line.strip()]
            inner = str(escape(" ".join([first, *more])))
            if sub:
                inner += "<ul>" + "".join(f"<li>{escape(s)}</li>" for s in sub) + "</ul>"
            rendered.append(f"<li>{inner}</li>")
        parts.append(f"<{tag}>{''.join(rendered)}</{tag}>")
    if rec.note:
        parts.append(rec.note)
    return "".join(parts)
