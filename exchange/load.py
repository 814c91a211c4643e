"""Write meetings given in the exchange format (see docs/exchange-format.md) to the database.

This is the one write path of every import: JSON files are validated against the schema and
written as they are; legacy text and PDF minutes are parsed and turned into the same format
first (exchange/legacy.py). Writes are bulk inserts, so that many meetings import at
well over a thousand items a second, and a meeting is its body and start time: importing the
same minutes again replaces their content instead of adding a second meeting.

An import never makes minutes official by itself: whatever status a file gives, its minutes
come in as a draft (kladde), to go through review like any other. Only an archive import
(`archive_by`, the command's `import_minutes --archive --user …`) brings minutes in
published with their decisions locked, and records who did it with which file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from budget.models import Allocation
from common.bulk import copy_new, reserve_ids
from exchange.allocations import allocations_for_new_items
from exchange.budget_tables import tables_from_exchange_for_new_items as budget_tables_for_new_items
from exchange.protocol import attendance_seats, check_protocol, copy_protocol, seats_for
from exchange.schema import STATUS_TO_MODEL
from meetings.access import bodies_user_may_import
from meetings.errors import ExchangeError
from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Case,
    Decision,
    Meeting,
    Recommendation,
    RecommendationClause,
)
from meetings.sanitize import sanitize_html
from meetings.services.review import ArchivedMinutes, minutes_archive_record
from meetings.validators import normalise_case_number

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Minutes written in these states come with their decisions approved (and so locked): only an
# archive import writes them.
APPROVED_STATUSES = {Meeting.Status.APPROVED, Meeting.Status.PUBLISHED}
# Minutes under review, approved or published are never replaced by an import (which would
# turn them back into a draft and replace their items and attachments): only the same file
# again passes, as a no-op; a correction goes through a reopen.
OFFICIAL_STATUSES = {Meeting.Status.IN_REVIEW, *APPROVED_STATUSES}


@dataclass
class SavedMeeting:
    meeting: Meeting
    created: bool
    items: int
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False
    # The status the file gave the minutes, and whether they came in as an archive.
    claimed_status: str = Meeting.Status.DRAFT
    archived: bool = False
    # A meeting that was there before and whose content another file (or other content)
    # replaced: the file it had been imported from, empty when it was made in Referat.
    replaced_source: str | None = None


def parse_starts_at(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ExchangeError(f"Mødetidspunktet “{raw}” er ikke en gyldig dato og tid.") from exc
    if not 1900 <= value.year <= 2100:
        raise ExchangeError(f"Mødetidspunktet “{raw}” ligger uden for årene 1900–2100.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _parse_date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ExchangeError(f"Datoen “{raw}” findes ikke.") from exc


def body_for_name(name: str) -> Body:
    """The body with this name or slug, created when new."""
    name = name.strip()
    found = (
        Body.objects.filter(name__iexact=name).first()
        or Body.objects.filter(slug=slugify(name)).first()
    )
    if found:
        return found
    # Imports written side by side may bring the same new body: the second waits here until
    # the first has committed (the lock is the transaction's), and then finds it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('referat.body_for_name'))")
    found = (
        Body.objects.filter(name__iexact=name).first()
        or Body.objects.filter(slug=slugify(name)).first()
    )
    if found:
        return found
    slug = slugify(name) or "organ"
    base, n = slug, 2
    while Body.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Body.objects.create(name=name, slug=slug)


def _cases_for(numbers: set[str]) -> dict[str, Case]:
    """Map case numbers to Case rows, creating the new ones in one statement.

    `numbers` are normalised; a new case gets no title (an item's title is content).
    """
    if not numbers:
        return {}
    # New cases are inserted and existing ones left untouched (an update, even a no-op one,
    # would fire the search index's case trigger for every item of the case), then all are
    # read back: two statements however many cases. In order of number, so that two imports
    # bringing the same new cases wait for each other instead of deadlocking.
    Case.objects.bulk_create([Case(number=n) for n in sorted(numbers)], ignore_conflicts=True)
    cases = Case.objects.filter(number__in=list(numbers))
    return {c.number: c for c in cases}


@dataclass
class MeetingEntry:
    """One meeting to write: its exchange-format dict and the file it came from."""

    data: dict[str, Any]
    source_name: str = ""
    checksum: str = ""


@transaction.atomic
def save_exchange_meeting(
    data: dict[str, Any],
    *,
    source_name: str = "",
    checksum: str = "",
    allowed_bodies: set[str] | None = None,
    archive_by: User | None = None,
) -> SavedMeeting:
    """Create or replace one meeting from its exchange-format dict (already schema-valid)."""
    return save_exchange_meetings(
        [MeetingEntry(data, source_name, checksum)],
        allowed_bodies=allowed_bodies,
        archive_by=archive_by,
    )[0]


@transaction.atomic
def save_exchange_meetings(
    entries: list[MeetingEntry],
    *,
    allowed_bodies: set[str] | None = None,
    archive_by: User | None = None,
) -> list[SavedMeeting]:
    """Create or replace meetings from exchange-format dicts (already schema-valid), all in
    one transaction and a fixed number of statements however many meetings there are.

    The minutes come in as drafts (kladde) whatever status the file gives them, so that
    nothing becomes official without its approval; minutes reopened for a correction stay
    genåbnet. With `archive_by` (an archive import) minutes the file calls approved or
    published come in published with their decisions approved and locked, and each such
    meeting gets a transition "Importeret som arkiv" by that user naming the file and its
    SHA-256 (an agenda still in draft in the file stays a draft); the user must be a secretary
    of the meetings' bodies or a superuser.

    Idempotent: a meeting is its body and start time, so importing the same minutes twice
    leaves one meeting; the same source file again (same checksum) changes nothing at all
    (an archive import of the file a draft came from publishes the draft). Minutes under
    review, approved or published, and changed minutes whose decisions are locked, are refused
    until they are reopened. With `allowed_bodies` (names, casefolded) a meeting of any other
    body is refused. On any error nothing is written and ExchangeError (Danish) is raised.
    """
    if archive_by is not None:
        allowed_bodies = _archive_bodies(archive_by, allowed_bodies)
    prepared = [_prepare(entry, allowed_bodies) for entry in entries]
    bodies = {name: body_for_name(name) for name in {p.body_name for p in prepared}}
    keys = [(bodies[p.body_name].pk, p.starts_at) for p in prepared]
    if len(set(keys)) != len(keys):
        raise ExchangeError("Det samme møde optræder to gange i importen.")

    # Locked until commit (in the upsert's order, so imports wait rather than deadlock): a
    # meeting sent for review or approved meanwhile is not turned back into a draft.
    existing = {
        (m.body_id, m.starts_at): m
        for m in Meeting.objects.filter(
            body_id__in={k[0] for k in keys}, starts_at__in={k[1] for k in keys}
        )
        .order_by("body_id", "starts_at")
        .select_for_update()
    }
    locked = set(
        Decision.objects.filter(
            locked=True, item__meeting__in=[m.pk for m in existing.values()]
        ).values_list("item__meeting_id", flat=True)
    )
    results: list[SavedMeeting | None] = [None] * len(prepared)
    to_write: list[tuple[int, _Prepared]] = []
    for index, (p, key) in enumerate(zip(prepared, keys, strict=True)):
        old = existing.get(key)
        same_file = (
            old is not None and bool(old.source_checksum) and old.source_checksum == p.checksum
        )
        if (
            old is not None
            and same_file
            and (archive_by is None or old.status in OFFICIAL_STATUSES)
        ):
            # The very same minutes again: nothing to do, and nothing approved is touched.
            results[index] = SavedMeeting(
                meeting=old,
                created=False,
                items=len(p.data["items"]),
                unchanged=True,
                claimed_status=p.claimed_status,
            )
            continue
        if old is not None and (old.pk in locked or old.status in OFFICIAL_STATUSES):
            local = timezone.localtime(p.starts_at)
            state = (
                "er godkendt og låst"
                if old.pk in locked
                else f"har status “{old.get_status_display()}”"
            )
            raise ExchangeError(
                f"Referatet af {p.body_name} {local:%d-%m-%Y} {state} og kan ikke importeres "
                f"igen med ændringer. Sekretæren skal først genåbne det med en begrundelse."
            )
        p.from_status = old.status if old is not None else Meeting.Status.DRAFT
        if archive_by is not None and p.claimed_status in APPROVED_STATUSES:
            # Official minutes of the archive come in as they were: published.
            p.status = Meeting.Status.PUBLISHED
        elif p.from_status == Meeting.Status.REOPENED:
            p.status = Meeting.Status.REOPENED
        else:
            p.status = Meeting.Status.DRAFT
        to_write.append((index, p))

    # What each meeting whose content is replaced came from, for the report, read before the
    # upsert overwrites it (the file a draft came from, archived, replaces nothing).
    previous = {
        index: old.imported_from
        for index, p in to_write
        if (old := existing.get((bodies[p.body_name].pk, p.starts_at))) is not None
        and not (old.source_checksum and old.source_checksum == p.checksum)
    }
    written = _upsert_meetings([(bodies[p.body_name], p) for _index, p in to_write])
    replaced = [m.pk for m, created in written if not created]
    if replaced:
        AgendaItem.objects.filter(meeting_id__in=replaced).delete()
        Attendance.objects.filter(meeting_id__in=replaced).delete()

    # The body's seats the meetings name (members, participants, the protocol), found by name
    # or created (exchange/protocol.py).
    seats = seats_for(
        [(meeting, p.data) for (meeting, _c), (_i, p) in zip(written, to_write, strict=True)],
        restricted=allowed_bodies is not None,
    )
    copy_new(
        Attendance,
        ["meeting_id", "name", "role", "present", "position",
         "member_id", "substitute_for_id", "user_id"],
        (
            (
                meeting.pk,
                person["name"][:200],
                person.get("role", "")[:50],
                person.get("present", True),
                position,
                *attendance_seats(meeting, person, seats),
            )
            for (meeting, _created), (_index, p) in zip(written, to_write, strict=True)
            for position, person in enumerate(p.data.get("participants", []), start=1)
        ),
    )  # fmt: skip

    new_cases = {
        normalise_case_number(item["case_number"])
        for _index, p in to_write
        for item in p.data["items"]
        if item.get("case_number")
    }
    cases = _cases_for(new_cases)

    pairs: list[tuple[Meeting, dict[str, Any]]] = [
        (meeting, item)
        for (meeting, _created), (_index, p) in zip(written, to_write, strict=True)
        for item in p.data["items"]
    ]
    # Rows go in with COPY, built straight from the exchange data: no model instances, no
    # per-row SQL. The items' ids are taken from their sequence first and the items inserted
    # last, after everything that belongs to them: the database then builds each item's
    # search document once, from complete content, instead of once per table (foreign keys
    # are checked at commit, so the order is free).
    item_ids = reserve_ids(AgendaItem, len(pairs))
    # The pools the items draw on, found (or refused) before anything of the items is written.
    allocations = allocations_for_new_items(
        [
            (item_id, i["number"], meeting.body_id, meeting.body.name, i["allocations"])
            for item_id, (meeting, i) in zip(item_ids, pairs, strict=True)
            if i.get("allocations")
        ]
    )
    recommendations = [
        (item_id, rec)
        for item_id, (_meeting, i) in zip(item_ids, pairs, strict=True)
        if (rec := _recommendation_for(i)) is not None
    ]
    recommendation_ids = reserve_ids(Recommendation, len(recommendations))
    copy_new(
        Recommendation,
        ["id", "item_id", "unit", "lead_in", "numbered", "note"],
        (
            (rec_id, item_id, rec.unit, rec.lead_in, rec.numbered, rec.note)
            for rec_id, (item_id, rec) in zip(recommendation_ids, recommendations, strict=True)
        ),
    )
    copy_new(
        RecommendationClause,
        ["recommendation_id", "position", "text"],
        (
            (rec_id, position, text)
            for rec_id, (_item_id, rec) in zip(recommendation_ids, recommendations, strict=True)
            for position, text in enumerate(rec.clauses, start=1)
        ),
    )
    copy_new(
        Attachment,
        ["item_id", "title", "position", "internal"],
        (
            (item_id, a["title"][:500], position, bool(a.get("internal", False)))
            for item_id, (_meeting, i) in zip(item_ids, pairs, strict=True)
            for position, a in enumerate(i.get("attachments", []), start=1)
        ),
    )
    with_tables = [
        (item_id, i["number"], i["budget_tables"])
        for item_id, (_meeting, i) in zip(item_ids, pairs, strict=True)
        if i.get("budget_tables")
    ]
    budget_tables_for_new_items(with_tables)
    copy_new(
        Allocation,
        ["item_id", "pool_id", "amount", "year", "permanent", "note"],
        ((a.item_id, a.pool_id, a.amount, a.year, a.permanent, a.note) for a in allocations),
    )
    copy_protocol(
        [(item_id, meeting, i) for item_id, (meeting, i) in zip(item_ids, pairs, strict=True)],
        seats,
    )
    # Decisions after the rest of an item's content, money and protocol: a locked decision
    # makes the database refuse new content for its item. The items themselves come last (see
    # above).
    copy_new(
        Decision,
        ["item_id", "text", "outcome", "decided_on", "locked", "public_text"],
        (
            (
                item_id,
                sanitize_html(d.get("text")),
                Decision.outcome_from_label(d.get("outcome") or ""),
                _parse_date(d.get("decided_on")),
                meeting.status in APPROVED_STATUSES,
                (d.get("public_text") or "").strip(),
            )
            for item_id, (meeting, i) in zip(item_ids, pairs, strict=True)
            if (d := i.get("decision"))
        ),
    )
    copy_new(
        AgendaItem,
        [
            "id", "meeting_id", "number", "title", "case_id", "closed",
            "background", "presentation", "economy",
        ],
        (
            (
                item_id,
                meeting.pk,
                i["number"],
                i["title"][:500],
                cases[normalise_case_number(i["case_number"])].pk if i.get("case_number") else None,
                i.get("closed", False),
                sanitize_html(i.get("background")),
                sanitize_html(i.get("presentation")),
                sanitize_html(i.get("economy")),
            )
            for item_id, (meeting, i) in zip(item_ids, pairs, strict=True)
        ),
    )  # fmt: skip

    if archive_by is not None:
        minutes_archive_record(
            actor=archive_by,
            archived=[
                ArchivedMinutes(
                    meeting_id=meeting.pk,
                    from_status=p.from_status,
                    file_name=p.file_name,
                    file_sha256=p.file_sha256,
                )
                for (meeting, _created), (_index, p) in zip(written, to_write, strict=True)
                if p.status == Meeting.Status.PUBLISHED
            ],
        )
    for (meeting, created), (index, p) in zip(written, to_write, strict=True):
        results[index] = SavedMeeting(
            meeting=meeting,
            created=created,
            items=len(p.data["items"]),
            claimed_status=p.claimed_status,
            archived=archive_by is not None and p.status == Meeting.Status.PUBLISHED,
            replaced_source=previous.get(index),
        )
    return [r for r in results if r is not None]


def _archive_bodies(user: User, allowed_bodies: set[str] | None) -> set[str] | None:
    """The bodies an archive import by `user` may write: those the user is secretary of (every
    body for a superuser), within `allowed_bodies`."""
    if not user.is_active:
        raise ExchangeError(
            f"Brugeren {user.get_username()} er deaktiveret og kan ikke importere referater."
        )
    permitted = bodies_user_may_import(user)
    if permitted is None:
        return allowed_bodies
    if not permitted:
        raise ExchangeError(
            f"Brugeren {user.get_username()} er hverken sekretær for et organ eller "
            f"superbruger og kan ikke importere referater som arkiv."
        )
    return permitted if allowed_bodies is None else permitted & allowed_bodies


@dataclass
class _Prepared:
    data: dict[str, Any]
    body_name: str
    starts_at: dt.datetime
    # The status the file gives the minutes; what they are written as is decided by the kind
    # of import and the minutes already there (`status`, `from_status`).
    claimed_status: str
    imported_from: str
    checksum: str
    # The file being imported and its SHA-256, as the archive's transition records them.
    file_name: str
    file_sha256: str
    status: str = Meeting.Status.DRAFT
    from_status: str = Meeting.Status.DRAFT


def _prepare(entry: MeetingEntry, allowed_bodies: set[str] | None) -> _Prepared:
    data = entry.data
    body_name = data["body"].strip()
    if allowed_bodies is not None and body_name.casefold() not in allowed_bodies:
        raise ExchangeError(
            f"Du kan kun importere referater for de organer, du er sekretær for "
            f"(filen er fra {data['body']})."
        )
    numbers = [i["number"] for i in data["items"]]
    if len(set(numbers)) != len(numbers):
        raise ExchangeError("Et punktnummer optræder to gange i samme møde.")
    for i in data["items"]:
        if i.get("decision"):
            _parse_date(i["decision"].get("decided_on"))
    check_protocol(data)
    source = data.get("source") or {}
    return _Prepared(
        data=data,
        body_name=body_name,
        starts_at=parse_starts_at(data["starts_at"]),
        claimed_status=STATUS_TO_MODEL[data.get("status", "published")],
        # A file in the exchange format keeps the provenance it carries (round trips are
        # identical); otherwise the file being imported is the source.
        imported_from=(source.get("name") or entry.source_name)[:500],
        checksum=source.get("checksum") or entry.checksum,
        file_name=entry.source_name,
        file_sha256=entry.checksum,
    )


def _upsert_meetings(rows: list[tuple[Body, _Prepared]]) -> list[tuple[Meeting, bool]]:
    """Insert the meetings, or update those with the same body and start time, in one
    statement. The rows stay locked until commit, so two imports of the same minutes at once
    wait for each other instead of both inserting. `xmax = 0` tells a fresh insert."""
    if not rows:
        return []
    table = Meeting._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, 1, now(), now())"] * len(rows))
    params: list[Any] = []
    # In a fixed order, so that two imports holding the same meetings wait, not deadlock.
    for body, p in sorted(rows, key=lambda row: (row[0].pk, row[1].starts_at)):
        location = p.data.get("location", "")[:200]
        params += [body.pk, p.starts_at, location, p.status, p.imported_from, p.checksum]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (body_id, starts_at, location, status, imported_from, source_checksum,
                 version, created_at, updated_at)
            VALUES {values}
            ON CONFLICT (body_id, starts_at) DO UPDATE SET
                location = EXCLUDED.location, status = EXCLUDED.status,
                imported_from = EXCLUDED.imported_from,
                source_checksum = EXCLUDED.source_checksum, updated_at = now(),
                version = {table}.version + 1
            RETURNING id, body_id, starts_at, created_at, updated_at, (xmax = 0), version
            """,  # noqa: S608 - the table name is ours, every value is a parameter
            params,
        )
        returned = {(r[1], r[2]): r for r in cursor.fetchall()}
    result = []
    for body, p in rows:
        pk, _body_id, starts_at, created_at, updated_at, inserted, version = returned[
            (body.pk, p.starts_at)
        ]
        meeting = Meeting(
            pk=pk,
            body=body,
            starts_at=starts_at,
            location=p.data.get("location", "")[:200],
            status=p.status,
            imported_from=p.imported_from,
            source_checksum=p.checksum,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
        )
        meeting._state.adding = False
        meeting._state.db = "default"
        result.append((meeting, bool(inserted)))
    return result


@dataclass
class _NewRecommendation:
    unit: str
    lead_in: str
    numbered: bool
    note: str
    clauses: list[str]


def _recommendation_for(data: dict[str, Any]) -> _NewRecommendation | None:
    clauses = [c for c in data.get("recommendation_clauses", []) if c.strip()]
    lead_in = data.get("recommendation_lead_in", "")
    unit = data.get("recommendation_unit", "")
    note = data.get("recommendation_note", "")
    html = data.get("recommendation", "")
    if not (clauses or lead_in or unit or note) and html:
        # Only free HTML was given (e.g. by an integration): keep it as the note.
        note = html
    if not (clauses or lead_in or unit or note):
        return None
    return _NewRecommendation(
        unit=unit[:200],
        lead_in=lead_in,
        numbered=data.get("recommendation_numbered", True),
        note=sanitize_html(note),
        clauses=clauses,
    )
