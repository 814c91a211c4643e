"""Turn the text of legacy minutes (referater) and agendas (dagsordener) into structured data.

The text is what a PDF library extracted from the municipality's old minutes: a header
(``REFERAT Direktionen d. 20-03-2017``, Mødedato, Mødested, Mødedeltagere), a table of
contents, and items (``Punkt 3: …``) with a case number and sections (Baggrund, Indstilling,
Beslutning …, Sagsfremstilling, Økonomi, Bilag).

This module is deliberately pure Python (no Django, no database) so that it can be tested in
isolation and reused by a management command, a Celery task or a preview page alike. Errors the
user must fix raise :class:`MinutesParseError` with a Danish message and a line number; oddities
the import can live with become Danish ``warnings`` on the result.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
import operator
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = [
    "OUTCOMES",
    "Block",
    "Decision",
    "Heading",
    "ListBlock",
    "MinutesParseError",
    "Paragraph",
    "ParsedItem",
    "ParsedMinutes",
    "Participant",
    "Recommendation",
    "Table",
    "TocEntry",
    "blocks_to_html",
    "html_to_blocks",
    "infer_outcome",
    "normalise_pdf_text",
    "parse_minutes",
]

# The values Decision.outcome takes besides "" (no decision text).
OUTCOMES = ("Godkendt", "Taget til efterretning", "Drøftet", "Udskudt", "Afvist", "Andet")


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass
class Block:
    """A piece of section content; one of Paragraph, Heading, ListBlock or Table."""


@dataclass
class Paragraph(Block):
    text: str


@dataclass
class Heading(Block):
    text: str


@dataclass
class ListBlock(Block):
    ordered: bool
    items: list[str]


@dataclass
class Table(Block):
    rows: list[list[str]]
    header_rows: int = 0


@dataclass
class Participant:
    name: str
    role: str = ""
    absent: bool = False


@dataclass
class Recommendation:
    unit: str
    lead_in: str
    clauses: list[str]
    numbered: bool
    blocks: list[Block]


@dataclass
class Decision:
    body: str
    decided_on: datetime.date | None
    outcome: str
    blocks: list[Block]


@dataclass
class ParsedItem:
    number: int
    title: str
    case_number: str
    closed: bool
    background: list[Block] = field(default_factory=list)
    recommendation: Recommendation | None = None
    decision: Decision | None = None
    presentation: list[Block] = field(default_factory=list)
    economy: list[Block] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    line: int = 0
    # Decisions of other bodies or earlier meetings quoted in the item, in source order.
    other_decisions: list[Decision] = field(default_factory=list)


@dataclass
class TocEntry:
    title: str
    page: int | None


@dataclass
class ParsedMinutes:
    document: str
    body: str
    starts_at: datetime.datetime
    location: str
    participants: list[Participant]
    toc: list[TocEntry]
    items: list[ParsedItem]
    warnings: list[str]


class MinutesParseError(ValueError):
    """The text cannot be imported; ``message`` is Danish and meant for the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"Linje {line}: {message}" if line is not None else message)


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------

_MONTHS = {
    "januar": 1,
    "jan": 1,
    "februar": 2,
    "feb": 2,
    "marts": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_ALTERNATIVES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_WEEKDAY_RES = {day: re.compile(rf"\b{day}\b", re.IGNORECASE) for day in _WEEKDAYS}

_NUMERIC_DATE_RE = re.compile(r"(?<![\d/])(\d{1,2})([-./])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")
_TEXT_DATE_RE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\.?\s*({_MONTH_ALTERNATIVES})\b\.?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_TIME_RE = re.compile(r"\bkl\.?\s*(\d{1,2})(?:[:.](\d{2}))?", re.IGNORECASE)

_HEADER_RE = re.compile(r"^(?P<doc>referat|dagsorden)\b[\s:]*(?P<rest>.*)$", re.IGNORECASE)
_ITEM_RE = re.compile(r"^punkt\s+(?P<number>\d{1,3})\s*[:.\-–]\s*(?P<title>.*?)\s*$", re.IGNORECASE)
_CASE_RE = re.compile(
    r"^(?:(?:sags?\s*nr\.?|sagsnummer)\s*:?\s*)?(?P<year>\d{2})/(?P<serial>\d{1,6})$",
    re.IGNORECASE,
)
# Anything short that is built like a case number but is not one: a typo to report, not text.
_CASE_LIKE_RE = re.compile(
    r"^(?:(?:sags?\s*nr\.?|sagsnummer)\s*:?\s*)?(?=[^\s]*\d)[\w.]{1,8}[/-][\w.]{0,10}$",
    re.IGNORECASE,
)
_TOC_TITLE_RE = re.compile(r"^indholdsfortegnelse\s*:?$", re.IGNORECASE)
_TOC_LINE_RE = re.compile(
    r"^(?:punkt\s+\d+\s*[:.]\s*)?(?P<title>.*?\S)\s*(?:\.{3,}|…+|\t+)[\s.…]*(?P<page>\d{1,4})?\s*$",
    re.IGNORECASE,
)
_FIELD_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("date", re.compile(r"^(?:mødedato|mødetidspunkt|dato|tidspunkt)\b\s*:?\s*(.*)$", re.I)),
    ("place", re.compile(r"^(?:mødested|mødelokale|sted)\b\s*:?\s*(.*)$", re.I)),
    (
        "participants",
        re.compile(r"^(?:mødedeltagere|deltagere|til\s*stede|fremmødte)\b\s*:?\s*(.*)$", re.I),
    ),
    ("absent", re.compile(r"^(?:afbud|fraværende|fravær)\b\s*:?\s*(?:fra\s+)?(.*)$", re.I)),
)

_SECTION_WORDS = {
    "baggrund": "background",
    "resumé": "background",
    "resume": "background",
    "indstilling": "recommendation",
    "indstillinger": "recommendation",
    "sagsfremstilling": "presentation",
    "sagsbeskrivelse": "presentation",
    "økonomi": "economy",
    "økonomiske konsekvenser": "economy",
    "bilag": "attachments",
}
_SECTION_WORD_MAX_LENGTH = max(len(word) for word in _SECTION_WORDS)
_DECISION_RE = re.compile(
    r"^beslutning(?:\s+(?:i|på|for|af))?(?:\s+(?P<body>.+?))?"
    r"(?:,?\s+(?:den|d\.)\s*(?P<date>\S.*?))?\s*:?$",
    re.IGNORECASE,
)

