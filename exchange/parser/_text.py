"""Small helpers on lines of text, used throughout the parser: the text's visible lines,
markup cleaned out of a line, whitespace squashed, titles and names normalised, dates and times
found, and the tests for a section word, a decision heading and an item heading."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from exchange.parser import _patterns
from exchange.parser._types import MinutesParseError

# Assigned rather than imported by name, for speed: see _patterns.
_BOLD_RE = _patterns._BOLD_RE
_DECISION_RE = _patterns._DECISION_RE
_ENCLOSURE_MARK_RE = _patterns._ENCLOSURE_MARK_RE
_INLINE_TAG_RE = _patterns._INLINE_TAG_RE
_INVISIBLE_MAP = _patterns._INVISIBLE_MAP
_ITEM_RE = _patterns._ITEM_RE
_MONTHS = _patterns._MONTHS
_NUMERIC_DATE_RE = _patterns._NUMERIC_DATE_RE
_SECTION_WORD_MAX_LENGTH = _patterns._SECTION_WORD_MAX_LENGTH
_SECTION_WORDS = _patterns._SECTION_WORDS
_TEXT_DATE_RE = _patterns._TEXT_DATE_RE
_TIME_RE = _patterns._TIME_RE
_TOC_LINE_RE = _patterns._TOC_LINE_RE


def _visible_text(text: str) -> str:
    """The text with "\n" ending every line and the invisible characters replaced."""
    # Replacing a text of two characters scans slowly even where it is absent, and most texts
    # have no "\r": a look for that one character is a fast scan.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # str.translate with a mapping is slow on long non-ASCII text, and so is a regex pass (a
    # character-set test at every position); `in` and str.replace are fast scans, and most
    # texts hold none of these characters. No replacement holds one of them, so replacing
    # them one after the other is the same as replacing all at once.
    for invisible, replacement in _INVISIBLE_MAP.items():
        if invisible in text:
            text = text.replace(invisible, replacement)
    return text


def _split_visible_text(text: str) -> list[str]:
    """The lines of a text :func:`_visible_text` gave."""
    # Only spaces are trimmed: leading and trailing tabs are empty table cells.
    return [line.strip(" ") for line in text.split("\n")]


def _split_lines(text: str) -> list[str]:
    return _split_visible_text(_visible_text(text))


# What each substitution of _clean_markup needs in a line to change it, each with the place
# in it of a character that texts seldom hold (see _lines_holding).
_MARKUP_MARKS = (("./..", 1), ("**", 0), ("<", 0))


def _lines_holding(text: str, mark: str, rare: int) -> Iterator[int]:
    """The indexes of the lines of ``text`` (split at "\\n") that hold ``mark``, which holds
    no "\\n", in order; a line that holds it more than once comes more than once.

    ``mark[rare]`` is a character few texts hold often. Searching a text for one character
    is much faster than for several (even where they are absent), so the mark is looked for
    only where that character is.
    """
    char = mark[rare]
    line, counted = 0, 0
    found = text.find(char)
    while found != -1:
        start = found - rare
        if start >= 0 and text.startswith(mark, start):
            # The line breaks since the last find: each part of the text is counted once.
            line += text.count("\n", counted, start)
            counted = start
            yield line
        found = text.find(char, found + 1)


def _clean_markup(text: str) -> str:
    # Every line passes through here and few carry markup: each substitution runs only on a
    # line holding the text its pattern needs, which a plain `in` finds much faster.
    if "./.." in text:
        text = _ENCLOSURE_MARK_RE.sub("", text)
    if "**" in text:
        text = _BOLD_RE.sub(r"\1", text)
        text = text.replace("**", "")
    if "<" in text:
        text = _INLINE_TAG_RE.sub("", text)
    return text


def _squash(text: str) -> str:
    # Most lines have nothing to squash, and a quick look says so. In a printable string the
    # only whitespace is " " (every other whitespace character is unprintable), so one without
    # two spaces in a row or a space at either end is its own result.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _norm_title(text: str) -> str:
    text = text.casefold().replace("–", "-").replace("—", "-")
    return _squash(text).strip(" .:-")


def _tidy_name(name: str) -> str:
    """Bodies written in capitals ("DIREKTIONEN") are stored the way the minutes usually write
    them ("Direktionen")."""
    name = _squash(name).strip(" ,.-:")
    if name and name.upper() == name and any(ch.isalpha() for ch in name):
        return name[0] + name[1:].lower()
    return name


def _join(before: str, after: str) -> str:
    # A hyphen at a line break is kept: without a dictionary it could be a real compound.
    if len(before) > 1 and before.endswith("-") and before[-2].isalpha() and after[:1].islower():
        return before + after
    return f"{before} {after}"


def _is_blank(line: str) -> bool:
    return not line.strip()


def _find_date(text: str, line: int | None) -> tuple[datetime.date, int, int] | None:
    """The first date in ``text`` as (date, start, end); an impossible date is an error."""
    candidates: list[tuple[int, int, int, int, int, str]] = []
    for numeric in _NUMERIC_DATE_RE.finditer(text):
        candidates.append(
            (
                numeric.start(),
                numeric.end(),
                int(numeric[4]),
                int(numeric[3]),
                int(numeric[1]),
                numeric[0],
            )
        )
    for textual in _TEXT_DATE_RE.finditer(text):
        month = _MONTHS[textual[2].casefold()]
        candidates.append(
            (
                textual.start(),
                textual.end(),
                int(textual[3]),
                month,
                int(textual[1]),
                textual[0],
            )
        )
    if not candidates:
        return None
    start, end, year, month, day, written = min(candidates)
    if year < 100:
        year += 2000
    try:
        return datetime.date(year, month, day), start, end
    except ValueError:
        raise MinutesParseError(f"Datoen “{written}” findes ikke.", line) from None


def _day_month_year(day: datetime.date) -> str:
    """``f"{day:%d-%m-%Y}"`` without strftime, which is slow (a decision dated another day
    than its meeting is reported with two dates)."""
    if day.year < 1000:
        return f"{day:%d-%m-%Y}"  # how %Y writes a short year depends on the C library
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def _find_time(text: str, line: int | None) -> datetime.time | None:
    match = _TIME_RE.search(text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    try:
        return datetime.time(hour, minute)
    except ValueError:
        raise MinutesParseError(f"Klokkeslættet “{match[0]}” findes ikke.", line) from None


def _section_word(text: str) -> str | None:
    return _squashed_section_word(_squash(text))


def _squashed_section_word(text: str) -> str | None:
    """:func:`_section_word` of a line already squashed (see :func:`_squash`)."""
    word = text.rstrip(":").strip()
    # casefold() never makes a string shorter, so a longer line (most are) is no section word
    # and need not be case-folded.
    if len(word) > _SECTION_WORD_MAX_LENGTH:
        return None
    return _SECTION_WORDS.get(word.casefold())


@dataclass
class _DecisionHeading:
    body: str
    decided_on: datetime.date | None
    written_date: str


def _decision_heading(text: str, line: int, meeting_body: str) -> _DecisionHeading | None:
    match = _DECISION_RE.match(_squash(text))
    if not match:
        return None
    body, written = match["body"] or "", match["date"] or ""
    # "Beslutning om telefoni" is a sub-heading; only the meeting's own body may go undated.
    if body and not written and _tidy_name(body).casefold() != meeting_body.casefold():
        return None
    found = _find_date(written, line) if written else None
    if written and found is None and not re.search(r"\d", written):
        return None
    return _DecisionHeading(_tidy_name(body), found[0] if found else None, written)


def _may_be_item_heading(text: str) -> bool:
    """False for a line that cannot match _ITEM_RE: it does not open with "p" or "P" (the
    pattern opens with "punkt", in any case). Cheaper than trying the pattern on every line."""
    return text[:1] in ("p", "P")


def _indexes_of_possible_item_headings(squashed: Sequence[str]) -> Iterator[int]:
    """The indexes of the squashed lines that _may_be_item_heading, in order."""
    # The same test as str.startswith, run over every line by map and compress in C: few
    # lines pass, and a loop in Python would spend its time on those that do not.
    opens_with_p = map(str.startswith, squashed, itertools.repeat(("p", "P")))
    return itertools.compress(itertools.count(), opens_with_p)


def _is_item_heading(line: str) -> re.Match[str] | None:
    if "\t" in line or (".." in line and _TOC_LINE_RE.match(line.strip())):
        return None
    return _ITEM_RE.match(line.strip())
