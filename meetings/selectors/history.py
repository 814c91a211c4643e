"""Reading the history that django-pghistory's triggers record (see HISTORY_TRACKED_MODELS in
meetings/models.py): who changed what, when, with the value before and after — as much of it
as the reader may read (`meetings.access.history_scope`).

The rows are written by the database for every insert, update and delete — through the app,
the admin, a bulk update or plain SQL. Changes made inside a request or a service carry the
acting user in their context; changes made outside the app have none and say so.

What a reader gets:
- the body's own (members, secretary) and superusers: every recorded change, closed content,
  verdicts and their comments, the reasons for reopening;
- anyone else logged in: the item or meeting as the public could read it — its state at each
  publication, compared with the state published before, and any change made while it stood
  published. A closed item's state is its stub ("Lukket", number and case number); verdicts,
  comments, drafts and reopen reasons are left out;
- the anonymous: nothing.

Readable for people: the way a change came about is said in Danish ("genåbnet",
"importeret"), never as a function's name or a URL; file paths are cut to the file's name;
checksums are left out; an editing session's saves of one thing (the same user, less than
FOLD_GAP apart) are one entry, from the first value before to the last value after.

Callers must have checked that the user may see the item or meeting (visible_to).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.access import CLOSED_TITLE, HistoryScope, history_scope
from meetings.models import (
    HISTORY_UNTRACKED_FIELDS,
    Addendum,
    AddendumApproval,
    AgendaItem,
    Attachment,
    Attendance,
    Ballot,
    Body,
    Case,
    Decision,
    DecisionApproval,
    ItemParticipation,
    Meeting,
    MeetingTransition,
    Membership,
    Recommendation,
    RecommendationClause,
    Remark,
    Vote,
)
from meetings.selectors.review import DiffLine, html_to_lines

if TYPE_CHECKING:
    from meetings.models import AnyUser

# Columns that say nothing to a reader of the history: bookkeeping, checksums, the content
# a verdict was given on (the page shows what changed instead).
HIDDEN_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "version", "content"}
    | {"review_hash", "source_checksum", "text_hash"}
    # The parent each row belongs to: the page is already about it.
    | {"meeting", "item", "decision", "recommendation"}
)
# The review's bookkeeping, which only the body reads.
REVIEW_FIELDS = frozenset({"review_round"})
# What a closed item shows of itself to those who may not read it (see access.closed_item_stub).
STUB_FIELDS = ("number", "title", "case", "closed")
HTML_FIELDS = frozenset({"background", "presentation", "economy", "note", "text", "comment"})
# Stored as paths; a reader gets the file's name.
PATH_FIELDS = frozenset({"file", "imported_from"})

# Saves of one thing by one user closer together than this are one editing session.
FOLD_GAP = dt.timedelta(minutes=10)

# How a change came about, in the reader's words: the service that made it …
VIA_SERVICE = {
    "meeting_submit_for_review": gettext_lazy("sendt til godkendelse"),
    "decision_approve": gettext_lazy("godkendt"),
    "decision_request_changes": gettext_lazy("ændringer ønsket"),
    "meeting_approve": gettext_lazy("godkendt"),
    "meeting_publish": gettext_lazy("offentliggjort"),
    "meeting_reopen": gettext_lazy("genåbnet"),
    "import_job_run": gettext_lazy("importeret"),
}
# … or else the page it was made on (its URL name).
VIA_PAGE = {
    "item_autosave": gettext_lazy("redigeret"),
    "item_edit": gettext_lazy("redigeret"),
    "meeting_edit": gettext_lazy("redigeret"),
    "meeting_create": gettext_lazy("oprettet"),
    "item_add": gettext_lazy("tilføjet"),
    "item_move": gettext_lazy("flyttet"),
    "meeting_reorder": gettext_lazy("flyttet"),
    "item_remove": gettext_lazy("fjernet"),
    "attachment_upload": gettext_lazy("bilag tilføjet"),
    "attachment_remove": gettext_lazy("bilag fjernet"),
    "item_approve": gettext_lazy("godkendt"),
    "item_request_changes": gettext_lazy("ændringer ønsket"),
    "meeting_transition": gettext_lazy("statusskift"),
    "import_page": gettext_lazy("importeret"),
    "import_job_restart": gettext_lazy("importeret"),
}
PUBLISHED_VIA = gettext_lazy("offentliggjort")

# The order in which things changed at the same moment are read.
HISTORY_ORDER: tuple[type[models.Model], ...] = (
    Meeting,
    Attendance,
    MeetingTransition,
    AgendaItem,
    Recommendation,
    RecommendationClause,
    Decision,
    Attachment,
    DecisionApproval,
    ItemParticipation,
    Vote,
    Ballot,
    Remark,
    Addendum,
    AddendumApproval,
)


def _event_model(tracked: type[models.Model]) -> type[models.Model]:
    return apps.get_model("meetings", f"{tracked.__name__}Event")


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
    via: str  # in Danish, e.g. "genåbnet"; empty when unknown
    changes: list[FieldChange]
    # An editing session folded into this entry: when it began, and how many saves it took.
    started_at: dt.datetime | None = None
    updates: int = 1

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
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "updates": self.updates,
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


# --- the recorded events ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    tracked: type[models.Model]
    row: Any
    # What the row is the state of. Rows that are replaced wholesale on each save (clauses,
    # attendance) are the same thing at the same place, whatever their id.
    key: tuple[Any, ...]
    label: str
    at: dt.datetime
    order: tuple[int, int]
    context_id: Any
    user_id: int | None
    via: str
    # Made by a step of the workflow (a service), not by editing: never folded.
    workflow: bool


def _key(tracked: type[models.Model], row: Any) -> tuple[Any, ...]:
    if tracked is RecommendationClause:
        return (tracked.__name__, row.recommendation_id, row.position)
    if tracked is Attendance:
        return (tracked.__name__, row.meeting_id, row.position)
    return (tracked.__name__, row.pgh_obj_id)


class _Via:
    """Names the way of each change in Danish, resolving each URL once."""

    def __init__(self) -> None:
        self._pages: dict[str, str] = {}

    def __call__(self, context: dict[str, Any]) -> str:
        service = context.get("service")
        if service:
            return str(VIA_SERVICE.get(str(service), ""))
        url = context.get("url")
        if not url:
            return ""
        url = str(url)
        if url not in self._pages:
            self._pages[url] = self._page(url)
        return self._pages[url]

    @staticmethod
    def _page(url: str) -> str:
        if url.startswith("/admin/"):
            return _("i administrationen")
        if url.startswith("/api/"):
            return _("via API")
        try:
            name = resolve(url).url_name or ""
        except Resolver404:
            return ""
        return str(VIA_PAGE.get(name, ""))


# Parts of an item's history that a higher app keeps (the budget's tables and allocations):
# each gives its tracked models with their event rows for an item. Registered at start-up;
# shown to the body (the full history) only.
ItemHistoryPart = Callable[[AgendaItem], list[tuple[type[models.Model], list[Any]]]]
_ITEM_PARTS: dict[str, ItemHistoryPart] = {}
_PART_ORDER: dict[str, int] = {}


def register_item_history_part(key: str, part: ItemHistoryPart) -> None:
    """Make `part`'s events a part of every item's history for the body (idempotent by key)."""
    _ITEM_PARTS[key] = part


def _order_of(name: str) -> int:
    for index, tracked in enumerate(HISTORY_ORDER):
        if tracked.__name__ == name:
            return index
    return _PART_ORDER.setdefault(name, len(HISTORY_ORDER) + len(_PART_ORDER))


def _events(tracked: type[models.Model], via: _Via, **filters: Any) -> list[_Event]:
    rows: Any = (
        _event_model(tracked)._default_manager.filter(**filters).select_related("pgh_context")
    )
    return _events_of_rows(tracked, rows, via)


def _events_of_rows(tracked: type[models.Model], rows: Any, via: _Via) -> list[_Event]:
    index = _order_of(tracked.__name__)
    events = []
    for row in rows:
        context = row.pgh_context.metadata if row.pgh_context_id else {}
        user = context.get("user")
        events.append(
            _Event(
                tracked=tracked,
                row=row,
                key=_key(tracked, row),
                label=row.pgh_label,
                at=row.pgh_created_at,
                order=(index, row.pgh_id),
                context_id=row.pgh_context_id,
                user_id=user if isinstance(user, int) else None,
                via=via(context),
                workflow=bool(context.get("service")),
            )
        )
    return events


# --- values as a reader reads them ------------------------------------------------------------


class _Names:
    """Labels of the users, cases and bodies the rows point to, read in one query each."""

    def __init__(self, events: Iterable[_Event]) -> None:
        user_ids: set[int] = set()
        case_ids: set[int] = set()
        body_ids: set[int] = set()
        member_ids: set[int] = set()
        for event in events:
            if event.user_id is not None:
                user_ids.add(event.user_id)
            row = event.row
            for attr in ("reviewer_id", "user_id", "by_id", "created_by_id", "updated_by_id"):
                if getattr(row, attr, None):
                    user_ids.add(getattr(row, attr))
            if getattr(row, "case_id", None):
                case_ids.add(row.case_id)
            if getattr(row, "body_id", None):
                body_ids.add(row.body_id)
            for attr in ("member_id", "substitute_for_id"):
                if getattr(row, attr, None):
                    member_ids.add(getattr(row, attr))
        user_model = get_user_model()
        self.users: dict[int, str] = {
            u.pk: (u.get_full_name() or u.get_username())
            for u in user_model.objects.filter(pk__in=user_ids)
        }
        self.by_model: dict[str, dict[Any, str]] = {
            user_model._meta.label: self.users,
            Case._meta.label: dict(
                Case.objects.filter(pk__in=case_ids).values_list("pk", "number")
            ),
            Body._meta.label: dict(Body.objects.filter(pk__in=body_ids).values_list("pk", "name")),
            Membership._meta.label: {
                m.pk: m.display_name
                for m in Membership.objects.filter(pk__in=member_ids).select_related("user")
            },
        }

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return _("ukendt – ændret uden for Referat")
        return self.users.get(user_id, f"#{user_id}")


def _plain(value: Any, model_field: models.Field, names: _Names) -> str:
    name = model_field.name
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    choices = getattr(model_field, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related: Any = model_field.related_model
        label = names.by_model.get(related._meta.label, {}).get(value)
        return label or f"#{value}"
    if name in HTML_FIELDS:
        return "\n".join(html_to_lines(str(value)))
    if name in PATH_FIELDS:
        return PurePosixPath(str(value)).name
    if name == "size" and isinstance(value, int):
        return str(filesizeformat(value))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y kl. %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _shown_fields(
    tracked: type[models.Model], hidden: frozenset[str] = frozenset()
) -> list[models.Field]:
    untracked = HISTORY_UNTRACKED_FIELDS.get(tracked, [])
    return [
        f
        for f in tracked._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name not in hidden and f.name not in untracked
    ]


@dataclass(frozen=True)
class _Shown:
    """One thing as a reader sees it at one moment: its values in words, in field order."""

    tracked: type[models.Model]
    object_id: int
    values: dict[str, str]


_Renderer = Callable[[type[models.Model], Any], _Shown]


def _renderer(names: _Names, hidden: frozenset[str] = frozenset()) -> _Renderer:
    fields: dict[type[models.Model], list[models.Field]] = {}

    def render(tracked: type[models.Model], row: Any) -> _Shown:
        if tracked not in fields:
            fields[tracked] = _shown_fields(tracked, hidden)
        values = {f.name: _plain(getattr(row, f.attname), f, names) for f in fields[tracked]}
        return _Shown(tracked, row.pgh_obj_id, values)

    return render


def _line_diff(before: str, after: str) -> list[DiffLine]:
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


def _changes(before: _Shown | None, after: _Shown | None) -> list[FieldChange]:
    shown = after or before
    assert shown is not None
    labels = {f.name: str(f.verbose_name) for f in shown.tracked._meta.concrete_fields}
    changes = []
    for name in shown.values:
        old = before.values.get(name, "") if before else ""
        new = after.values.get(name, "") if after else ""
        if old != new:
            changes.append(FieldChange(name, labels[name], old, new, _line_diff(old, new)))
    return changes


# --- steps: one change of one thing -------------------------------------------------------------


@dataclass(frozen=True)
class _Who:
    at: dt.datetime
    user_id: int | None
    via: str
    # An edit (not a step of the workflow), which may fold with the same user's next edit of
    # the same thing.
    foldable: bool = True


@dataclass(frozen=True)
class _Step:
    key: tuple[Any, ...]
    before: _Shown | None
    after: _Shown | None
    first: _Who
    last: _Who
    count: int = 1

    @property
    def action(self) -> str:
        if self.before is None:
            return "insert"
        if self.after is None:
            return "delete"
        return "update"

    def folds_with(self, following: _Step, status_moves: list[dt.datetime]) -> bool:
        """One editing session: the same user's edits of the same thing, less than FOLD_GAP
        apart, with no move of the minutes (sent for review, reopened …) in between."""
        return (
            self.action == "update"
            and following.action == "update"
            and self.last.foldable
            and following.first.foldable
            and self.last.user_id is not None
            and following.first.user_id == self.last.user_id
            and following.first.via == self.last.via
            and following.first.at - self.last.at < FOLD_GAP
            and not any(self.last.at < moved <= following.first.at for moved in status_moves)
        )


def _who(event: _Event) -> _Who:
    return _Who(event.at, event.user_id, event.via, foldable=not event.workflow)


def _recorded_steps(events: list[_Event], render: _Renderer) -> list[_Step]:
    """Every recorded change, each compared with the state before it of the same thing. A
    thing deleted and put back in the same save (clauses, attendance) is one change."""
    by_key: dict[tuple[Any, ...], list[_Event]] = {}
    for event in sorted(events, key=lambda e: (e.at, e.order)):
        by_key.setdefault(event.key, []).append(event)
    steps: list[_Step] = []
    for key, key_events in by_key.items():
        own: list[_Step] = []
        current: _Shown | None = None
        deleted_in: Any = None  # the history context of the delete just before, if any
        for event in key_events:
            shown = render(event.tracked, event.row)
            if event.label == "delete":
                own.append(_Step(key, shown, None, _who(event), _who(event)))
                current, deleted_in = None, event.context_id
                continue
            if (
                event.label == "insert"
                and deleted_in is not None
                and deleted_in == event.context_id
            ):
                own[-1] = replace(own[-1], after=shown, last=_who(event))
            else:
                own.append(_Step(key, current, shown, _who(event), _who(event)))
            current, deleted_in = shown, None
        steps.extend(own)
    return steps


def _status_moves(meeting_events: list[_Event]) -> list[dt.datetime]:
    """When the meeting's status changed."""
    moves, status = [], None
    for event in sorted(meeting_events, key=lambda e: (e.at, e.order)):
        if event.label != "delete" and event.row.status != status:
            if status is not None:
                moves.append(event.at)
            status = event.row.status
    return moves


