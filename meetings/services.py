"""State changes of meetings, items and cases. Views, commands and tasks call these; they
never change state themselves (CONVENTIONS.md).

Every drafting function takes the acting user as `actor`, checks that the actor may draft for
the meeting's body (`bodies_editable_by`), and that the meeting still takes edits
(`_ensure_editable`). Field errors are raised as django ValidationError with a dict of Danish
messages, so a form or the API can put each message next to its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.files import sniff_attachment_type
from meetings.locks import ensure_item_editable, locked_edits_refused
from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Case,
    Decision,
    ItemPresence,
    Meeting,
    Recommendation,
    RecommendationClause,
    bodies_editable_by,
)
from meetings.sanitize import sanitize_html
from meetings.text_extraction import extract_text
from meetings.validators import normalise_case_number

if TYPE_CHECKING:
    from meetings.models import AnyUser as Actor


class DomainError(Exception):
    """A move the domain does not allow; its message is Danish and meant for the user."""


class MeetingLocked(DomainError):
    """The meeting is approved or published: its items no longer take edits."""


class DecisionLocked(MeetingLocked):
    """The item's decision is approved by every reviewer and locked (meetings/workflow.py);
    only a reopen of the minutes unlocks it. See meetings/locks.py."""


class StaleVersion(DomainError):
    """The item was saved by someone else since the editor loaded it. `current` is the item
    as it is now, so the user can see both texts and merge."""

    def __init__(self, message: str, *, current: AgendaItem) -> None:
        super().__init__(message)
        self.current = current


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
"""Marks a keyword of `item_update` that was not given: that part of the item is left alone."""

# Under review the items still take edits, except those whose decision every reviewer has
# approved (meetings/locks.py); reopened minutes take edits again.
EDITABLE_STATUSES = (Meeting.Status.DRAFT, Meeting.Status.IN_REVIEW, Meeting.Status.REOPENED)


@dataclass(frozen=True)
class AttendeeInput:
    """One line of Mødedeltagere: a member (user_id) or a guest by name; present=False is
    afbud."""

    name: str
    role: str = ""
    present: bool = True
    user_id: int | None = None


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
    """Beslutning: sanitised HTML text and an outcome (stored value or Danish label)."""

    text: str = ""
    outcome: str = ""
    decided_on: dt.date | None = None


# --- Who may act --------------------------------------------------------------------------


def can_edit_body(user: Actor, body: Body) -> bool:
    return bodies_editable_by(user).filter(pk=body.pk).exists()


def _require_editor(actor: Actor, body: Body) -> None:
    if not can_edit_body(actor, body):
        raise PermissionDenied(
            _("Kun sekretæren for %(body)s kan oprette og redigere møder og punkter.")
            % {"body": body.name}
        )


def _ensure_editable(meeting: Meeting) -> None:
    """The one place that decides whether a meeting's agenda and texts still take edits."""
    if meeting.status not in EDITABLE_STATUSES:
        raise MeetingLocked(
            _(
                "Mødet er %(status)s, så punkterne kan ikke længere redigeres. "
                "Et godkendt referat skal genåbnes, før det kan ændres."
            )
            % {"status": meeting.get_status_display().lower()}
        )


def _lock_meeting(meeting_id: int) -> Meeting:
    """Lock the meeting row: agenda changes (numbers) of one meeting happen one at a time."""
    return Meeting.objects.select_for_update().select_related("body").get(pk=meeting_id)


# --- Cases -----------------------------------------------------------------------------------


def case_get_or_create(*, number: str, title: str = "") -> Case:
    """Return the case with this number, creating it when the number is new and valid.

    Raises django.core.exceptions.ValidationError (Danish message) on a malformed number.
    A title is only filled in when the case has none, so an old title is never overwritten
    by an item's title.
    """
    normal = normalise_case_number(number)
    case, created = Case.objects.get_or_create(number=normal, defaults={"title": title[:500]})
    if not created and title and not case.title:
        case.title = title[:500]
        case.save(update_fields=["title"])
    return case


def _case_for(number: str | None, title: str) -> Case | None:
    if not number or not number.strip():
        return None
    try:
        return case_get_or_create(number=number, title=title)
    except ValidationError as exc:
        raise ValidationError({"case_number": exc.messages}) from exc


# --- Meetings --------------------------------------------------------------------------------


# The years a meeting date may have: legacy minutes go back decades, none before 1900.
MEETING_YEARS = (1900, 2100)