_ORDERED_RE = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")
_BULLET_RE = re.compile(r"^(?:[-–•·▪◦●■►]|o(?=\s))\s+(\S.*)$")
_CLAUSE_START_RE = re.compile(r"^at\b", re.IGNORECASE)

_PAGE_NOISE_RE = re.compile(
    r"^(?:(?:side|page)\s+\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?|-\s*\d{1,4}\s*-)$", re.IGNORECASE
)
_RUNNING_HEADER_RE = re.compile(
    r"^[^\t]{1,60}?[\s,]+(?:d\.\s*|den\s+)?\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$"
)

_ENCLOSURE_MARK_RE = re.compile(r"^\s*\./\.\.\s*")
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
_INLINE_TAG_RE = re.compile(r"</?(?:i|b|u|em|strong|sup|sub|span|font)\b[^>]*>", re.IGNORECASE)
_INVISIBLE_MAP = {
    "\u00ad": "",  # soft hyphen
    "\u200b": "",
    "\ufeff": "",
    "\f": "",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\ufb01": "fi",
    "\ufb02": "fl",
}

_TERMINAL = (".", "!", "?", ":", ";")
# A line ending in one of these words is a sentence cut short, never a heading.
_FUNCTION_WORDS = frozenset(
    {
        "at", "af", "og", "i", "på", "til", "for", "med", "som", "der", "om", "enten", "eller",
        "samt", "fra", "ved", "en", "et", "den", "det", "de", "hvor", "mellem", "under", "over",
        "efter",
    }
)  # fmt: skip
_CONTINUATION_MIN_LENGTH = 50
_HEADING_MAX_LENGTH = 120


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Running headers, footers and page numbers
# --------------------------------------------------------------------------------------------


def _is_structural(text: str) -> bool:
    return bool(
        _section_word(text)
        or (text.casefold().startswith("beslutning") and _DECISION_RE.match(text))
        or _ITEM_RE.match(text)
        or (".." in text and _TOC_LINE_RE.match(text))
        or _ORDERED_RE.match(text)
        or _BULLET_RE.match(text)
        or _CASE_RE.match(text)
    )


def _noise_line_indexes(lines: Sequence[str]) -> set[int]:
    """Indexes of lines a PDF adds to every page: page numbers, running headers and footers."""
    stripped = list(map(str.strip, lines))
    # The pattern tried on every line by map and compress, in C: a loop in Python would spend
    # its time on the lines (nearly all) that are no page number.
    noise = set(itertools.compress(itertools.count(), map(_PAGE_NOISE_RE.match, stripped)))
    # Blank lines and table rows are counted too (Counter counts a list in one go), but
    # neither is ever a running header or footer: `repeated` leaves them out, and
    # `removable` refuses them.
    counts = Counter(stripped)
    titles: set[str] | None = None

    def removable(text: str) -> bool:
        nonlocal titles
        if not text or "\t" in text or _is_structural(text) or text.endswith(_TERMINAL):
            return False
        if titles is None:
            # Wanted only for the few lines that may be a running header or footer.
            titles = {
                _norm_title(match["title"])
                for line in stripped
                if _may_be_item_heading(line) and (match := _ITEM_RE.match(line)) and match["title"]
            }
        return _norm_title(text) not in titles

    # Both kinds of running header are lines that come back (blank lines and table rows
    # aside), so only the texts that occur more than once are tried, each once. They are
    # picked by compress in C: most lines are there once.
    twice = itertools.compress(counts, map(operator.ge, counts.values(), itertools.repeat(2)))
    repeated = [text for text in twice if text and "\t" not in text]
    headers = {text for text in repeated if _HEADER_RE.match(text)}
    running = {
        text
        for text in repeated
        if text not in headers and _RUNNING_HEADER_RE.match(text) and removable(text)
    }
    if headers or running:  # most texts have neither: no need to look at every line
        header_seen = False
        for i, text in enumerate(stripped):
            if text in headers:
                # The first page's header stays; the same line on later pages is a running
                # header.
                if header_seen:
                    noise.add(i)
                header_seen = True
            elif text in running:
                noise.add(i)
    # A repeated line right next to a page number is that page's header or footer.
    for i in sorted(noise):
        if not _PAGE_NOISE_RE.match(stripped[i]):
            continue
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(stripped) and not stripped[j] and abs(j - i) <= 2:
                j += step
            if 0 <= j < len(stripped) and counts[stripped[j]] >= 3 and removable(stripped[j]):
                noise.add(j)
    return noise


# --------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------


@dataclass
class _Source:
    """The text's lines as parse_minutes prepared them, read by every item and section.

    A section holds the indexes of its lines rather than the lines: most lines go to one
    section and are read once, and an int is cheaper to keep than an object per line.
    """

    lines: list[str]  # markup cleaned, page noise blanked
    # Each line through _squash, done once for everyone who reads the line's words.
    squashed: list[str]
    # The lines read as a sub-heading of their section (a section word or decision heading
    # repeated in Sagsfremstilling): the heading is the squashed line.
    subheadings: set[int] = field(default_factory=set)


_AMOUNT_RE = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")


def _is_amount(cell: str) -> bool:
    return bool(_AMOUNT_RE.fullmatch(cell)) and not _YEAR_RE.fullmatch(cell)


def _header_rows(rows: list[list[str]]) -> int:
    """A first row without amounts above rows with amounts is a header ("Punkt", "2017" …)."""
    if len(rows) < 2 or any(_is_amount(cell) for cell in rows[0]):
        return 0
    if not any(cell for cell in rows[0]):
        return 0
    return 1 if any(_is_amount(cell) for row in rows[1:] for cell in row) else 0