def _folded(steps: list[_Step], status_moves: list[dt.datetime]) -> list[_Step]:
    """Drop changes nobody can see, and fold each editing session into one change."""
    by_key: dict[tuple[Any, ...], list[_Step]] = {}
    for step in steps:
        if step.action == "update" and not _changes(step.before, step.after):
            continue
        by_key.setdefault(step.key, []).append(step)
    result: list[_Step] = []
    for key_steps in by_key.values():
        merged: list[_Step] = []
        for step in key_steps:
            if merged and merged[-1].folds_with(step, status_moves):
                head = merged[-1]
                merged[-1] = replace(
                    head, after=step.after, last=step.last, count=head.count + step.count
                )
            else:
                merged.append(step)
        result.extend(s for s in merged if s.action != "update" or _changes(s.before, s.after))
    return result


def _entries(steps: list[_Step], names: _Names, meeting_events: list[_Event]) -> list[HistoryEntry]:
    entries = []
    for step in _folded(steps, _status_moves(meeting_events)):
        shown = step.after or step.before
        assert shown is not None
        entries.append(
            HistoryEntry(
                at=step.last.at,
                kind=shown.tracked.__name__,
                kind_label=str(shown.tracked._meta.verbose_name).capitalize(),
                object_id=shown.object_id,
                action=step.action,
                user_id=step.last.user_id,
                user_name=names.user(step.last.user_id),
                via=step.last.via,
                changes=_changes(step.before, step.after),
                started_at=step.first.at if step.count > 1 else None,
                updates=step.count,
            )
        )
    # Newest first; of things changed at the same moment, the item (or meeting) before its parts.
    entries.sort(key=lambda e: _order_of(e.kind))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# --- what the public could read -------------------------------------------------------------


