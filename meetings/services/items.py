"""State changes of agenda items as the secretary drafts them: create, edit with a version
check, decisions, numbers and order, removal, and who has an item open.

Every function takes the acting user as `actor`, checks that the actor may draft for the
meeting's body (meetings/access.py) and that the meeting and item still take edits
(meetings/locks.py). Field errors are django ValidationErrors with a dict of Danish messages, so a
form or the API can put each message next to its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.access import require_editor
from meetings.errors import DomainError, InvalidInput, StaleVersion
from meetings.locks import ensure_item_editable, ensure_meeting_editable, locked_edits_refused
from meetings.models import (
    AgendaItem,
    Attachment,
    Decision,
    ItemPresence,
    Meeting,
    Recommendation,
    RecommendationClause,
)
from meetings.sanitize import sanitize_html
from meetings.services._common import Actor, lock_meeting
from meetings.services.cases import case_for_number


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
"""Marks a keyword of `item_update` that was not given: that part of the item is left alone."""


@dataclass(frozen=True)
class RecommendationInput:
    """Indstilling. A field left as None is kept as it is."""

    unit: str | None = None
    lead_in: str | None = None
    clauses: Sequence[str] | None = None
    numbered: bool | None = None
    note: str | None = None


@dataclass(frozen=True)
class DecisionInput:
    """Beslutning: sanitised HTML text and an outcome (stored value or Danish label).

    A field given as None is left as it is stored (empty on a new decision): an edit that
    sends only the text keeps the outcome."""

    text: str | None = ""
    outcome: str | None = ""
    decided_on: dt.date | None = None


# --- Who may act --------------------------------------------------------------------------


# --- Cases -----------------------------------------------------------------------------------


# --- Meetings --------------------------------------------------------------------------------


# --- Items -----------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Punktet skal have en titel.")]})
    if len(title) > 500:
        raise ValidationError({"title": [_("Titlen må højst være 500 tegn.")]})
    return title


def _clean_outcome(outcome: str | None) -> str:
    if not outcome:
        return ""
    value = Decision.outcome_from_label(outcome)
    if not value:
        labels = ", ".join(str(label) for _v, label in Decision.Outcome.choices)
        raise ValidationError(
            {
                "decision": [
                    _("Udfaldet “%(value)s” findes ikke. Vælg et af: %(labels)s.")
                    % {"value": outcome, "labels": labels}
                ]
            }
        )
    return value


def _write_recommendation(item_id: int, rec: RecommendationInput) -> None:
    existing = Recommendation.objects.filter(item_id=item_id).first()
    empty = not any(
        [(rec.unit or "").strip(), (rec.lead_in or "").strip(), (rec.note or "").strip()]
        + [c.strip() for c in rec.clauses or ()]
    )
    if existing is None and empty:
        return  # an untouched Indstilling stays absent, not an empty row
    recommendation = existing or Recommendation.objects.create(item_id=item_id)
    changed = []
    if rec.unit is not None:
        recommendation.unit = rec.unit.strip()[:200]
        changed.append("unit")
    if rec.lead_in is not None:
        recommendation.lead_in = rec.lead_in.strip()
        changed.append("lead_in")
    if rec.numbered is not None:
        recommendation.numbered = rec.numbered
        changed.append("numbered")
    if rec.note is not None:
        recommendation.note = sanitize_html(rec.note)
        changed.append("note")
    if changed:
        recommendation.save(update_fields=changed)
    if rec.clauses is not None:
        texts = [text.strip() for text in rec.clauses if text and text.strip()]
        RecommendationClause.objects.filter(recommendation=recommendation).delete()
        RecommendationClause.objects.bulk_create(
            RecommendationClause(recommendation=recommendation, position=position, text=text)
            for position, text in enumerate(texts, start=1)
        )


def _write_decision(item_id: int, meeting: Meeting, decision: DecisionInput | None) -> None:
    if decision is None:
        Decision.objects.filter(item_id=item_id).delete()
        return
    defaults: dict[str, Any] = {
        "decided_on": decision.decided_on or timezone.localdate(meeting.starts_at)
    }
    if decision.text is not None:
        defaults["text"] = sanitize_html(decision.text)
    if decision.outcome is not None:
        defaults["outcome"] = _clean_outcome(decision.outcome)
    Decision.objects.update_or_create(item_id=item_id, defaults=defaults)


@transaction.atomic
def item_create(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    case_number: str | None = "",
    closed: bool = False,
    background: str = "",
    recommendation: RecommendationInput | None = None,
    presentation: str = "",
    economy: str = "",
    decision: DecisionInput | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda. A new valid case number creates the case.

    All or nothing: a bad title, case number or outcome raises ValidationError and nothing
    (not even the case) is saved.
    """
    meeting = lock_meeting(meeting.pk)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    title = _clean_title(title)
    if decision is not None:
        _clean_outcome(decision.outcome)
    case = case_for_number(case_number)
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("number"))["last"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=(last or 0) + 1,
        title=title,
        case=case,
        closed=closed,
        background=sanitize_html(background),
        presentation=sanitize_html(presentation),
        economy=sanitize_html(economy),
        updated_by=actor if actor.is_authenticated else None,
    )
    if recommendation is not None:
        _write_recommendation(item.pk, recommendation)
    if decision is not None:
        _write_decision(item.pk, meeting, decision)
    return item