class _BlockBuilder:
    def __init__(self, allow_headings: bool) -> None:
        self.allow_headings = allow_headings
        self.blocks: list[Block] = []
        self.gap = False
        self.last_number = 0
        self.open_list: ListBlock | None = None
        self.repeated_header: set[int] = set()
        self.joined: set[int] = set()

    def add_subheading(self, text: str) -> None:
        self._append(Heading(text.rstrip(":")))

    def add(self, line: str, text: str) -> None:
        """A line that is not blank; ``text`` is the line through _squash."""
        blocks = self.blocks
        last = blocks[-1] if blocks else None
        if "\t" in line:
            self._add_row(_table_cells(line), last)
        elif not (_may_be_list_item(text) and self._add_list_item(text, last)):
            self._add_text(text, last)

    def _append(self, block: Block) -> None:
        self.blocks.append(block)
        self.gap = False

    def _add_row(self, row: list[str], last: Block | None) -> None:
        # A blank line between tab rows is a page break or spacing, not the end of the table.
        if isinstance(last, Table):
            if len(last.rows) > 1 and row == last.rows[0]:
                self.repeated_header.add(id(last))
            else:
                last.rows.append(row)
            self.gap = False
            return
        self._append(Table([row]))

    def _add_list_item(self, text: str, last: Block | None) -> bool:
        ordered = _ORDERED_RE.match(text)
        if ordered:
            number, item = int(ordered[1]), ordered[2]
            if isinstance(last, ListBlock) and last.ordered and number == self.last_number + 1:
                last.items.append(item)
                self.last_number = number
                self.gap = False
                return True
            if self._resume_list(number, item):
                return True
            if number == 1:
                block = ListBlock(True, [item])
                self.open_list = block
                self.last_number = 1
                self._append(block)
                return True
            return False
        bullet = _BULLET_RE.match(text)
        if bullet:
            if isinstance(last, ListBlock) and not last.ordered:
                last.items.append(bullet[1])
                self.gap = False
            else:
                self._append(ListBlock(False, [bullet[1]]))
            return True
        return False

    def _resume_list(self, number: int, item: str) -> bool:
        """An ordered item whose predecessor's text was cut off by a few loose lines ("1. … der
        bevilges" / "0,460 mio. kr. …" / "2. …") gets those lines back and continues the list."""
        lst = self.open_list
        if lst is None or number != self.last_number + 1 or lst not in self.blocks:
            return False
        index = next(i for i, block in enumerate(self.blocks) if block is lst)
        loose = self.blocks[index + 1 :]
        if not loose or len(loose) > 3 or not all(type(b) is Paragraph for b in loose):
            return False
        if lst.items[-1].endswith(_TERMINAL):
            return False
        for block in loose:
            assert isinstance(block, Paragraph)
            lst.items[-1] = _join(lst.items[-1], block.text)
        del self.blocks[index + 1 :]
        lst.items.append(item)
        self.last_number = number
        self.gap = False
        return True

    def _add_text(self, text: str, last: Block | None) -> None:
        if isinstance(last, ListBlock):
            if not self.gap or _continues(last.items[-1], text):
                last.items[-1] = _join(last.items[-1], text)
                self.gap = False
                return
        elif isinstance(last, Paragraph) and (not self.gap or _continues(last.text, text)):
            last.text = _join(last.text, text)
            self.joined.add(id(last))
            self.gap = False
            return
        # What _append does, without the call: most lines of text start a paragraph.
        self.blocks.append(Paragraph(text))
        self.gap = False

    def finish(self) -> list[Block]:
        blocks = self.blocks
        for block in blocks:
            if isinstance(block, Table):
                width = max(len(row) for row in block.rows)
                block.rows = [row + [""] * (width - len(row)) for row in block.rows]
                block.header_rows = 1 if id(block) in self.repeated_header else 0
                block.header_rows = block.header_rows or _header_rows(block.rows)
            elif isinstance(block, ListBlock) and not block.ordered:
                _number_bullets(block)
        if self.allow_headings:
            for index, block in enumerate(blocks[:-1]):
                if (
                    type(block) is Paragraph
                    and id(block) not in self.joined
                    and _is_heading(block.text, blocks[index + 1])
                ):
                    blocks[index] = Heading(block.text)
        return blocks


def _continues(before: str, after: str) -> bool:
    """A line after a blank line that starts in lower case, where the text before stopped
    mid-sentence, is the rest of that text split by a page break ("… er "ejer" af" /
    "telefonomstillingen og …"). "at …" is left alone: it starts a new clause."""
    return (
        after[:1].islower()
        and not _CLAUSE_START_RE.match(after)
        and len(before) >= _CONTINUATION_MIN_LENGTH
        and not before.endswith(_TERMINAL)
    )


def _number_bullets(block: ListBlock) -> None:
    """A numbered list written with bullets ("- 1) …", "- 2) …") becomes an ordered list."""
    matches = [_ORDERED_RE.match(item) for item in block.items]
    if len(matches) < 2 or not all(matches):
        return
    numbers = [int(m[1]) for m in matches if m]
    if numbers != list(range(1, len(numbers) + 1)):
        return
    block.ordered = True
    block.items = [m[2] for m in matches if m]


_LETTERED_RE = re.compile(r"^[a-zæøå]\)\s+")
_HEADING_NEVER_ENDS = (*_TERMINAL, ",")
# A character str.isalnum() calls alphanumeric: to `\w` that is any word character but "_".
_ALNUM_RE = re.compile(r"[^\W_]")


def _is_heading(text: str, following: Block) -> bool:
    """A short line without closing punctuation, followed by body text, a list or a table."""
    # The cheap tests first: most paragraphs are long or end a sentence.
    if len(text) > _HEADING_MAX_LENGTH or text.endswith(_HEADING_NEVER_ENDS):
        return False
    words = text.rsplit(maxsplit=1)  # only the last word is wanted
    if (
        not words
        or words[-1].casefold() in _FUNCTION_WORDS
        # "a) Helpdesk" is a lettered heading, not a line starting in lower case.
        or _LETTERED_RE.sub("", text)[:1].islower()
        or _CLAUSE_START_RE.match(text)
        or not _ALNUM_RE.search(text)
    ):
        return False
    if isinstance(following, (ListBlock, Table)):
        return True
    if type(following) is not Paragraph:
        return False
    if ": " in text:
        # "Fase 1 (Q1 2018 – Q1 2019): Nyt omstillingssystem …" is a labelled line of text.
        return False
    body = following.text
    looks_like_body = body.endswith((".", "!", "?", ":")) or len(body) > _HEADING_MAX_LENGTH
    # At least four words: splitting off four tells as much as splitting a long body up.
    return looks_like_body and len(body.split(maxsplit=3)) >= 4 and len(body) >= 1.15 * len(text)


def _build_blocks(
    source: _Source, indexes: Sequence[int], allow_headings: bool = True
) -> list[Block]:
    """The blocks of the lines ``indexes`` of ``source``, in that order."""
    builder = _BlockBuilder(allow_headings)
    lines, squashed, subheadings = source.lines, source.squashed, source.subheadings
    for index in indexes:
        text = squashed[index]
        if not text:
            builder.gap = True  # a blank line (never a sub-heading)
        elif index in subheadings:
            builder.add_subheading(text)
        else:
            builder.add(lines[index], text)
    return builder.finish()


# The characters _BULLET_RE accepts first.
_BULLET_OPENERS = frozenset("-–•·▪◦●■►o")


