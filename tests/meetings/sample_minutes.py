"""Loads the sample minutes (meetings/demo_minutes/*.txt) into the database for search tests.

A deliberately small reading of the text — items, case numbers and the usual sections — that is
enough to search the real words of real minutes.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attachment,
    Body,
    Decision,
    Meeting,
    Recommendation,
    RecommendationClause,
)
from meetings.services import case_get_or_create

SAMPLE_DIR = Path(settings.BASE_DIR) / "meetings" / "demo_minutes"

_ITEM_RE = re.compile(r"^Punkt (\d+): (.+)$")
_CASE_RE = re.compile(r"^\d{2}/\d{1,6}$")
_DECISION_RE = re.compile(r"^Beslutning \S+ den (\d{2})-(\d{2})-(\d{4})$", re.I)
_DATE_RE = re.compile(r"REFERAT (\S+) d\. (\d{2})-(\d{2})-(\d{4})")
_TIME_RE = re.compile(r"kl\. (\d{2}):(\d{2})")
_CLAUSE_RE = re.compile(r"^(?:\d+\.\s+|-\s+(?:\d+\)\s*)?|at\s)", re.I)
SECTIONS = {"Baggrund", "Indstilling", "Sagsfremstilling", "Økonomi", "Bilag"}
OUTCOMES = [
    ("taget til efterretning", Decision.Outcome.NOTED),
    ("godkendt", Decision.Outcome.APPROVED),
    ("udskudt", Decision.Outcome.POSTPONED),
    ("drøftet", Decision.Outcome.DISCUSSED),
]


def load_sample_minutes(body: Body) -> list[Meeting]:
    """Every sample file as a published meeting of `body`, newest last."""
    return [_load(path, body) for path in sorted(SAMPLE_DIR.glob("*.txt"))]


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())


def _load(path: Path, body: Body) -> Meeting:
    text = path.read_text(encoding="utf-8")
    date = _DATE_RE.search(text)
    time = _TIME_RE.search(text)
    assert date and time, path
    starts_at = timezone.make_aware(
        dt.datetime(int(date[4]), int(date[3]), int(date[2]), int(time[1]), int(time[2]))
    )
    meeting = Meeting.objects.create(
        body=body, starts_at=starts_at, status=Meeting.Status.PUBLISHED, location="B204"
    )
    blocks: list[tuple[int, str, list[str]]] = []
    for line in text.splitlines():
        match = _ITEM_RE.match(line.strip())
        if match:
            blocks.append((int(match[1]), match[2].strip(), []))
        elif blocks:
            blocks[-1][2].append(line.strip())
    for number, title, lines in blocks:
        _load_item(meeting, number, title, [line for line in lines if line])
    return meeting


def _load_item(meeting: Meeting, number: int, title: str, lines: list[str]) -> None:
    case_number = lines.pop(0) if lines and _CASE_RE.match(lines[0]) else ""
    sections: dict[str, list[str]] = {}
    current = "Baggrund"
    decided_on: dt.date | None = None
    for line in lines:
        decision = _DECISION_RE.match(line)
        if decision:
            current = "Beslutning"
            decided_on = dt.date(int(decision[3]), int(decision[2]), int(decision[1]))
        elif line in SECTIONS:
            current = line
        else:
            sections.setdefault(current, []).append(line)
    closed = title == "Lukket"
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=number,
        title=title,
        case=case_get_or_create(number=case_number) if case_number else None,
        closed=closed,
        background=_paragraphs(sections.get("Baggrund", [])),
        presentation=_paragraphs(sections.get("Sagsfremstilling", [])),
        economy=_paragraphs(sections.get("Økonomi", [])),
    )
    if "Indstilling" in sections:
        rec_lines = sections["Indstilling"]
        clauses = [line for line in rec_lines if _CLAUSE_RE.match(line)]
        lead_in = " ".join(line for line in rec_lines if line not in clauses)
        rec = Recommendation.objects.create(item=item, lead_in=lead_in)
        RecommendationClause.objects.bulk_create(
            RecommendationClause(recommendation=rec, position=i, text=_CLAUSE_RE.sub("", c))
            for i, c in enumerate(clauses, start=1)
        )
    if "Beslutning" in sections:
        decision_text = sections["Beslutning"]
        first = decision_text[0].casefold()
        outcome = next((value for word, value in OUTCOMES if first.startswith(word)), "")
        Decision.objects.create(
            item=item,
            text=_paragraphs(decision_text),
            outcome=outcome or Decision.Outcome.OTHER,
            decided_on=decided_on,
        )
    for position, attachment in enumerate(sections.get("Bilag", []), start=1):
        Attachment.objects.create(item=item, title=attachment[:500], position=position)
