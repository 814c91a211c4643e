"""Write meetings given in the exchange format (see docs/exchange-format.md) to the database.

This is the one write path of every import: JSON files are validated against the schema and
written as they are; legacy text and PDF minutes are parsed and turned into the same format
first (meetings/importer/legacy.py). Writes are bulk inserts, so that many meetings import at
well over a thousand items a second, and a meeting is its body and start time: importing the
same minutes again replaces their content instead of adding a second meeting.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from budget.exchange import ExchangeError as BudgetExchangeError
from budget.exchange import tables_from_exchange_for_new_items as budget_tables_for_new_items
from budget.exchange import validate_exchange as validate_budget_tables
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
from meetings.validators import normalise_case_number

FORMAT = "referat/1"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "exchange_schema.json"

STATUS_TO_MODEL = {
    "draft": Meeting.Status.DRAFT,
    "in_review": Meeting.Status.IN_REVIEW,
    "approved": Meeting.Status.APPROVED,
    "published": Meeting.Status.PUBLISHED,
    "reopened": Meeting.Status.REOPENED,
}
STATUS_FROM_MODEL = {value: key for key, value in STATUS_TO_MODEL.items()}


class ExchangeError(ValueError):
    """The data is not valid exchange format; the message is Danish and names the place."""


@dataclass
class SavedMeeting:
    meeting: Meeting
    created: bool
    items: int
    warnings: list[str] = field(default_factory=list)


@cache
def exchange_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def validate_exchange(data: Any) -> None:
    """Raise ExchangeError (Danish, with the JSON path) if data is not valid referat/1."""
    validator = jsonschema.Draft202012Validator(
        exchange_schema(), format_checker=jsonschema.FormatChecker()
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(roden)"
        raise ExchangeError(f"Filen følger ikke udvekslingsformatet referat/1 ved {where}: "
                            f"{first.message}")  # fmt: skip
    # Budget tables have a schema of their own; checked here, once, for data from outside.
    for m, meeting in enumerate(data["meetings"]):
        for i, item in enumerate(meeting["items"]):
            if item.get("budget_tables"):
                try:
                    validate_budget_tables(item["budget_tables"])
                except BudgetExchangeError as exc:
                    raise ExchangeError(
                        f"Filen følger ikke udvekslingsformatet referat/1 ved "
                        f"meetings/{m}/items/{i}/{exc}"
                    ) from exc


def parse_starts_at(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ExchangeError(f"Mødetidspunktet “{raw}” er ikke en gyldig dato og tid.") from exc
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
    slug = slugify(name) or "organ"
    base, n = slug, 2
    while Body.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Body.objects.create(name=name, slug=slug)


def _cases_for(numbers: dict[str, str]) -> dict[str, Case]:
    """Map case numbers to Case rows, creating the new ones in one statement.

    `numbers` maps each normalised number to a title for a case that is new.
    """
    if not numbers:
        return {}
    # One statement: new cases are inserted, existing ones come back with their ids (the
    # no-op update on conflict makes PostgreSQL return the row) and keep their titles.
    cases = Case.objects.bulk_create(
        [Case(number=n, title=t[:500]) for n, t in numbers.items()],
        update_conflicts=True,
        unique_fields=["number"],
        update_fields=["number"],
    )
    return {c.number: c for c in cases}


@transaction.atomic
def save_exchange_meeting(
    data: dict[str, Any],
    *,
    source_name: str = "",
    checksum: str = "",
    allowed_bodies: set[str] | None = None,
) -> SavedMeeting:
    """Create or replace one meeting from its exchange-format dict (already schema-valid).

    Idempotent: a meeting is its body and start time, so importing the same minutes twice
    leaves one meeting whose content is the last import's. Runs in one transaction: on any
    error nothing of this meeting is written. With `allowed_bodies` (names, case-insensitive)
    a meeting of any other body is refused: a secretary imports only her own bodies' minutes.
    """
    if allowed_bodies is not None and data["body"].strip().casefold() not in allowed_bodies:
        raise ExchangeError(
            f"Du kan kun importere referater for de organer, du er sekretær for "
            f"(filen er fra {data['body']})."
        )
    body = body_for_name(data["body"])
    starts_at = parse_starts_at(data["starts_at"])
    source = data.get("source") or {}
    status = STATUS_TO_MODEL[data.get("status", "published")]
    meeting, created = _upsert_meeting(
        body=body,
        starts_at=starts_at,
        location=data.get("location", "")[:200],
        status=status,
        # A file in the exchange format keeps the provenance it carries (round trips are
        # identical); otherwise the file being imported is the source.
        imported_from=(source.get("name") or source_name)[:500],
        source_checksum=source.get("checksum") or checksum,
    )
    if not created:
        if Decision.objects.filter(item__meeting=meeting, locked=True).exists():
            local = timezone.localtime(starts_at)
            raise ExchangeError(
                f"Referatet af {body.name} {local:%d-%m-%Y} er godkendt og låst og kan ikke "
                f"importeres igen. Sekretæren skal først genåbne det med en begrundelse."
            )
        meeting.items.all().delete()
        meeting.attendances.all().delete()

    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                name=p["name"][:200],
                role=p.get("role", "")[:50],
                present=p.get("present", True),
                position=position,
            )
            for position, p in enumerate(data.get("participants", []), start=1)
        ]
    )

    items_data: list[dict[str, Any]] = data["items"]
    numbers = [i["number"] for i in items_data]
    if len(set(numbers)) != len(numbers):
        raise ExchangeError("Et punktnummer optræder to gange i samme møde.")
    new_cases: dict[str, str] = {}
    for item in items_data:
        if item.get("case_number"):
            number = normalise_case_number(item["case_number"])
            new_cases.setdefault(number, "" if item.get("closed") else item["title"])
    cases = _cases_for(new_cases)

    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                number=i["number"],
                title=i["title"][:500],
                case=cases[normalise_case_number(i["case_number"])]
                if i.get("case_number")
                else None,
                closed=i.get("closed", False),
                background=sanitize_html(i.get("background")),
                presentation=sanitize_html(i.get("presentation")),
                economy=sanitize_html(i.get("economy")),
            )
            for i in items_data
        ]
    )
    recommendations: list[Recommendation] = []
    clause_texts: list[list[str]] = []
    decisions: list[Decision] = []
    attachments: list[Attachment] = []
    for saved_item, i in zip(items, items_data, strict=True):
        rec = _recommendation_for(saved_item, i)
        if rec is not None:
            recommendations.append(rec[0])
            clause_texts.append(rec[1])
        if i.get("decision"):
            d = i["decision"]
            decisions.append(
                Decision(
                    item=saved_item,
                    text=sanitize_html(d.get("text")),
                    outcome=Decision.outcome_from_label(d.get("outcome") or ""),
                    decided_on=_parse_date(d.get("decided_on")),
                )
            )
        attachments.extend(
            Attachment(item=saved_item, title=a["title"][:500], position=position)
            for position, a in enumerate(i.get("attachments", []), start=1)
        )
    Recommendation.objects.bulk_create(recommendations)
    RecommendationClause.objects.bulk_create(
        [
            RecommendationClause(recommendation=rec, position=position, text=text)
            for rec, texts in zip(recommendations, clause_texts, strict=True)
            for position, text in enumerate(texts, start=1)
        ]
    )
    Decision.objects.bulk_create(decisions)
    Attachment.objects.bulk_create(attachments)
    with_tables = [
        (saved_item, i["budget_tables"])
        for saved_item, i in zip(items, items_data, strict=True)
        if i.get("budget_tables")
    ]
    try:
        budget_tables_for_new_items(with_tables)
    except BudgetExchangeError as exc:
        raise ExchangeError(str(exc)) from exc
    return SavedMeeting(meeting=meeting, created=created, items=len(items))


def _upsert_meeting(
    *,
    body: Body,
    starts_at: dt.datetime,
    location: str,
    status: str,
    imported_from: str,
    source_checksum: str,
) -> tuple[Meeting, bool]:
    """Insert the meeting, or update the one with this body and start time, in one statement.

    The row is locked until commit either way, so two imports of the same minutes at once
    wait for each other instead of both inserting. `xmax = 0` tells a fresh insert.
    """
    table = Meeting._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (body_id, starts_at, location, status, imported_from, source_checksum,
                 created_at, updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, now(), now())
            ON CONFLICT (body_id, starts_at) DO UPDATE SET
                location = EXCLUDED.location, status = EXCLUDED.status,
                imported_from = EXCLUDED.imported_from,
                source_checksum = EXCLUDED.source_checksum, updated_at = now()
            RETURNING id, created_at, updated_at, (xmax = 0)
            """,  # noqa: S608 - the table name is ours, every value is a parameter
            [body.pk, starts_at, location, status, imported_from, source_checksum],
        )
        pk, created_at, updated_at, inserted = cursor.fetchone()
    meeting = Meeting(
        pk=pk,
        body=body,
        starts_at=starts_at,
        location=location,
        status=status,
        imported_from=imported_from,
        source_checksum=source_checksum,
        created_at=created_at,
        updated_at=updated_at,
    )
    meeting._state.adding = False
    meeting._state.db = "default"
    return meeting, bool(inserted)


def _recommendation_for(
    item: AgendaItem, data: dict[str, Any]
) -> tuple[Recommendation, list[str]] | None:
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
    rec = Recommendation(
        item=item,
        unit=unit[:200],
        lead_in=lead_in,
        numbered=data.get("recommendation_numbered", True),
        note=sanitize_html(note),
    )
    return rec, clauses