@dataclass(frozen=True)
class _Publication:
    start: dt.datetime
    end: dt.datetime | None
    publisher: _Who


def _publications(meeting_events: list[_Event]) -> list[_Publication]:
    """The spans of time in which the meeting stood published, from its recorded statuses."""
    spans: list[_Publication] = []
    start: _Event | None = None
    for event in sorted(meeting_events, key=lambda e: (e.at, e.order)):
        published = event.label != "delete" and event.row.status == Meeting.Status.PUBLISHED
        if published and start is None:
            start = event
        elif not published and start is not None:
            spans.append(_Publication(start.at, event.at, _publisher(start)))
            start = None
    if start is not None:
        spans.append(_Publication(start.at, None, _publisher(start)))
    return spans


def _publisher(event: _Event) -> _Who:
    return _Who(event.at, event.user_id, str(PUBLISHED_VIA), foldable=False)


_PublicView = Callable[[dict[tuple[Any, ...], _Event]], dict[tuple[Any, ...], _Shown]]


def _public_steps(
    events: list[_Event], publications: list[_Publication], public_view: _PublicView
) -> list[_Step]:
    """The changes the public could see: the state at each publication compared with the
    state published before it, and each save made while the minutes stood published. What
    was changed between publications is seen only as its result; nothing that was never
    published is seen at all."""
    timeline = sorted(events, key=lambda e: (e.at, e.order))
    state: dict[tuple[Any, ...], _Event] = {}
    shown: dict[tuple[Any, ...], _Shown] = {}
    steps: list[_Step] = []
    position = 0

    def apply(event: _Event) -> None:
        if event.label == "delete":
            state.pop(event.key, None)
        else:
            state[event.key] = event

    def checkpoint(who: _Who) -> None:
        nonlocal shown
        now = public_view(state)
        for key in [*shown, *(k for k in now if k not in shown)]:
            before, after = shown.get(key), now.get(key)
            if before is None or after is None or before.values != after.values:
                steps.append(_Step(key, before, after, who, who))
        shown = now

    for publication in publications:
        while position < len(timeline) and timeline[position].at <= publication.start:
            apply(timeline[position])
            position += 1
        checkpoint(publication.publisher)
        while position < len(timeline) and (
            publication.end is None or timeline[position].at < publication.end
        ):
            # One save while published: the events of one history context, or a lone change.
            first = timeline[position]
            apply(first)
            position += 1
            while (
                first.context_id is not None
                and position < len(timeline)
                and timeline[position].context_id == first.context_id
                and (publication.end is None or timeline[position].at < publication.end)
            ):
                apply(timeline[position])
                position += 1
            checkpoint(_who(timeline[position - 1]))
    return steps