@locked_edits_refused()
@transaction.atomic
def item_update(
    *,
    actor: Actor,
    item: AgendaItem,
    version: int,
    title: str | _Unset = UNSET,
    case_number: str | _Unset | None = UNSET,
    closed: bool | _Unset = UNSET,
    background: str | _Unset = UNSET,
    recommendation: RecommendationInput | _Unset | None = UNSET,
    presentation: str | _Unset = UNSET,
    economy: str | _Unset = UNSET,
    decision: DecisionInput | _Unset | None = UNSET,
) -> AgendaItem:
    """Save an edit of an item made on top of `version`; returns the item with its new version.

    The version check is a conditional UPDATE (…WHERE version = v): if someone saved in
    between, nothing is written and StaleVersion carries the item as it is now. Raises
    MeetingLocked when the meeting is approved or published, PermissionDenied for anyone but
    the body's secretary or a superuser, ValidationError (field dict) on bad input. Keywords
    left out are not touched. HTML is sanitised here, so no caller can store a script.
    """
    meeting = Meeting.objects.select_related("body").get(pk=item.meeting_id)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    ensure_item_editable(item)

    row: dict[str, Any] = {}
    if not isinstance(title, _Unset):
        row["title"] = _clean_title(title)
    if not isinstance(closed, _Unset):
        row["closed"] = bool(closed)
    for name, html in (
        ("background", background),
        ("presentation", presentation),
        ("economy", economy),
    ):
        if not isinstance(html, _Unset):
            row[name] = sanitize_html(html)
    if isinstance(decision, DecisionInput):
        _clean_outcome(decision.outcome)
    if not isinstance(case_number, _Unset):
        row["case"] = case_for_number(case_number)

    updated = AgendaItem.objects.filter(pk=item.pk, version=version).update(
        **row,
        version=F("version") + 1,
        updated_at=timezone.now(),
        updated_by=actor if actor.is_authenticated else None,
    )
    if updated == 0:
        current = (
            AgendaItem.objects.select_related("case", "recommendation", "decision", "updated_by")
            .prefetch_related("recommendation__clauses")
            .filter(pk=item.pk)
            .first()
        )
        if current is None:
            raise DomainError(_("Punktet er fjernet fra dagsordenen."))
        raise StaleVersion(
            _(
                "Punktet er gemt af en anden, efter du åbnede det. "
                "Din tekst er ikke gemt endnu: sammenlign de to versioner og flet dem."
            ),
            current=current,
        )
    if isinstance(recommendation, RecommendationInput):
        _write_recommendation(item.pk, recommendation)
    elif recommendation is None:
        Recommendation.objects.filter(item_id=item.pk).delete()
    if not isinstance(decision, _Unset):
        _write_decision(item.pk, meeting, decision)
    return AgendaItem.objects.select_related("case", "meeting__body").get(pk=item.pk)


