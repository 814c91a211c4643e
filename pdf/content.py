"""What a PDF shows: the meeting's items as the asker may see them, turned into plain values.

This is the one place that decides which item content reaches the PDF. It starts from
`AgendaItem.objects.listed_for(user)`; the public variant treats every closed item as hidden
whoever asks, and a hidden item is handed to the template as its number and case number only,
so no template mistake can print what it never receives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from budget.models import BudgetTable
from budget.rendering import section_with_tables
from common.hashing import content_hash as hash_parts
from meetings.models import AgendaItem, Meeting
from meetings.sanitize import sanitize_html
from meetings.selectors.items import meeting_items_for_display, recommendation_html, with_content
from pdf.models import PdfJob

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Raised whenever the template, the stylesheet or the way content is prepared changes in a way
# that alters the output: it is part of every content hash, so old files are not reused.
LAYOUT_VERSION = "3"

# An amount as the minutes write it: 2.812 · -606 · 15.324.179 · 0,460 · 25% · ?
_NUMBER = r"[-−+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*%?|\?"
_NUMERIC_CELL = re.compile(
    rf"<(td|th)((?:\s+(?:colspan|rowspan|scope)=\"[^\"]*\")*)>"
    rf"(\s*(?:<(?:p|strong|b|em|i)>\s*)*(?:{_NUMBER})\s*(?:</(?:p|strong|b|em|i)>\s*)*)</\1>"
)


def rich_text(html: str | None) -> SafeString:
    """Sanitise stored HTML again (the renderer trusts nothing) and mark numeric cells, so
    tables of amounts are right-aligned as in the printed minutes."""
    cleaned = sanitize_html(html)
    return mark_safe(_NUMERIC_CELL.sub(r'<\1\2 class="num">\3</\1>', cleaned))


@dataclass(frozen=True)
class RecommendationView:
    unit: str
    lead_in: str
    numbered: bool
    clauses: list[str]
    note: SafeString
    html: SafeString


@dataclass(frozen=True)
class DecisionView:
    heading: str
    outcome: str
    text: SafeString


@dataclass(frozen=True)
class ItemView:
    """One item as the PDF prints it. `shown` False means "Punkt N: Lukket" and the case number,
    and every content field is empty."""

    number: int
    case_number: str
    shown: bool
    closed: bool = False
    title: str = ""
    background: SafeString = field(default_factory=lambda: SafeString(""))
    recommendation: RecommendationView | None = None
    decision: DecisionView | None = None
    presentation: SafeString = field(default_factory=lambda: SafeString(""))
    economy: SafeString = field(default_factory=lambda: SafeString(""))
    attachments: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"punkt-{self.number}"

    @property
    def heading_title(self) -> str:
        return self.title if self.shown else _("Lukket")


def _items_for(
    meeting: Meeting, variant: str, user: User | AnonymousUser | None
) -> QuerySet[AgendaItem]:
    if user is not None:
        return meeting_items_for_display(meeting, user)
    # No user: the automatic public rendering when minutes are published. Only the public
    # variant can be asked for this way, and it shows no closed item's content to anyone.
    if variant != PdfJob.Variant.PUBLIC:
        raise ValueError("An internal PDF is always rendered for a named user.")
    return with_content(
        AgendaItem.objects.filter(meeting=meeting).annotate(content_visible=Q(closed=False))
    ).order_by("number")


def _item_view(item: AgendaItem, *, meeting: Meeting, document: str, shown: bool) -> ItemView:
    case_number = item.case.number if item.case else ""
    if not shown:
        return ItemView(number=item.number, case_number=case_number, shown=False)
    recommendation = None
    rec = getattr(item, "recommendation", None)
    if rec is not None:
        recommendation = RecommendationView(
            unit=rec.unit,
            lead_in=rec.lead_in,
            numbered=rec.numbered,
            clauses=[clause.text for clause in rec.clauses.all()],
            note=rich_text(rec.note),
            html=rich_text(recommendation_html(rec)),
        )
    decision = None
    dec = getattr(item, "decision", None)
    if dec is not None and document == PdfJob.Document.MINUTES:
        decided_on = dec.decided_on or timezone.localdate(meeting.starts_at)
        text = rich_text(dec.text)
        outcome = dec.get_outcome_display() if dec.outcome else ""
        # The outcome word is printed only when the text does not already open with it.
        plain = re.sub(r"<[^>]+>", "", text).strip().casefold()
        if outcome and plain.startswith(str(outcome).casefold()):
            outcome = ""
        decision = DecisionView(
            heading=_("Beslutning %(body)s den %(date)s")
            % {"body": meeting.body.name, "date": decided_on.strftime("%d-%m-%Y")},
            outcome=str(outcome),
            text=text,
        )
    return ItemView(
        number=item.number,
        case_number=case_number,
        shown=True,
        closed=item.closed,
        title=item.title,
        background=rich_text(item.background),
        recommendation=recommendation,
        decision=decision,
        presentation=section_with_tables(
            item, BudgetTable.Section.PRESENTATION, clean_text=rich_text
        ),
        economy=section_with_tables(item, BudgetTable.Section.ECONOMY, clean_text=rich_text),
        attachments=[attachment.title for attachment in item.attachments.all()],
    )


def build_html(
    *, meeting: Meeting, document: str, variant: str, user: User | AnonymousUser | None
) -> str:
    """The HTML WeasyPrint renders for this meeting, document and variant, as `user` may see it.

    The caller checks that the user may have the variant at all (see services). The output
    depends only on the meeting's content, never on the time or the asker, so that the same
    content always has the same hash.
    """
    with translation.override("da"):
        items = []
        for item in _items_for(meeting, variant, user):
            visible = bool(getattr(item, "content_visible", False))
            shown = visible and not (variant == PdfJob.Variant.PUBLIC and item.closed)
            items.append(_item_view(item, meeting=meeting, document=document, shown=shown))
        starts_at = timezone.localtime(meeting.starts_at)
        kind = _("Referat") if document == PdfJob.Document.MINUTES else _("Dagsorden")
        running = f"{meeting.body.name} d. {starts_at:%d-%m-%Y}"
        attendances = list(meeting.attendances.all())
        context = {
            "meeting": meeting,
            "kind": kind,
            "running": running,
            "title": f"{kind} {running}",
            "document": document,
            "variant": variant,
            "public": variant == PdfJob.Variant.PUBLIC,
            "starts_at_text": capfirst(date_format(starts_at, r"l \d. j. F Y \k\l. H:i")),
            "present": [a for a in attendances if a.present],
            "absent": [a for a in attendances if not a.present],
            "items": items,
            "stylesheet": f"{settings.STATIC_URL}pdf/minutes.css",
            "budget_stylesheet": f"{settings.STATIC_URL}css/budget.css",
        }
        return render_to_string("pdf/minutes.html", context)


def content_hash(*, html: str, document: str, variant: str) -> str:
    """The key a PDF is stored under: everything that decides its bytes."""
    from pdf.render import renderer_fingerprint

    return hash_parts(LAYOUT_VERSION, renderer_fingerprint(), document, variant, html)