def _clean_meeting_fields(*, starts_at: dt.datetime | None, location: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Angiv mødedato og tidspunkt.")]
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        # A typo such as year 1 or 9999 would be stored, and year 1 in Copenhagen is before
        # year 1 in UTC, which PostgreSQL stores but no page can read back.
        if not MEETING_YEARS[0] <= starts_at.year <= MEETING_YEARS[1]:
            errors["starts_at"] = [
                _("Mødedatoen skal ligge mellem år %(first)s og %(last)s.")
                % {"first": MEETING_YEARS[0], "last": MEETING_YEARS[1]}
            ]
    if len(location) > 200:
        errors["location"] = [_("Mødestedet må højst være 200 tegn.")]
    if errors:
        raise ValidationError(errors)
    return {"starts_at": starts_at, "location": location.strip()}


def _duplicate_meeting_error(body: Body, starts_at: dt.datetime) -> ValidationError:
    return ValidationError(
        {
            "starts_at": [
                _("%(body)s har allerede et møde %(when)s.")
                % {
                    "body": body.name,
                    "when": timezone.localtime(starts_at).strftime("%d-%m-%Y kl. %H:%M"),
                }
            ]
        }
    )


def _attendances_replace(meeting: Meeting, attendees: Sequence[AttendeeInput]) -> None:
    rows = []
    for position, person in enumerate(attendees, start=1):
        name = person.name.strip()
        if not name:
            continue
        rows.append(
            Attendance(
                meeting=meeting,
                name=name[:200],
                role=person.role.strip()[:50],
                present=person.present,
                user_id=person.user_id,
                position=position,
            )
        )
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(rows)


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    body: Body,
    starts_at: dt.datetime | None,
    location: str = "",
    attendees: Sequence[AttendeeInput] = (),
) -> Meeting:
    """Create a draft meeting (kladde) of the body. Only the body's secretary or a superuser.

    Raises ValidationError (field dict) when the date is missing or the body already meets
    at that time; nothing is created then.
    """
    _require_editor(actor, body)
    fields = _clean_meeting_fields(starts_at=starts_at, location=location)
    if Meeting.objects.filter(body=body, starts_at=fields["starts_at"]).exists():
        raise _duplicate_meeting_error(body, fields["starts_at"])
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                body=body,
                status=Meeting.Status.DRAFT,
                created_by=actor if actor.is_authenticated else None,
                **fields,
            )
    except IntegrityError as exc:  # two secretaries at the same minute
        raise _duplicate_meeting_error(body, fields["starts_at"]) from exc
    _attendances_replace(meeting, attendees)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    starts_at: dt.datetime | None,
    location: str = "",
    attendees: Sequence[AttendeeInput] | None = None,
) -> Meeting:
    """Change a meeting's date, place and participants while it takes edits."""
    meeting = _lock_meeting(meeting.pk)
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
    fields = _clean_meeting_fields(starts_at=starts_at, location=location)
    clash = Meeting.objects.filter(body=meeting.body, starts_at=fields["starts_at"])
    if clash.exclude(pk=meeting.pk).exists():
        raise _duplicate_meeting_error(meeting.body, fields["starts_at"])
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now(), **fields)
    if attendees is not None:
        _attendances_replace(meeting, attendees)
    meeting.refresh_from_db()
    return meeting


# --- Items -----------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Punktet skal have en titel.")]})
    if len(title) > 500:
        raise ValidationError({"title": [_("Titlen må højst være 500 tegn.")]})
    return title


def _clean_outcome(outcome: str) -> str:
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
    Decision.objects.update_or_create(
        item_id=item_id,
        defaults={
            "text": sanitize_html(decision.text),
            "outcome": _clean_outcome(decision.outcome),
            "decided_on": decision.decided_on or timezone.localdate(meeting.starts_at),
        },
    )


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
    meeting = _lock_meeting(meeting.pk)
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
    title = _clean_title(title)
    if decision is not None:
        _clean_outcome(decision.outcome)
    # A closed item's title must not become the case's (public) title.
    case = _case_for(case_number, "" if closed else title)
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
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
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
        closed_now = row.get("closed", item.closed)
        row["case"] = _case_for(case_number, "" if closed_now else row.get("title", item.title))

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
        raise DomainError(_("Rækkefølgen skal indeholde præcis mødets punkter."))
    for number, item_id in enumerate(ordered_ids, start=1):
        AgendaItem.objects.filter(pk=item_id).exclude(number=number).update(number=number)