def _item_public_view(item: AgendaItem, render: _Renderer) -> _PublicView:
    """The item's parts as the public read them: all of an open item, a closed item's stub."""
    head_key = (AgendaItem.__name__, item.pk)

    def view(state: dict[tuple[Any, ...], _Event]) -> dict[tuple[Any, ...], _Shown]:
        head = state.get(head_key)
        if head is None:
            return {}
        if head.row.closed:
            full = render(AgendaItem, head.row)
            values = {name: full.values.get(name, "") for name in STUB_FIELDS}
            values["title"] = CLOSED_TITLE
            return {head_key: _Shown(AgendaItem, item.pk, values)}
        return {key: render(event.tracked, event.row) for key, event in state.items()}

    return view


def _meeting_public_view(render: _Renderer) -> _PublicView:
    def view(state: dict[tuple[Any, ...], _Event]) -> dict[tuple[Any, ...], _Shown]:
        return {key: render(event.tracked, event.row) for key, event in state.items()}

    return view


# --- the histories --------------------------------------------------------------------------


def item_history(item: AgendaItem, *, user: AnyUser) -> list[HistoryEntry]:
    """The recorded changes of the item, its recommendation and clauses, decision,
    attachments and (for the body) approvals and registered parts (its money), newest first,
    as `user` may read them (`history_scope`). Rows of since-deleted parts are included."""
    scope = history_scope(user, item.meeting)
    if scope is HistoryScope.NONE:
        return []
    via = _Via()
    decisions = _events(Decision, via, item_id=item.pk)
    recommendations = _events(Recommendation, via, item_id=item.pk)
    events = [
        *_events(AgendaItem, via, pgh_obj_id=item.pk),
        *recommendations,
        *_events(
            RecommendationClause,
            via,
            recommendation_id__in={e.row.pgh_obj_id for e in recommendations},
        ),
        *decisions,
        *_events(Attachment, via, item_id=item.pk),
    ]
    meeting_events = _events(Meeting, via, pgh_obj_id=item.meeting_id)
    if scope is HistoryScope.FULL:
        decision_ids = {e.row.pgh_obj_id for e in decisions}
        events += _events(DecisionApproval, via, decision_id__in=decision_ids)
        # The item's protocol: who did not take part, votes and ballots, remarks, additions.
        votes = _events(Vote, via, item_id=item.pk)
        addenda = _events(Addendum, via, item_id=item.pk)
        events += [
            *_events(ItemParticipation, via, item_id=item.pk),
            *votes,
            *_events(Ballot, via, vote_id__in={e.row.pgh_obj_id for e in votes}),
            *_events(Remark, via, item_id=item.pk),
            *addenda,
            *_events(AddendumApproval, via, addendum_id__in={e.row.pgh_obj_id for e in addenda}),
        ]
        for part in _ITEM_PARTS.values():
            for tracked, rows in part(item):
                events += _events_of_rows(tracked, rows, via)
        names = _Names(events)
        return _entries(_recorded_steps(events, _renderer(names)), names, meeting_events)
    names = _Names([*events, *meeting_events])
    render = _renderer(names, hidden=REVIEW_FIELDS)
    steps = _public_steps(events, _publications(meeting_events), _item_public_view(item, render))
    return _entries(steps, names, meeting_events)


def meeting_history(meeting: Meeting, *, user: AnyUser) -> list[HistoryEntry]:
    """The recorded changes of the meeting itself, its attendance and its status moves, newest
    first, as `user` may read them (`history_scope`): outside the body, the meeting as it
    was published and its status moves without the reasons given for reopening (free text
    that may be about a closed item)."""
    scope = history_scope(user, meeting)
    if scope is HistoryScope.NONE:
        return []
    via = _Via()
    parts = [
        *_events(Meeting, via, pgh_obj_id=meeting.pk),
        *_events(Attendance, via, meeting_id=meeting.pk),
    ]
    transitions = _events(MeetingTransition, via, meeting_id=meeting.pk)
    names = _Names([*parts, *transitions])
    meeting_events = [e for e in parts if e.tracked is Meeting]
    if scope is HistoryScope.FULL:
        render = _renderer(names)
        return _entries(_recorded_steps([*parts, *transitions], render), names, meeting_events)
    render = _renderer(names, hidden=frozenset({"reason"}))
    steps = [
        *_public_steps(parts, _publications(meeting_events), _meeting_public_view(render)),
        *_recorded_steps(transitions, render),
    ]
    return _entries(steps, names, meeting_events)
