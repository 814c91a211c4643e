"""The document header and what follows it up to the first item: the kind of document, the
body and date of the heading line, the meeting's date and time, place and participants (those
absent marked), and the table of contents."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from exchange.parser import _patterns
from exchange.parser._text import _find_date, _find_time, _is_item_heading, _squash, _tidy_name
from exchange.parser._types import MinutesParseError, Participant, TocEntry

# Assigned rather than imported by name, for speed: see _patterns.
_FIELD_RES = _patterns._FIELD_RES
_HEADER_RE = _patterns._HEADER_RE
_TOC_LINE_RE = _patterns._TOC_LINE_RE
_TOC_TITLE_RE = _patterns._TOC_TITLE_RE
_WEEKDAY_RES = _patterns._WEEKDAY_RES
_WEEKDAYS = _patterns._WEEKDAYS


@dataclass
class _Header:
    index: int
    document: str
    body: str
    date: datetime.date | None


_HEADER_LEAD_RE = re.compile(r"^(?:af|fra|for)\s+(?:mødet\s+i\s+)?", re.I)
_HEADER_TAIL_RE = re.compile(rf"(?:\s+(?:d\.|den|{'|'.join(_WEEKDAYS)}))+\s*$", re.I)


def _find_header(squashed: Sequence[str]) -> _Header:
    """The header among the first non-blank lines; ``squashed`` holds the lines squashed."""
    non_blank = list(itertools.islice((i for i, text in enumerate(squashed) if text), 15))
    if not non_blank:
        raise MinutesParseError("Teksten er tom.", 1)
    for index in non_blank:
        text = squashed[index]
        if _is_item_heading(text):
            break
        match = _HEADER_RE.match(text)
        if not match:
            continue
        rest = _HEADER_LEAD_RE.sub("", match["rest"])
        found = _find_date(rest, index + 1)
        body = rest[: found[1]] if found else rest
        body = _HEADER_TAIL_RE.sub("", body)
        return _Header(index, match["doc"].lower(), _tidy_name(body), found[0] if found else None)
    raise MinutesParseError(
        "Teksten ligner hverken et referat eller en dagsorden: den skal begynde med en "
        "overskrift som “REFERAT Direktionen d. 20-03-2017”.",
        non_blank[0] + 1,
    )


_PEOPLE_MARK_RE = re.compile(r"[(),;]")
_PEOPLE_AND_RE = re.compile(r"\s+og\s+(?![^(]*\))")
_PARTICIPANT_RE = re.compile(r"^(?P<name>[^(]*?)\s*\((?P<roles>[^)]*)\)\s*$")


def _split_people(text: str) -> list[str]:
    """Split on commas, semicolons and a final "og", but never inside parentheses."""
    parts: list[str] = []
    depth, start = 0, 0
    # Only the brackets and separators matter: found by the pattern, not a loop over every
    # character. An unmatched ")" makes the depth negative, and no separator splits there.
    for mark in _PEOPLE_MARK_RE.finditer(text):
        char = mark[0]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            parts.append(text[start : mark.start()])
            start = mark.end()
    parts.append(text[start:])
    people: list[str] = []
    for part in parts:
        people.extend(_PEOPLE_AND_RE.split(part))
    return [person for person in map(_squash, people) if person]


def _participant(text: str, absent: bool) -> Participant:
    match = _PARTICIPANT_RE.match(text)
    if not match:
        return Participant(text.strip(" .-"), "", absent)
    roles = [_squash(role).lower() for role in match["roles"].split(",") if role.strip()]
    if "afbud" in roles or "fraværende" in roles:
        absent = True
        roles = [role for role in roles if role not in ("afbud", "fraværende")]
    return Participant(match["name"].strip(" .-"), ", ".join(roles), absent)


@dataclass
class _Meta:
    starts_at: datetime.datetime
    location: str
    participants: list[Participant]
    toc: list[TocEntry]


def _parse_meta(
    lines: Sequence[str],
    squashed: Sequence[str],
    header: _Header,
    end: int,
    warnings: list[str],
) -> _Meta:
    """The lines between the header and the first item; ``squashed`` holds them squashed."""
    date_value: tuple[str, int] | None = None
    location: str | None = None
    participants: list[Participant] = []
    participants_seen = False
    toc: list[TocEntry] = []
    in_toc = False
    last_field = ""
    for index in range(header.index + 1, end):
        text = squashed[index]
        if not text:
            last_field = ""
            continue
        if _TOC_TITLE_RE.match(text):
            in_toc, last_field = True, ""
            continue
        opened = _field(text)
        if opened is not None:
            last_field, value = opened
            if last_field == "date":
                date_value = (value, index + 1)
            elif last_field == "place":
                location = value
            elif last_field == "participants":
                participants_seen = True
                _add_present(participants, value)
            else:
                _add_absent(participants, value)
            continue
        entry = _toc_entry(lines[index], text)
        if entry is not None:
            toc.append(entry)
        elif in_toc:
            toc.append(TocEntry(text, None))
        elif last_field == "participants":
            _add_present(participants, text)
        elif last_field == "absent":
            _add_absent(participants, text)
    starts_at = _starts_at(date_value, header, warnings)
    if location is None or not location:
        warnings.append("Mødested mangler.")
    if not participants_seen:
        warnings.append("Mødedeltagere mangler.")
    return _Meta(starts_at, location or "", participants, toc)


def _field(text: str) -> tuple[str, str] | None:
    """The field a line of the header opens ("date", "place", "participants" or "absent"),
    with the rest of the line; None for any other line."""
    for name, pattern in _FIELD_RES:
        match = pattern.match(text)
        if match:
            return name, match[1].strip()
    return None


def _toc_entry(line: str, text: str) -> TocEntry | None:
    """The entry of the table of contents that ``line`` (squashed: ``text``) is, if it is one:
    a title followed by dots, "…" or a tab, and maybe a page number."""
    toc_line = _TOC_LINE_RE.match(line.strip(" "))
    if toc_line and ("\t" in line or ".." in text or "…" in text):
        page = toc_line["page"]
        return TocEntry(_squash(toc_line["title"]).rstrip(" ."), int(page) if page else None)
    return None


def _add_present(participants: list[Participant], text: str) -> None:
    participants.extend(_participant(p, False) for p in _split_people(text))


def _add_absent(participants: list[Participant], text: str) -> None:
    for person in _split_people(text):
        parsed = _participant(person, True)
        for known in participants:
            if known.name.casefold() == parsed.name.casefold():
                known.absent = True
                break
        else:
            participants.append(parsed)


def _starts_at(
    date_value: tuple[str, int] | None, header: _Header, warnings: list[str]
) -> datetime.datetime:
    day: datetime.date | None = None
    time: datetime.time | None = None
    if date_value is not None:
        value, line = date_value
        found = _find_date(value, line)
        time = _find_time(value, line)
        if found is None:
            warnings.append(f"Mødedatoen “{value}” kan ikke læses; datoen i overskriften bruges.")
        else:
            day = found[0]
            weekday = next((w for w in _WEEKDAYS if _WEEKDAY_RES[w].search(value)), None)
            if weekday and _WEEKDAYS[day.weekday()] != weekday:
                warnings.append(
                    f"Mødedatoen siger {weekday}, men {day:%d-%m-%Y} er en "
                    f"{_WEEKDAYS[day.weekday()]}."
                )
            if header.date and header.date != day:
                warnings.append(
                    f"Overskriften siger {header.date:%d-%m-%Y}, men mødedatoen er "
                    f"{day:%d-%m-%Y}; mødedatoen bruges."
                )
    if day is None:
        day = header.date
    if day is None:
        raise MinutesParseError(
            "Mødedatoen mangler: hverken overskriften eller linjen “Mødedato” har en dato.",
            header.index + 1,
        )
    if time is None:
        warnings.append("Mødedatoen har intet klokkeslæt; mødet er sat til kl. 00:00.")
        time = datetime.time(0, 0)
    return datetime.datetime.combine(day, time)