@transaction.atomic
def item_reorder(*, actor: Actor, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Put the agenda in the given order (drag and drop); numbers follow."""
    meeting = _lock_meeting(meeting.pk)
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
    item_renumber(meeting=meeting, ordered_ids=ordered_ids)


@transaction.atomic
def item_move(*, actor: Actor, item: AgendaItem, position: int) -> None:
    """Move an item to a position (1-based, clamped to the agenda); the others follow."""
    meeting = _lock_meeting(item.meeting_id)
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
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
    meeting = _lock_meeting(item.meeting_id)
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
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


@locked_edits_refused()
@transaction.atomic
def attachment_add(
    *, actor: Actor, item: AgendaItem, upload: UploadedFile, title: str = ""
) -> Attachment:
    """Attach a file (PDF, Word, Excel or an image) to an item.

    The type is read from the file's own bytes, not from the browser's claim, and the size
    is checked against settings.ATTACHMENT_MAX_BYTES. Raises ValidationError({"file": …}).
    """
    meeting = _lock_meeting(item.meeting_id)
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
    ensure_item_editable(item)
    limit = settings.ATTACHMENT_MAX_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    _("Filen fylder %(size)s; bilag må højst fylde %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
                ]
            }
        )
    if size == 0:
        raise ValidationError({"file": [_("Filen er tom.")]})
    content_type = sniff_attachment_type(upload)
    if content_type is None:
        raise ValidationError(
            {
                "file": [
                    _(
                        "“%(name)s” er ikke en PDF-, Word-, Excel- eller billedfil. "
                        "Kun de typer kan vedhæftes."
                    )
                    % {"name": upload.name}
                ]
            }
        )
    title = (title or "").strip() or _title_from_filename(upload.name or "")
    last = Attachment.objects.filter(item=item).aggregate(last=Max("position"))["last"]
    attachment = Attachment(
        item=item,
        title=title[:500],
        content_type=content_type,
        size=size,
        position=(last or 0) + 1,
    )
    attachment.file.save(_safe_filename(upload.name or "bilag"), upload, save=False)
    attachment.save()
    attachment_schedule_text_extraction(attachment=attachment)
    return attachment


@locked_edits_refused()
@transaction.atomic
def attachment_remove(*, actor: Actor, attachment: Attachment) -> None:
    """Remove an attachment and, once committed, its file."""
    meeting = _lock_meeting(attachment.item.meeting_id)
    _require_editor(actor, meeting.body)
    _ensure_editable(meeting)
    ensure_item_editable(attachment.item_id)
    name = attachment.file.name if attachment.file else ""
    storage = attachment.file.storage
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _title_from_filename(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("_", " ").strip() or _("Bilag")


def _safe_filename(name: str) -> str:
    from django.utils.text import get_valid_filename

    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        return get_valid_filename(base)[:150]
    except Exception:  # a name of only dots or slashes
        return "bilag"


# --- Presence --------------------------------------------------------------------------------


def presence_touch(*, user: Actor, item: AgendaItem) -> None:
    """Record that the user has the item open now (a heartbeat; last write wins)."""
    if not user.is_authenticated or user.pk is None:
        return
    # One upsert: a heartbeat every few seconds from every open editor must stay cheap.
    ItemPresence.objects.bulk_create(
        [ItemPresence(item=item, user_id=user.pk, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["item", "user"],
        update_fields=["seen_at"],
    )


def presence_others(*, user: Actor, item: AgendaItem) -> list[str]:
    """Names of the other users whose editor of this item sent a heartbeat lately."""
    since = timezone.now() - dt.timedelta(seconds=settings.PRESENCE_TTL_SECONDS)
    rows = ItemPresence.objects.filter(item=item, seen_at__gte=since)
    if user.pk is not None:
        rows = rows.exclude(user_id=user.pk)
    rows = rows.select_related("user").order_by("user__first_name", "user__username")
    return [row.user.get_full_name() or row.user.get_username() for row in rows]


# --- Text of attachments, for search ---------------------------------------------------------


def attachment_extract_text(*, attachment_id: int) -> bool:
    """Read the text of an attachment's file into `extracted_text`, so that search finds it.

    Idempotent: running it twice stores the same text. Returns False when the attachment is
    gone or has no file. The search index follows in the same transaction (database trigger).
    """
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file:
        return False
    with attachment.file.open("rb") as handle:
        text = extract_text(handle, content_type=attachment.content_type, name=attachment.file.name)
    Attachment.objects.filter(pk=attachment.pk).update(extracted_text=text)
    return True


def attachment_schedule_text_extraction(*, attachment: Attachment) -> None:
    """Make an uploaded or imported attachment's text searchable: a small file at once, a
    large one (over settings.ATTACHMENT_INLINE_EXTRACT_BYTES) by a Celery task after commit,
    so that a request never waits for a long PDF."""
    if not attachment.file:
        return
    size = attachment.size or attachment.file.size
    if size <= settings.ATTACHMENT_INLINE_EXTRACT_BYTES:
        attachment_extract_text(attachment_id=attachment.pk)
        return
    from meetings.tasks import extract_attachment_text

    attachment_id = attachment.pk
    transaction.on_commit(lambda: extract_attachment_text.delay(attachment_id))
