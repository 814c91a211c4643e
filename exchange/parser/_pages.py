"""Running headers, footers and page numbers: the lines a PDF puts on every page, found so that
parse_minutes can blank them in place and normalise_pdf_text can drop them."""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Sequence

from exchange.parser import _patterns
from exchange.parser._text import _may_be_item_heading, _norm_title, _section_word

# Assigned rather than imported by name, for speed: see _patterns.
_BULLET_RE = _patterns._BULLET_RE
_CASE_RE = _patterns._CASE_RE
_DECISION_RE = _patterns._DECISION_RE
_HEADER_RE = _patterns._HEADER_RE
_ITEM_RE = _patterns._ITEM_RE
_ORDERED_RE = _patterns._ORDERED_RE
_PAGE_NOISE_RE = _patterns._PAGE_NOISE_RE
_RUNNING_HEADER_RE = _patterns._RUNNING_HEADER_RE
_TERMINAL = _patterns._TERMINAL
_TOC_LINE_RE = _patterns._TOC_LINE_RE


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
    page_numbers = set(itertools.compress(itertools.count(), map(_PAGE_NOISE_RE.match, stripped)))
    # Blank lines and table rows are counted too (Counter counts a list in one go), but
    # neither is ever a running header or footer: _running_header_indexes leaves them out,
    # and _Removable refuses them.
    counts = Counter(stripped)
    removable = _Removable(stripped)
    return (
        page_numbers
        | _running_header_indexes(stripped, counts, removable)
        | _beside_page_numbers(stripped, page_numbers, counts, removable)
    )


class _Removable:
    """Whether a line may be dropped as a running header or footer: not blank, no table row,
    nothing the parser reads (see _is_structural), no end of a sentence and no item's title."""

    def __init__(self, stripped: list[str]) -> None:
        self.stripped = stripped
        self.titles: set[str] | None = None

    def __call__(self, text: str) -> bool:
        if not text or "\t" in text or _is_structural(text) or text.endswith(_TERMINAL):
            return False
        if self.titles is None:
            # Wanted only for the few lines that may be a running header or footer.
            self.titles = {
                _norm_title(match["title"])
                for line in self.stripped
                if _may_be_item_heading(line) and (match := _ITEM_RE.match(line)) and match["title"]
            }
        return _norm_title(text) not in self.titles


def _running_header_indexes(
    stripped: list[str], counts: Counter[str], removable: _Removable
) -> set[int]:
    """Indexes of the document's header repeated on later pages, and of other running
    headers (a line that comes back, ending with a date)."""
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
    if not headers and not running:  # most texts have neither: no need to look at every line
        return set()
    found: set[int] = set()
    header_seen = False
    for i, text in enumerate(stripped):
        if text in headers:
            # The first page's header stays; the same line on later pages is a running header.
            if header_seen:
                found.add(i)
            header_seen = True
        elif text in running:
            found.add(i)
    return found


def _beside_page_numbers(
    stripped: list[str], page_numbers: set[int], counts: Counter[str], removable: _Removable
) -> set[int]:
    """Indexes of the lines next to a page number (a blank line or two between aside) that
    come back at least three times: that page's header or footer."""
    found: set[int] = set()
    for i in page_numbers:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(stripped) and not stripped[j] and abs(j - i) <= 2:
                j += step
            if 0 <= j < len(stripped) and counts[stripped[j]] >= 3 and removable(stripped[j]):
                found.add(j)
    return found