def _may_be_list_item(text: str) -> bool:
    """False for a line neither _ORDERED_RE nor _BULLET_RE can match: it opens with neither a
    digit (``\\d`` is a Unicode decimal digit, as str.isdecimal says) nor a bullet."""
    first = text[:1]
    return first.isdecimal() or first in _BULLET_OPENERS


def _table_cells(line: str) -> list[str]:
    """The cells of a tab-separated line, each through _squash."""
    cells = line.split("\t")
    # A cell is its own _squash when it holds no whitespace but single spaces between words,
    # and one look at the whole line tells that for every cell: no whitespace but spaces and
    # tabs (see _squash on printable text), no space beside another, beside a tab or at an
    # end. Most rows are so.
    if (
        "  " not in line
        and " \t" not in line
        and "\t " not in line
        and line[:1] != " "
        and line[-1:] != " "
        and line.replace("\t", "").isprintable()
    ):
        return cells
    return [_squash(cell) for cell in cells]


# --------------------------------------------------------------------------------------------
# Recommendation and decision
# --------------------------------------------------------------------------------------------

_UNIT_RE = re.compile(r"^(?P<unit>[^,.:;]{1,60}?)\s+indstiller\b", re.IGNORECASE)
_INLINE_CLAUSE_RE = re.compile(
    r"^(?P<lead>.*?\bindstille[rs]\b(?:\s+(?:til|over for|for)\s+[^,]{1,40}?)?\s*,?)\s+"
    r"(?P<clause>at\b.*)$",
    re.IGNORECASE,
)


def _recommendation(blocks: list[Block]) -> Recommendation | None:
    if not blocks:
        return None
    unit, lead_in = "", ""
    rest = list(blocks)
    first = rest[0]
    following = rest[1] if len(rest) > 1 else None
    clauses: list[str] = []
    numbered = False
    if isinstance(first, Paragraph):
        text = first.text
        unit_match = _UNIT_RE.match(text)
        unit = unit_match["unit"].strip() if unit_match else ""
        introduces = text.endswith(":") or isinstance(following, ListBlock)
        # A lone "At direktionen godkender …" is itself the first clause, without a lead-in.
        if introduces or not _CLAUSE_START_RE.match(text):
            rest = rest[1:]
            inline = None if introduces else _INLINE_CLAUSE_RE.match(text)
            if inline:
                lead_in = inline["lead"].strip()
                clauses.append(inline["clause"].strip())
            else:
                lead_in = text
    last_from_paragraph = bool(clauses)
    for block in rest:
        if isinstance(block, ListBlock):
            items = [_strip_number(item) for item in block.items]
            if clauses and last_from_paragraph:
                # A list under "at direktionen beslutter …, enten" holds that clause's options.
                clauses[-1] += "".join(f"\n- {item}" for item in items)
            else:
                clauses.extend(items)
                numbered = numbered or block.ordered
                last_from_paragraph = False
        elif isinstance(block, Paragraph):
            text = block.text
            numbered_text = _ORDERED_RE.match(text)
            if numbered_text:
                clauses.append(numbered_text[2])
                numbered = True
                last_from_paragraph = True
            elif (
                _CLAUSE_START_RE.match(text)
                or not clauses
                # After a finished sentence a paragraph is a new clause, not the rest of one.
                or clauses[-1].endswith((".", "!", "?"))
            ):
                clauses.append(text)
                last_from_paragraph = True
            else:
                clauses[-1] = _join(clauses[-1], text)
    return Recommendation(unit, lead_in, clauses, numbered, blocks)


def _strip_number(item: str) -> str:
    match = _ORDERED_RE.match(item)
    return match[2] if match else item


_OUTCOME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Afvist",
        re.compile(
            r"\bsige[rs]?\s+nej\b|\bafvis|\bafslå|\bikke\s+(?:blev\s+)?godkend|\bforkast", re.I
        ),
    ),
    ("Udskudt", re.compile(r"\budskudt|\budskyd|\budsat\b|\budsættes|\budsætte", re.I)),
    (
        "Taget til efterretning",
        re.compile(r"\btil\s+efterretning|\b(?:taget|tages|tog)\s+efterretning", re.I),
    ),
    ("Godkendt", re.compile(r"\bgodkend|\btiltr[åæ]d|\bvedtag|\banbefal", re.I)),
    ("Drøftet", re.compile(r"\bdrøft", re.I)),
)


# The patterns above as one, each in a group of its own, in rank order. One search finds the
# earliest place any of them matches; where several match there, the first alternative that
# does is the best ranked. That is the least (start, rank) of searching each pattern on its
# own, without searching the rest of the text for those that match later or not at all.
_OUTCOME_RE = re.compile(
    "|".join(
        f"(?P<o{rank}>{pattern.pattern})" for rank, (_, pattern) in enumerate(_OUTCOME_PATTERNS)
    ),
    re.IGNORECASE,
)

_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


def infer_outcome(text: str) -> str:
    """The outcome word a decision opens with; the earliest match in its first sentence wins,
    so "Direktionen ser positivt på indsatsen, men vælger at sige nej" is Afvist."""
    text = _squash(text)
    if not text:
        return ""
    # The search stops where the first sentence does, as if the text ended there.
    sentence_end = _SENTENCE_END_RE.search(text)
    match = _OUTCOME_RE.search(text, 0, sentence_end.start() if sentence_end else len(text))
    if match is None or match.lastgroup is None:
        return "Andet"
    return _OUTCOME_PATTERNS[int(match.lastgroup[1:])][0]


def _decision_text(blocks: list[Block]) -> str:
    for block in blocks:
        if isinstance(block, Paragraph):
            return block.text
        if isinstance(block, ListBlock) and block.items:
            return block.items[0]
    return ""


# --------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------


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
        matched = False
        for name, pattern in _FIELD_RES:
            match = pattern.match(text)
            if not match:
                continue
            matched, last_field = True, name
            value = match[1].strip()
            if name == "date":
                date_value = (value, index + 1)
            elif name == "place":
                location = value
            elif name == "participants":
                participants_seen = True
                participants.extend(_participant(p, False) for p in _split_people(value))
            else:
                _add_absent(participants, value)
            break
        if matched:
            continue
        toc_line = _TOC_LINE_RE.match(lines[index].strip(" "))
        if toc_line and ("\t" in lines[index] or ".." in text or "…" in text):
            page = toc_line["page"]
            toc.append(
                TocEntry(_squash(toc_line["title"]).rstrip(" ."), int(page) if page else None)
            )
        elif in_toc:
            toc.append(TocEntry(text, None))
        elif last_field == "participants":
            participants.extend(_participant(p, False) for p in _split_people(text))
        elif last_field == "absent":
            _add_absent(participants, text)
    starts_at = _starts_at(date_value, header, warnings)
    if location is None or not location:
        warnings.append("Mødested mangler.")
    if not participants_seen:
        warnings.append("Mødedeltagere mangler.")
    return _Meta(starts_at, location or "", participants, toc)


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


