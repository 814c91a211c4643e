"""A section's lines as blocks: paragraphs, headings, lists and tables, with the text a page
break split joined again, and the lines as parse_minutes prepared them (``_Source``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from exchange.parser import _patterns
from exchange.parser._text import _join, _squash
from exchange.parser._types import Block, Heading, ListBlock, Paragraph, Table

# Assigned rather than imported by name, for speed: see _patterns.
_BULLET_RE = _patterns._BULLET_RE
_CLAUSE_START_RE = _patterns._CLAUSE_START_RE
_CONTINUATION_MIN_LENGTH = _patterns._CONTINUATION_MIN_LENGTH
_FUNCTION_WORDS = _patterns._FUNCTION_WORDS
_HEADING_MAX_LENGTH = _patterns._HEADING_MAX_LENGTH
_ORDERED_RE = _patterns._ORDERED_RE
_TERMINAL = _patterns._TERMINAL


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
