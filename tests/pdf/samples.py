"""Meetings built from the real minutes in meetings/demo_minutes/, for PDF tests and benches.

A small reader of the sample text, good enough to give the PDF realistic content: long
paragraphs, sub-headings, bulleted and numbered lists, tab-separated tables of amounts,
recommendations with "at …" clauses, decisions and attachment lists. The legacy-minutes
importer is the real parser; this only needs to make pages that look like the samples.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Decision,
    Meeting,
    Recommendation,
    RecommendationClause,
)
from meetings.sanitize import sanitize_html
from meetings.services import case_get_or_create

SAMPLE_DIR = Path(settings.BASE_DIR) / "meetings" / "demo_minutes"
LARGEST_SAMPLE = "direktionen-2018-04-23"

_ITEM = re.compile(r"^Punkt (\d+): (.+)$")
_CASE = re.compile(r"^\d{2}/\d{3,6}$")
_DECISION = re.compile(r"^beslutning .+ den (\d{2})-(\d{2})-(\d{4})$", re.IGNORECASE)
_SECTIONS = {
    "baggrund": "background",
    "indstilling": "recommendation",
    "sagsfremstilling": "presentation",
    "økonomi": "economy",
    "bilag": "attachments",
}
_BULLET = re.compile(r"^(?:-|·|o|•)\s+(.*)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")


@dataclass
class ParsedItem:
    number: int
    title: str
    case: str = ""
    sections: dict[str, list[str]] = field(default_factory=dict)
    decision_date: dt.date | None = None


@dataclass
class ParsedMinutes:
    starts_at: dt.datetime
    location: str
    participants: list[tuple[str, str]]
    items: list[ParsedItem]


def read_sample(name: str = LARGEST_SAMPLE) -> ParsedMinutes:
    text = (SAMPLE_DIR / f"{name}.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    date = re.search(r"(\d{4})-(\d{2})-(\d{2})", name)
    assert date is not None
    hour, minute = 10, 0
    location = ""
    participants: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith("Mødedato") and (m := re.search(r"kl\. (\d{1,2}):(\d{2})", line)):
            hour, minute = int(m[1]), int(m[2])
        elif line.startswith("Mødested "):
            location = line.removeprefix("Mødested ").strip()
        elif line.startswith("Mødedeltagere "):
            for name_part in line.removeprefix("Mødedeltagere ").split(","):
                person = name_part.strip()
                role = "medlem"
                if m := re.match(r"(.+?)\s*\((.+)\)$", person):
                    person, role = m[1], m[2]
                participants.append((person, role))
    starts_at = timezone.make_aware(
        dt.datetime(int(date[1]), int(date[2]), int(date[3]), hour, minute)
    )
    items: list[ParsedItem] = []
    current: ParsedItem | None = None
    section = ""
    for raw in lines:
        line = raw.rstrip()
        if m := _ITEM.match(line.strip()):
            current = ParsedItem(number=int(m[1]), title=m[2].strip())
            items.append(current)
            section = ""
            continue
        if current is None:
            continue
        stripped = line.strip()
        if not current.case and _CASE.match(stripped):
            current.case = stripped
            continue
        if m := _DECISION.match(stripped):
            section = "decision"
            current.decision_date = dt.date(int(m[3]), int(m[2]), int(m[1]))
            current.sections.setdefault(section, [])
            continue
        key = _SECTIONS.get(stripped.casefold())
        if key and key not in current.sections:
            section = key
            current.sections[section] = []
            continue
        if section:
            current.sections[section].append(line)
    return ParsedMinutes(starts_at, location, participants, items)


def _blocks_to_html(lines: list[str]) -> str:
    """Paragraphs, lists, tables and short sub-headings, as the editor would store them."""
    out: list[str] = []
    i = 0
    n = len(lines)

    def next_nonblank(j: int) -> int:
        while j < n and not lines[j].strip():
            j += 1
        return j

    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if "\t" in line:
            rows: list[list[str]] = []
            while i < n and "\t" in lines[i]:
                rows.append([cell.strip() for cell in lines[i].split("\t")])
                j = next_nonblank(i + 1)
                i = j if j < n and "\t" in lines[j] else i + 1
            width = max(len(row) for row in rows)
            head, *body = rows
            parts = ["<table><thead><tr>"]
            parts += [f"<th>{html.escape(c)}</th>" for c in head + [""] * (width - len(head))]
            parts.append("</tr></thead><tbody>")
            for row in body:
                cells = row + [""] * (width - len(row))
                tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                parts.append(f"<tr>{tds}</tr>")
            parts.append("</tbody></table>")
            out.append("".join(parts))
            continue
        for pattern, tag in ((_BULLET, "ul"), (_NUMBERED, "ol")):
            if pattern.match(stripped):
                entries = []
                while i < n and (m := pattern.match(lines[i].strip())):
                    entries.append(m[m.lastindex or 1])
                    j = next_nonblank(i + 1)
                    i = j if j < n and pattern.match(lines[j].strip()) else i + 1
                lis = "".join(f"<li>{html.escape(e)}</li>" for e in entries)
                out.append(f"<{tag}>{lis}</{tag}>")
                break
        else:
            is_heading = len(stripped) < 70 and not stripped.endswith((".", ":", ",", ";", ")"))
            tag = "h4" if is_heading and len(stripped.split()) <= 9 else "p"
            out.append(f"<{tag}>{html.escape(stripped)}</{tag}>")
            i += 1
    return "".join(out)


def _recommendation(item: AgendaItem, lines: list[str]) -> None:
    paragraphs = [line.strip() for line in lines if line.strip()]
    lead_in = ""
    clauses: list[str] = []
    numbered = False
    rest: list[str] = []
    for text in paragraphs:
        if m := _NUMBERED.match(text):
            clauses.append(m[2])
            numbered = True
        elif (m := _BULLET.match(text)) or text.casefold().startswith("at "):
            clauses.append(m[1] if m else text)
        elif not lead_in and not clauses:
            lead_in = text
        else:
            rest.append(text)
    rec = Recommendation.objects.create(
        item=item,
        lead_in=lead_in,
        numbered=numbered,
        note=sanitize_html("".join(f"<p>{html.escape(t)}</p>" for t in rest)),
    )
    RecommendationClause.objects.bulk_create(
        RecommendationClause(recommendation=rec, position=pos, text=text)
        for pos, text in enumerate(clauses, start=1)
    )


def closed_secret(number: int) -> str:
    """The text of a closed item in a sample: what must never reach a public PDF."""
    return f"Fortrolig personalesag nr. {number} om omplacering af en chef i ØDC"


def create_meeting(
    *,
    body: Body,
    samples: tuple[str, ...] = (LARGEST_SAMPLE,),
    repeat: int = 1,
    closed_numbers: tuple[int, ...] = (),
    status: str = Meeting.Status.PUBLISHED,
    starts_at: dt.datetime | None = None,
) -> Meeting:
    """A meeting of `body` with the items of the given samples (repeated `repeat` times, as
    one long agenda package). Items titled "Lukket" in a sample, and those numbered in
    `closed_numbers`, become closed items with confidential content."""
    parsed = [read_sample(name) for name in samples]
    first = parsed[0]
    meeting = Meeting.objects.create(
        body=body,
        starts_at=starts_at or first.starts_at,
        location=first.location,
        status=status,
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, name=name, role=role, position=pos)
        for pos, (name, role) in enumerate(first.participants, start=1)
    )
    number = 0
    for _round in range(repeat):
        for minutes in parsed:
            for source in minutes.items:
                number += 1
                closed = source.title == "Lukket" or number in closed_numbers
                title = source.title if source.title != "Lukket" else closed_secret(number)
                sections = source.sections
                background = sanitize_html(_blocks_to_html(sections.get("background", [])))
                if closed:
                    background = sanitize_html(
                        f"<p>{html.escape(closed_secret(number))}.</p>{background}"
                    )
                item = AgendaItem.objects.create(
                    meeting=meeting,
                    number=number,
                    title=title[:500],
                    case=case_get_or_create(number=source.case) if source.case else None,
                    closed=closed,
                    background=background,
                    presentation=sanitize_html(_blocks_to_html(sections.get("presentation", []))),
                    economy=sanitize_html(_blocks_to_html(sections.get("economy", []))),
                )
                if "recommendation" in sections:
                    _recommendation(item, sections["recommendation"])
                if "decision" in sections:
                    text = sanitize_html(_blocks_to_html(sections["decision"]))
                    first_word = re.sub(r"<[^>]+>", " ", text).split(".")[0].split(",")[0]
                    Decision.objects.create(
                        item=item,
                        text=text,
                        outcome=Decision.outcome_from_label(first_word),
                        decided_on=source.decision_date,
                    )
                titles = [t.strip() for t in sections.get("attachments", []) if t.strip()]
                Attachment.objects.bulk_create(
                    Attachment(item=item, title=t[:500], position=pos)
                    for pos, t in enumerate(titles, start=1)
                )
    return meeting