def decision_set(
    *, actor: Actor, item: AgendaItem, version: int, text: str, outcome: str = ""
) -> AgendaItem:
    """Record the body's decision on an item (the same version check as any edit)."""
    return item_update(
        actor=actor, item=item, version=version, decision=DecisionInput(text=text, outcome=outcome)
    )


@transaction.atomic
def item_renumber(*, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Give the meeting's items the numbers 1..n in the given order.

    The ids must be exactly the meeting's items; the unique constraint on (meeting, number)
    is deferred, so the swap is checked at commit. The version is not raised: it guards the
    item's text, and a move must not turn an open editor's next autosave into a conflict.
    """
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    current = set(AgendaItem.objects.filter(meeting=meeting).values_list("pk", flat=True))
    if set(ordered_ids) != current or len(ordered_ids) != len(current):
        raise InvalidInput(_("Rækkefølgen skal indeholde præcis mødets punkter."))
    for number, item_id in enumerate(ordered_ids, start=1):
        AgendaItem.objects.filter(pk=item_id).exclude(number=number).update(number=number)


@transaction.atomic
def item_reorder(*, actor: Actor, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Put the agenda in the given order (drag and drop); numbers follow."""
    meeting = lock_meeting(meeting.pk)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    item_renumber(meeting=meeting, ordered_ids=ordered_ids)


@transaction.atomic
def item_move(*, actor: Actor, item: AgendaItem, position: int) -> None:
    """Move an item to a position (1-based, clamped to the agenda); the others follow."""
    meeting = lock_meeting(item.meeting_id)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    ids = list(
        AgendaItem.objects.filter(meeting=meeting).order_by("number").values_list("pk", flat=True)
    )
    if item.pk not in ids:
        raise DomainError(_("Punktet er fjernet fra dagsordenen."))
    ids.remove(item.pk)
    position = max(1, min(position, len(ids) + 1))
    ids.insert(position - 1, item.pk)
    item_renumber(meeting=meeting, ordered_ids=ids)


@locked_edits_refused()
@transaction.atomic
def item_remove(*, actor: Actor, item: AgendaItem) -> None:
    """Remove an item with its sections and attachments; the items after it move up."""
    meeting = lock_meeting(item.meeting_id)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    ensure_item_editable(item)
    files = [a.file.name for a in Attachment.objects.filter(item=item) if a.file]
    AgendaItem.objects.filter(pk=item.pk).delete()
    remaining = list(
        AgendaItem.objects.filter(meeting=meeting).order_by("number").values_list("pk", flat=True)
    )
    item_renumber(meeting=meeting, ordered_ids=remaining)
    if files:
        storage = Attachment._meta.get_field("file").storage

        def delete_files() -> None:
            for name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)


# --- Attachments -----------------------------------------------------------------------------


# --- Presence --------------------------------------------------------------------------------


def presence_touch(*, actor: Actor, item: AgendaItem) -> None:
    """Record that the actor has the item open now (a heartbeat; last write wins)."""
    if not actor.is_authenticated or actor.pk is None:
        return
    # One upsert: a heartbeat every few seconds from every open editor must stay cheap.
    ItemPresence.objects.bulk_create(
        [ItemPresence(item=item, user_id=actor.pk, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["item", "user"],
        update_fields=["seen_at"],
    )


def presence_others(*, actor: Actor, item: AgendaItem) -> list[str]:
    """Names of the other users whose editor of this item sent a heartbeat lately."""
    since = timezone.now() - dt.timedelta(seconds=settings.PRESENCE_TTL_SECONDS)
    rows = ItemPresence.objects.filter(item=item, seen_at__gte=since)
    if actor.pk is not None:
        rows = rows.exclude(user_id=actor.pk)
    rows = rows.select_related("user").order_by("user__first_name", "user__username")
    return [row.user.get_full_name() or row.user.get_username() for row in rows]


# --- Text of attachments, for search ---------------------------------------------------------