# --------------------------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------------------------


@dataclass
class _Section:
    kind: str
    lines: list[int] = field(default_factory=list)  # indexes into the _Source
    decision: _DecisionHeading | None = None


def _is_closed(title: str) -> bool:
    norm = _norm_title(title)
    return norm == "lukket" or norm.startswith(("lukket ", "lukket:")) or norm.endswith("(lukket)")


def _parse_item(
    source: _Source,
    start: int,
    end: int,
    meeting_body: str,
    warnings: list[str],
) -> tuple[ParsedItem, list[_Section]]:
    """The item whose heading is ``source.lines[start]``."""
    lines, squashed = source.lines, source.squashed
    heading = _is_item_heading(lines[start])
    assert heading is not None
    number = int(heading["number"])
    title = _squash(heading["title"])
    index = start + 1
    # A long title wraps onto the next lines of the PDF.
    while (
        index < end
        and squashed[index]
        and not _CASE_LIKE_RE.match(lines[index].strip())
        and not _squashed_section_word(squashed[index])
        and "\t" not in lines[index]
    ):
        title = _join(title, squashed[index]) if title else squashed[index]
        index += 1
    while index < end and not squashed[index]:
        index += 1
    case_number = ""
    candidate = lines[index].strip() if index < end else ""
    case_match = _CASE_RE.match(candidate)
    if case_match and int(case_match["serial"]) > 0:
        case_number = f"{case_match['year']}/{int(case_match['serial'])}"
        index += 1
    elif case_match or _CASE_LIKE_RE.match(candidate):
        raise MinutesParseError(
            f"Sagsnummeret “{candidate}” i punkt {number} er ugyldigt: det skal have formen "
            "ÅÅ/løbenummer, f.eks. 17/22360.",
            index + 1,
        )
    else:
        warnings.append(f"Punkt {number} har intet sagsnummer.")

    sections = _collect_sections(source, index, end, number, title, meeting_body, warnings)
    item = ParsedItem(number, title, case_number, _is_closed(title), line=start + 1)
    background: list[int] = []
    for section in sections:
        if section.kind in ("preamble", "background"):
            background.extend(section.lines)
        elif section.kind == "recommendation":
            item.recommendation = _recommendation(_build_blocks(source, section.lines, False))
        elif section.kind == "presentation":
            item.presentation = _build_blocks(source, section.lines)
        elif section.kind == "economy":
            item.economy = _build_blocks(source, section.lines)
        elif section.kind == "attachments":
            item.attachments.extend(_attachments(source, section.lines))
    item.background = _build_blocks(source, background)
    return item, sections


def _attachments(source: _Source, indexes: Sequence[int]) -> list[str]:
    titles = []
    squashed = source.squashed
    for index in indexes:
        text = squashed[index]  # tabs are whitespace to _squash too
        bullet = _BULLET_RE.match(text)
        text = bullet[1] if bullet else text
        if text:
            titles.append(text)
    return titles


def _collect_sections(
    source: _Source,
    start: int,
    end: int,
    number: int,
    title: str,
    meeting_body: str,
    warnings: list[str],
) -> list[_Section]:
    """Sort the item's lines into sections by their headings.

    A section word seen a second time once Sagsfremstilling has begun ("Baggrund" in 2018 item
    3) is a sub-heading of the running section: the minutes' own template puts each section
    once, so the repeat can only be the author's heading inside the case text. Before
    Sagsfremstilling a repeat reopens the earlier section, which keeps its text together.
    Such sub-headings are added to ``source.subheadings``.
    """
    lines, squashed, subheadings = source.lines, source.squashed, source.subheadings
    preamble = _Section("preamble")
    sections = [preamble]
    by_kind: dict[str, _Section] = {}
    decisions_seen: set[tuple[str, datetime.date | None]] = set()
    current = preamble
    title_norm = _norm_title(title)

    def is_repeated_title(index: int) -> bool:
        """The title after a leading Bilag list; an attachment named like the item (2018 item
        9) is the same text, so only the last such line before more content is the title."""
        following = next((j for j in range(index + 1, end) if squashed[j]), None)
        if following is None:
            return False
        return _norm_title(lines[following]) != title_norm

    for index in range(start, end):
        text = squashed[index]
        if not text:
            # A blank line is never a heading nor the title: it goes with the section.
            current.lines.append(index)
            continue
        kind = None
        decision = None
        if "\t" not in lines[index]:
            # Two quick looks spare most lines the full tests. A squashed line has no space at
            # either end, so one that is longer than every section word and does not end with
            # ":" is no section word (see _squashed_section_word). Only "B" and "b" case-fold
            # to a text that starts with "b".
            if len(text) <= _SECTION_WORD_MAX_LENGTH or text[-1] == ":":
                kind = _squashed_section_word(text)
            if kind is None and text[0] in "bB" and text[:10].casefold().startswith("beslutning"):
                decision = _decision_heading(text, index + 1, meeting_body)
        if decision is not None:
            in_presentation = "presentation" in by_kind and current.kind != "attachments"
            key = (decision.body.casefold(), decision.decided_on)
            if key in decisions_seen and in_presentation:
                current.lines.append(index)
                subheadings.add(index)
                continue
            decisions_seen.add(key)
            if decision.written_date and decision.decided_on is None:
                warnings.append(
                    f"Punkt {number}: datoen i “{text}” kan ikke læses; beslutningen står "
                    "uden dato."
                )
            current = _Section("decision", decision=decision)
            sections.append(current)
            continue
        if kind is not None:
            in_presentation = "presentation" in by_kind and current.kind != "attachments"
            if kind in by_kind and in_presentation:
                current.lines.append(index)
                subheadings.add(index)
            elif kind in by_kind:
                warnings.append(
                    f"Punkt {number}: afsnittet “{text}” forekommer to gange; teksten er lagt "
                    "sammen."
                )
                current = by_kind[kind]
            else:
                current = _Section(kind)
                by_kind[kind] = current
                sections.append(current)
            continue
        if (
            current.kind in ("preamble", "attachments")
            and _norm_title(text) == title_norm
            and (current.kind == "preamble" or is_repeated_title(index))
        ):
            # The item's title repeated after a leading Bilag list closes that list.
            current = preamble
            continue
        current.lines.append(index)
    return sections


