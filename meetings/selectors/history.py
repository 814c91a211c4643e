"""Reading the history that django-pghistory's triggers record (see HISTORY_TRACKED_MODELS in
meetings/models.py): who changed what, when, with the value before and after.

The rows are written by the database for every insert, update and delete — through the app,
the admin, a bulk update or plain SQL. Changes made inside a request or a service carry the
acting user in their context; changes made outside the app have none and say so.

Callers must have checked that the user may see the item or meeting (visible_to).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    HISTORY_UNTRACKED_FIELDS,
    AgendaItem,
    Body,
    Case,
    Decision,
    DecisionApproval,
    Meeting,
)
from meetings.selectors.review import DiffLine, html_to_lines

# Columns that say nothing to a reader of the history.
HIDDEN_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "version", "content", "review_hash", "source_checksum"}
    # The parent each row belongs to: the page is already about it.
    | {"meeting", "item", "decision", "recommendation"}
)
HTML_FIELDS = frozenset({"background", "presentation", "economy", "note", "text", "comment"})


def _event_model(name: str) -> type[models.Model]:
    return apps.get_model("meetings", f"{name}Event")


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    diff: list[DiffLine] = field(default_factory=list)


@dataclass
class HistoryEntry:
    at: dt.datetime
    kind: str  # the tracked model's name, e.g. "Decision"
    kind_label: str
    object_id: int
    action: str  # "insert", "update", "delete"
    user_id: int | None
    user_name: str
    via: str
    changes: list[FieldChange]

    @property
    def action_label(self) -> str:
        return {
            "insert": _("oprettet"),
            "update": _("ændret"),
            "delete": _("slettet"),
        }.get(self.action, self.action)

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "object": self.kind,
            "object_label": self.kind_label,
            "object_id": self.object_id,
            "action": self.action,
            "by": None if self.user_id is None else {"id": self.user_id, "name": self.user_name},
            "via": self.via,
            "changes": {
                c.name: {"label": c.label, "before": c.before, "after": c.after}
                for c in self.changes
            },
        }


def _plain(value: Any, name: str, tracked: type[models.Model], names: dict[str, dict]) -> str:
    if value is None or value == "":
        return ""
    try:
        model_field = tracked._meta.get_field(name)
    except Exception:  # pragma: no cover - a column the model no longer has
        return str(value)
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    choices = getattr(model_field, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related: Any = model_field.related_model
        label = names.get(related._meta.label, {}).get(value)
        return label or f"#{value}"
    if name in HTML_FIELDS:
        return "\n".join(html_to_lines(str(value)))
    if name == "text_hash":
        return f"{str(value)[:12]}…"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y kl. %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _line_diff(before: str, after: str) -> list[DiffLine]:
    import difflib

    a, b = before.splitlines(), after.splitlines()
    if len(a) + len(b) <= 2:
        return []
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("same", line) for line in a[i1:i2])
        else:
            lines.extend(DiffLine("removed", line) for line in a[i1:i2])
            lines.extend(DiffLine("added", line) for line in b[j1:j2])
    return lines


def _entries(
    events: list[tuple[type[models.Model], list[Any]]],
) -> list[HistoryEntry]:
    """Turn event rows into entries, each compared with the previous event of its object."""
    user_ids: set[int] = set()
    case_ids: set[int] = set()
    body_ids: set[int] = set()
    for _tracked, rows in events:
        for row in rows:
            context = row.pgh_context.metadata if row.pgh_context_id else {}
            if isinstance(context.get("user"), int):
                user_ids.add(context["user"])
            for attr in ("reviewer_id", "user_id", "by_id"):
                if getattr(row, attr, None):
                    user_ids.add(getattr(row, attr))
            if getattr(row, "case_id", None):
                case_ids.add(row.case_id)
            if getattr(row, "body_id", None):
                body_ids.add(row.body_id)
    user_model = get_user_model()
    users = {
        u.pk: (u.get_full_name() or u.get_username())
        for u in user_model.objects.filter(pk__in=user_ids)
    }
    names: dict[str, dict] = {
        user_model._meta.label: users,
        Case._meta.label: dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "number")),
        Body._meta.label: dict(Body.objects.filter(pk__in=body_ids).values_list("pk", "name")),
    }

    entries: list[HistoryEntry] = []
    for tracked, rows in events:
        fields = [
            f
            for f in tracked._meta.concrete_fields
            if f.name not in HIDDEN_FIELDS
            and not f.name.startswith("pgh_")
            and f.name not in HISTORY_UNTRACKED_FIELDS.get(tracked, [])
        ]
        previous: dict[int, Any] = {}
        for row in sorted(rows, key=lambda r: r.pgh_id):
            before_row = previous.get(row.pgh_obj_id)
            changes = []
            for f in fields:
                after_raw = getattr(row, f.attname)
                before_raw = getattr(before_row, f.attname) if before_row is not None else None
                if row.pgh_label == "delete":
                    after_raw, before_raw = None, after_raw
                elif before_row is not None and before_raw == after_raw:
                    continue
                before = _plain(before_raw, f.name, tracked, names)
                after = _plain(after_raw, f.name, tracked, names)
                if before == after:
                    continue
                changes.append(
                    FieldChange(
                        f.name, str(f.verbose_name), before, after, _line_diff(before, after)
                    )
                )
            previous[row.pgh_obj_id] = row
            if row.pgh_label == "update" and not changes:
                continue
            context = row.pgh_context.metadata if row.pgh_context_id else {}
            user_id = context.get("user") if isinstance(context.get("user"), int) else None
            if user_id is not None:
                user_name = users.get(user_id, f"#{user_id}")
            else:
                user_name = _("ukendt – ændret uden for Referat")
            entries.append(
                HistoryEntry(
                    at=row.pgh_created_at,
                    kind=tracked.__name__,
                    kind_label=str(tracked._meta.verbose_name).capitalize(),
                    object_id=row.pgh_obj_id,
                    action=row.pgh_label,
                    user_id=user_id,
                    user_name=user_name,
                    via=str(context.get("service") or context.get("url") or ""),
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: (e.at, e.kind), reverse=True)
    return entries


def _rows(name: str, **filters: Any) -> list[Any]:
    event_model = _event_model(name)
    return list(event_model._default_manager.filter(**filters).select_related("pgh_context"))


# Parts of an item's history that a higher app keeps (the budget's tables and allocations):
# each gives its tracked models with their event rows for an item. Registered at start-up.
ItemHistoryPart = Callable[[AgendaItem], list[tuple[type[models.Model], list[Any]]]]
_ITEM_PARTS: dict[str, ItemHistoryPart] = {}


def register_item_history_part(key: str, part: ItemHistoryPart) -> None:
    """Make `part`'s events a part of every item's history (idempotent by key)."""
    _ITEM_PARTS[key] = part


def item_history(item: AgendaItem) -> list[HistoryEntry]:
    """Every recorded change of the item, its recommendation and clauses, decision,
    attachments and approvals, and the registered parts (its money), newest first. Rows of
    since-deleted parts are included."""
    decisions = _rows("Decision", item_id=item.pk)
    recommendations = _rows("Recommendation", item_id=item.pk)
    decision_ids = {row.pgh_obj_id for row in decisions}
    recommendation_ids = {row.pgh_obj_id for row in recommendations}
    events: list[tuple[type[models.Model], list[Any]]] = [
        (AgendaItem, _rows("AgendaItem", pgh_obj_id=item.pk)),
        (apps.get_model("meetings", "Recommendation"), recommendations),
        (
            apps.get_model("meetings", "RecommendationClause"),
            _rows("RecommendationClause", recommendation_id__in=recommendation_ids),
        ),
        (Decision, decisions),
        (apps.get_model("meetings", "Attachment"), _rows("Attachment", item_id=item.pk)),
        (DecisionApproval, _rows("DecisionApproval", decision_id__in=decision_ids)),
    ]
    for part in _ITEM_PARTS.values():
        events.extend(part(item))
    return _entries(events)


def meeting_history(meeting: Meeting, *, with_reasons: bool = True) -> list[HistoryEntry]:
    """Every recorded change of the meeting itself, its attendance and its status moves.
    Without `with_reasons` the reasons given for reopening are left out (they are for the
    body's members: free text that may be about a closed item)."""
    events: list[tuple[type[models.Model], list[Any]]] = [
        (Meeting, _rows("Meeting", pgh_obj_id=meeting.pk)),
        (apps.get_model("meetings", "Attendance"), _rows("Attendance", meeting_id=meeting.pk)),
        (
            apps.get_model("meetings", "MeetingTransition"),
            _rows("MeetingTransition", meeting_id=meeting.pk),
        ),
    ]
    entries = _entries(events)
    if not with_reasons:
        for entry in entries:
            if entry.kind == "MeetingTransition":
                entry.changes = [c for c in entry.changes if c.name != "reason"]
    return entries
