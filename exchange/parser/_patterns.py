"""The patterns and word lists legacy minutes are read with, shared by the parser's modules:
dates and times, the document header and its fields, item headings and case numbers, the table
of contents, section words and decision headings, list items, page noise, markup, and the
invisible characters PDF text carries. A pattern only one module needs is kept in that module.

The other modules take these names by assignment (``_ITEM_RE = _patterns._ITEM_RE``), not with
``from … import``: Python 3.11 compiles a method call on a name bound by an import
(``_ITEM_RE.match(line)``) as an attribute load that makes a bound method on every call, which
slows the helpers run on every line by several per cent.
"""

from __future__ import annotations

import re

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