def _decisions(
    item: ParsedItem,
    source: _Source,
    sections: list[_Section],
    meeting_body: str,
    meeting_day: datetime.date,
    warnings: list[str],
) -> None:
    decisions: list[Decision] = []
    for section in sections:
        if section.kind != "decision" or section.decision is None:
            continue
        blocks = _build_blocks(source, section.lines)
        heading = section.decision
        decisions.append(
            Decision(
                heading.body or meeting_body,
                heading.decided_on,
                infer_outcome(_decision_text(blocks)),
                blocks,
            )
        )
    if not decisions:
        return

    def own_body(decision: Decision) -> bool:
        body, meeting = decision.body.casefold(), meeting_body.casefold()
        if not body or body == meeting:
            return True  # the usual case; difflib would only confirm it, slowly
        # The cheap upper bounds of the ratio first, as difflib.get_close_matches does.
        matcher = difflib.SequenceMatcher(None, body, meeting)
        return (
            matcher.real_quick_ratio() >= 0.85
            and matcher.quick_ratio() >= 0.85
            and matcher.ratio() >= 0.85
        )

    own = [own_body(decision) for decision in decisions]
    ranked = sorted(
        range(len(decisions)),
        key=lambda i: (own[i], decisions[i].decided_on == meeting_day, i),
    )
    chosen = decisions[ranked[-1]]
    if not own[ranked[-1]] and chosen.decided_on != meeting_day:
        # Only other bodies' or earlier decisions: history, not this meeting's decision.
        item.other_decisions = decisions
        return
    if chosen.decided_on is not None and chosen.decided_on != meeting_day:
        warnings.append(
            f"Punkt {item.number}: beslutningen er dateret {_day_month_year(chosen.decided_on)}, "
            f"men mødet er {_day_month_year(meeting_day)}."
        )
    item.decision = chosen
    item.other_decisions = [d for d in decisions if d is not chosen]


def _toc_warnings(toc: list[TocEntry], items: list[ParsedItem]) -> list[str]:
    if not toc:
        return []
    warnings = []
    if len(toc) != len(items):
        warnings.append(
            f"Indholdsfortegnelsen har {len(toc)} punkter, men teksten har {len(items)}."
        )
    toc_titles = [_norm_title(entry.title) for entry in toc]
    item_titles = [_norm_title(item.title) for item in items]
    if toc_titles == item_titles:
        return warnings  # the usual case: nothing for difflib to find
    matcher = difflib.SequenceMatcher(None, toc_titles, item_titles, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for offset in range(pairs):
            entry, item = toc[i1 + offset], items[j1 + offset]
            ratio = difflib.SequenceMatcher(
                None, toc_titles[i1 + offset], item_titles[j1 + offset]
            ).ratio()
            if ratio >= 0.6:
                warnings.append(
                    f"Indholdsfortegnelsen staver punkt {item.number} anderledes: "
                    f"“{entry.title}” (punktet hedder “{item.title}”)."
                )
            else:
                warnings.append(
                    f"Indholdsfortegnelsens “{entry.title}” svarer ikke til punkt "
                    f"{item.number} “{item.title}”."
                )
        for entry in toc[i1 + pairs : i2]:
            warnings.append(f"“{entry.title}” står i indholdsfortegnelsen, men ikke som punkt.")
        for item in items[j1 + pairs : j2]:
            warnings.append(f"Punkt {item.number} “{item.title}” mangler i indholdsfortegnelsen.")
    return warnings


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def parse_minutes(text: str) -> ParsedMinutes:
    """Parse the text of one set of minutes or one agenda.

    Line numbers in errors and in ``ParsedItem.line`` refer to ``text`` as given; page numbers
    and running headers are ignored in place, so :func:`normalise_pdf_text` is optional.
    """
    visible = _visible_text(text)
    lines = _split_visible_text(visible)
    noise = _noise_line_indexes(lines)
    # _clean_markup gives a line without any of its marks back as it is, and few lines hold
    # one: the text is searched for the marks, and only the lines that hold one are cleaned
    # (once: cleaning is not idempotent, "./.. ./.. Bilag" loses one mark).
    marked = {i for mark, rare in _MARKUP_MARKS for i in _lines_holding(visible, mark, rare)}
    for i in marked:
        lines[i] = _clean_markup(lines[i])
    for i in noise:
        lines[i] = ""
    squashed = list(map(_squash, lines))
    header = _find_header(squashed)
    starts = [
        i
        for i in _indexes_of_possible_item_headings(squashed)
        if i > header.index and _is_item_heading(lines[i])
    ]
    if not starts:
        raise MinutesParseError(
            "Teksten har ingen punkter: der er ingen linjer som “Punkt 1: …”.", header.index + 1
        )
    warnings: list[str] = []
    meta = _parse_meta(lines, squashed, header, starts[0], warnings)
    source = _Source(lines, squashed)
    items: list[ParsedItem] = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        item, sections = _parse_item(source, start, end, header.body, warnings)
        _decisions(item, source, sections, header.body, meta.starts_at.date(), warnings)
        items.append(item)
    for position, item in enumerate(items, start=1):
        if item.number != position:
            warnings.append(
                f"Punkterne er ikke nummereret fortløbende: punkt nummer {position} hedder "
                f"“Punkt {item.number}”."
            )
            break
    warnings.extend(_toc_warnings(meta.toc, items))
    return ParsedMinutes(
        document=header.document,
        body=header.body,
        starts_at=meta.starts_at,
        location=meta.location,
        participants=meta.participants,
        toc=meta.toc,
        items=items,
        warnings=warnings,
    )


def normalise_pdf_text(text: str) -> str:
    """Clean text a PDF library extracted, before it is parsed or shown.

    Drops page numbers ("Side 3 af 24") and running headers and footers, joins a table whose
    header row is repeated after a page break, joins a sentence a page break split, and joins a
    word hyphenated at a line break: without the hyphen only when the text elsewhere writes the
    word without it ("udvik-" + "ling"), otherwise keeping the hyphen ("it-" + "promillepuljen"),
    and never before "og"/"eller" ("Børne- og Ungetandplejen").

    Text wrapped into printed lines without blank lines between paragraphs (what pdfplumber
    gives) gets its paragraphs back first, one per line with a blank line between, as in the
    sample minutes; see ``_reflow``. Tables cannot be rebuilt from such text: a PDF library
    that keeps cells apart must join them with tabs.
    """
    lines = _split_lines(text)
    noise = _noise_line_indexes(lines)
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in noise:
            continue
        if _is_blank(line):
            if kept and kept[-1] != "":
                kept.append("")
            continue
        kept.append(line)
    vocabulary = set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text.casefold()))
    kept = _reflow(kept, vocabulary)
    out: list[str] = []
    table_head = ""
    for line in kept:
        if "\t" in line:
            after_gap = len(out) >= 2 and out[-1] == "" and "\t" in out[-2]
            if after_gap and line == table_head:
                # The header row repeated at the top of the next page: one table, one header.
                out.pop()
                continue
            if not after_gap and not (out and "\t" in out[-1]):
                table_head = line
            out.append(line)
            continue
        if line and out and _joinable_before(out[-1]) and _hyphenated(out[-1], line):
            out[-1] = _join_hyphenated(out[-1], line, vocabulary)
            continue
        if (
            line
            and len(out) >= 2
            and out[-1] == ""
            and _joinable_before(out[-2])
            and _joinable_after(line)
        ):
            previous = out[-2]
            if _hyphenated(previous, line):
                out.pop()
                out[-1] = _join_hyphenated(previous, line, vocabulary)
                continue
            if _continues(previous.strip(), line.strip()):
                out.pop()
                out[-1] = f"{previous} {line.strip()}"
                continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


