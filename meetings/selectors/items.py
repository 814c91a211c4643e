"""Reads of agenda items: the one set of relations a page, a PDF or the exchange format needs
of an item, a meeting's items as a user may read them, and the recommendation as it reads.

Callers that show content start from `AgendaItem.objects.visible_to(user)` / `listed_for(user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.html import escape

from meetings.models import AgendaItem, Meeting, Recommendation

if TYPE_CHECKING:
    from meetings.models import AnyUser

# What an item's sections need: its case, recommendation with clauses, decision, attachments.
SECTION_RELATIONS = ("case", "recommendation", "decision")
SECTION_PREFETCH = ("recommendation__clauses", "attachments")
# What the whole item needs besides: its budget tables with their columns, rows and cells.
BUDGET_PREFETCH = ("budget_tables__columns", "budget_tables__rows__cells")


def with_sections(items: QuerySet[AgendaItem]) -> QuerySet[AgendaItem]:
    """The items with what their sections show, fetched in a fixed number of queries."""
    return items.select_related(*SECTION_RELATIONS).prefetch_related(*SECTION_PREFETCH)


def with_content(items: QuerySet[AgendaItem]) -> QuerySet[AgendaItem]:
    """The items with everything a page, a PDF or the exchange format prints of them."""
    return with_sections(items).prefetch_related(*BUDGET_PREFETCH)


def meeting_items_for_display(meeting: Meeting, user: AnyUser) -> QuerySet[AgendaItem]:
    """A meeting's items as the user may read them, with everything a page needs prefetched."""
    items = AgendaItem.objects.listed_for(user).filter(meeting=meeting)
    return with_content(items.select_related("meeting__body")).order_by("number")


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