_REFLOW_MAX_BLANK_RATIO = 0.3
_REFLOW_FIT_AFTER_SENTENCE = 1.0
_REFLOW_FIT_MID_SENTENCE = 0.75
_REFLOW_FIT_AFTER_COLON = 0.9


def _reflow(lines: list[str], vocabulary: set[str]) -> list[str]:
    """Rebuild paragraphs from text wrapped into physical lines (pdfplumber's output).

    The samples have one paragraph per line and a blank line between paragraphs; a PDF library
    gives the printed lines with no blank lines at all. Text with hardly any blank lines is
    rewrapped: a line ends its paragraph when the next line's first word would have fitted on
    it (so the author broke the line), or when the next line starts a heading, a list item or
    a case number. Text that already has its blank lines is returned as it is.
    """
    written = [line.strip() for line in lines if line.strip()]
    prose = [len(t) for t in written if not _is_structural(t)]
    blanks = len(lines) - len(written)
    if len(prose) < 10 or blanks > _REFLOW_MAX_BLANK_RATIO * len(written):
        return lines
    width = sorted(prose)[int(0.95 * (len(prose) - 1))]
    out: list[str] = []
    previous = ""

    def following(index: int) -> str:
        return lines[index + 1].strip() if index + 1 < len(lines) else ""

    for index, line in enumerate(lines):
        text = line.strip()
        if not text or "\t" in line:
            out.append(line if text else "")
            previous = ""
            continue
        if not previous:
            out.append(text)
        elif _hyphenated(previous, text) and not _starts_block(text):
            # Checked before the width: "udvik-" is short only because the word was split.
            out[-1] = _join_hyphenated(out[-1], text, vocabulary)
        elif _ends_paragraph(previous, text, following(index), width, out[-1] == previous):
            out.extend(["", text])
        else:
            out[-1] = f"{out[-1]} {text}"
        previous = text
    return out


def _is_one_line_heading(text: str) -> bool:
    """Lines that never wrap: section words, case numbers, decision headings."""
    return bool(
        _section_word(text)
        or _CASE_LIKE_RE.match(text)
        or _TOC_TITLE_RE.match(text)
        or re.match(r"^beslutning\b(?:.*\b(?:den|d\.)\s*\d.*|\s*:?)$", text, re.IGNORECASE)
    )


def _starts_block(text: str) -> bool:
    return bool(
        _is_one_line_heading(text)
        or _is_item_heading(text)
        or _ORDERED_RE.match(text)
        or _BULLET_RE.match(text)
        or any(pattern.match(text) for _, pattern in _FIELD_RES)
        # Numbered attachments ("Bilag 2 - Central netværksenhed") are one to a line.
        or re.match(r"^bilag\s+\d+\b", text, re.IGNORECASE)
    )


def _ends_paragraph(
    previous: str, text: str, after: str, width: int, previous_stands_alone: bool
) -> bool:
    """Whether the line break between ``previous`` and ``text`` is the author's.

    ``previous_stands_alone`` says that ``previous`` began its paragraph, so that a line
    without closing punctuation there is a heading candidate.
    """
    if _is_item_heading(previous):
        # A long item title wraps; it ends at the case number or the first section.
        return _starts_block(text)
    if _starts_block(text) or _is_one_line_heading(previous) or text.startswith("At "):
        return True
    # How full the line would have been with the next word on it. Character counts only
    # approximate a proportional font, so the thresholds leave room either way.
    fit = (len(previous) + 1 + len(text.split()[0])) / width
    starts_sentence = text[:1].isupper() or text[:1].isdigit()
    if previous.endswith((".", "!", "?")) and starts_sentence:
        # After a finished sentence a short unpunctuated line is a heading, whatever fits.
        heading = len(text) <= _REFLOW_FIT_MID_SENTENCE * width and not text.endswith(_TERMINAL)
        return fit < _REFLOW_FIT_AFTER_SENTENCE or (heading and after[:1].isupper())
    if previous.endswith(":") and starts_sentence:
        # "… omfatter:" introduces the next paragraph unless the line was nearly full.
        return fit < _REFLOW_FIT_AFTER_COLON
    if previous_stands_alone and not previous.endswith(_TERMINAL) and text[:1].isupper():
        # A line of its own without punctuation that the next word would have fitted on.
        return fit < _REFLOW_FIT_AFTER_SENTENCE
    # Mid-sentence only a clearly short line ends a paragraph: a heading, "at …" clauses.
    return fit <= _REFLOW_FIT_MID_SENTENCE


def _joinable_before(line: str) -> bool:
    """Text a page break may have cut: not a heading, a table row or a case number."""
    text = _squash(line)
    return (
        bool(text)
        and "\t" not in line
        and not (
            _section_word(text)
            or _ITEM_RE.match(text)
            or text.casefold().startswith("beslutning")
            or _CASE_RE.match(text)
        )
    )


def _joinable_after(line: str) -> bool:
    text = line.strip()
    return _joinable_before(line) and not (_BULLET_RE.match(text) or _ORDERED_RE.match(text))


def _hyphenated(previous: str, line: str) -> bool:
    # "Høje-" / "Taastrup" is a compound with a proper noun: joined, the hyphen kept.
    return bool(re.search(r"[^\W\d_]-$", previous)) and bool(re.match(r"\s*[^\W\d_]", line))


def _join_hyphenated(previous: str, line: str, vocabulary: set[str]) -> str:
    line = line.lstrip()
    head_match = re.search(r"([^\W\d_]+)-$", previous)
    tail_match = re.match(r"[^\W\d_]+", line)
    head = head_match[1] if head_match else ""
    tail = tail_match[0] if tail_match else ""
    if tail.casefold() in ("og", "eller", "samt", "til", "som"):
        return f"{previous} {line}"
    joined = (head + tail).casefold()
    if f"{head}-{tail}".casefold() not in vocabulary and any(
        # The word elsewhere, maybe with an inflection ("udvikling" beside "udviklingen").
        word.startswith(joined) and len(word) - len(joined) <= 4
        for word in vocabulary
    ):
        return previous[:-1] + line
    return previous + line


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    # html.escape(text, quote=True), the same replacements in the same order, without the
    # extra call (once for every text and cell of every section).
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def blocks_to_html(blocks: Sequence[Block]) -> str:
    """Render blocks as the HTML the section editors store; all text is escaped."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{_escape(block.text)}</p>")
        elif isinstance(block, Heading):
            parts.append(f"<h3>{_escape(block.text)}</h3>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = "".join([f"<li>{_escape(item)}</li>" for item in block.items])
            parts.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, Table):
            parts.append(_table_html(block))
        else:
            raise TypeError(f"Unknown block type: {type(block).__name__}")
    return "\n".join(parts)


def _table_html(table: Table) -> str:
    def row_html(row: list[str], cell: str) -> str:
        return "<tr>" + "".join(f"<{cell}>{_escape(c)}</{cell}>" for c in row) + "</tr>"

    head = table.rows[: table.header_rows]
    body = table.rows[table.header_rows :]
    thead = f"<thead>{''.join(row_html(r, 'th') for r in head)}</thead>" if head else ""
    tbody = f"<tbody>{''.join(row_html(r, 'td') for r in body)}</tbody>"
    return f"<table>{thead}{tbody}</table>"


class _HtmlBlocks(HTMLParser):
    _TEXT_TAGS = frozenset({"p", "div", "blockquote", "pre"})
    _HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.loose: list[str] = []
        self.text: list[str] | None = None
        self.text_is_heading = False
        self.list: ListBlock | None = None
        self.list_depth = 0
        self.item: list[str] | None = None
        self.table: Table | None = None
        self.table_depth = 0
        self.row: list[str] | None = None
        self.row_header = True
        self.in_thead = False
        self.cell: list[str] | None = None
        self.header_done = False

    def _flush_loose(self) -> None:
        text = _squash("".join(self.loose))
        self.loose = []
        if text:
            self.blocks.append(Paragraph(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.table is not None:
            self._table_start(tag)
        elif self.list is not None:
            if tag in ("ul", "ol"):
                # A nested list is flattened into the outer one.
                self.list_depth += 1
                self._end_item()
            elif tag == "li":
                self._end_item()
                self.item = []
            elif tag == "br" and self.item is not None:
                self.item.append(" ")
        elif tag in ("ul", "ol"):
            self._end_text()
            self._flush_loose()
            self.list = ListBlock(tag == "ol", [])
            self.list_depth = 1
        elif tag == "table":
            self._end_text()
            self._flush_loose()
            self.table = Table([], 0)
            self.table_depth = 1
            self.header_done = False
        elif tag in self._TEXT_TAGS or tag in self._HEADING_TAGS:
            self._end_text()
            self._flush_loose()
            self.text = []
            self.text_is_heading = tag in self._HEADING_TAGS
        elif tag == "br":
            (self.text if self.text is not None else self.loose).append(" ")

    def _table_start(self, tag: str) -> None:
        if tag == "table":
            self.table_depth += 1
        elif tag == "thead":
            self.in_thead = True
        elif tag in ("tbody", "tfoot"):
            self.in_thead = False
        elif tag == "tr":
            self.row, self.row_header = [], True
        elif tag in ("td", "th"):
            self.cell = []
            self.row_header = self.row_header and tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if self.table is not None:
            self._table_end(tag)
        elif self.list is not None:
            if tag == "li":
                self._end_item()
            elif tag in ("ul", "ol"):
                self._end_item()
                self.list_depth -= 1
                if self.list_depth == 0:
                    self.blocks.append(self.list)
                    self.list = None
        elif tag in self._TEXT_TAGS or tag in self._HEADING_TAGS:
            self._end_text()

    def _table_end(self, tag: str) -> None:
        assert self.table is not None
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(_squash("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            is_header = (self.in_thead or (self.row_header and self.row)) and not self.header_done
            if is_header:
                self.table.header_rows += 1
            else:
                self.header_done = True
            self.table.rows.append(self.row)
            self.row = None
        elif tag == "thead":
            self.in_thead = False
        elif tag == "table":
            self.table_depth -= 1
            if self.table_depth == 0:
                if self.table.rows:
                    self.blocks.append(self.table)
                self.table = None

    def _end_item(self) -> None:
        if self.item is not None and self.list is not None:
            self.list.items.append(_squash("".join(self.item)))
        self.item = None

    def _end_text(self) -> None:
        if self.text is None:
            return
        text = _squash("".join(self.text))
        if text:
            self.blocks.append(Heading(text) if self.text_is_heading else Paragraph(text))
        self.text = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif self.table is not None:
            return
        elif self.list is not None:
            if self.item is not None:
                self.item.append(data)
        elif self.text is not None:
            self.text.append(data)
        else:
            self.loose.append(data)

    def result(self) -> list[Block]:
        self.close()
        self._end_text()
        self._end_item()
        if self.list is not None:
            self.blocks.append(self.list)
        if self.table is not None and self.table.rows:
            self.blocks.append(self.table)
        self._flush_loose()
        return self.blocks


def html_to_blocks(html_text: str) -> list[Block]:
    """Read section HTML back into blocks: the inverse of :func:`blocks_to_html`.

    Inline markup (<strong>, <a> …) is dropped to its text, nested lists are flattened into the
    outer list and text outside any block becomes a paragraph.
    """
    parser = _HtmlBlocks()
    parser.feed(html_text)
    return parser.result()
