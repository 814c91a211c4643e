"""Budget tables in their place in a section's text.

A section's text is sanitised HTML whose top-level elements are its blocks (paragraphs,
headings, lists, tables). A budget table with an anchor stands after that many blocks; one
without stands after the text. The web page and the PDF both go through `section_parts`."""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from typing import TypeVar

T = TypeVar("T")

_VOID = {"br", "hr", "col", "img", "wbr"}


class _TopLevel(HTMLParser):
    """Finds where each top-level element of a fragment ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[tuple[int, int]] = []  # (line, column) after each top-level element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if self.depth == 0:
                self._mark_after_tag()
            return
        self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self._mark_after_tag()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth = max(0, self.depth - 1)
        if self.depth == 0:
            self._mark_after_tag()

    def _mark_after_tag(self) -> None:
        # getpos() is the start of the tag being handled; the tag ends at the next ">".
        self.ends.append(self.getpos())


def split_blocks(html: str) -> list[str]:
    """The top-level elements of an HTML fragment, each with any text before it."""
    if not html:
        return []
    parser = _TopLevel()
    parser.feed(html)
    parser.close()
    line_starts = [0]
    for index, char in enumerate(html):
        if char == "\n":
            line_starts.append(index + 1)
    blocks: list[str] = []
    start = 0
    for line, column in parser.ends:
        offset = line_starts[line - 1] + column
        end = html.index(">", offset) + 1
        chunk = html[start:end]
        if chunk.strip():
            blocks.append(chunk)
        start = end
    rest = html[start:]
    if rest.strip():
        blocks.append(rest)
    return blocks


def section_parts(html: str, tables: Sequence[T], anchors: Sequence[int | None]) -> list[str | T]:
    """The section's HTML blocks with its tables placed: each table after `anchor` blocks
    (tables with the same anchor keep their order), the rest after the text."""
    blocks = split_blocks(html)

    def place(i: int) -> int:
        anchor = anchors[i]
        return len(blocks) if anchor is None else min(anchor, len(blocks))

    parts: list[str | T] = []
    position = 0
    for i in sorted(range(len(tables)), key=lambda i: (place(i), i)):
        while position < place(i):
            parts.append(blocks[position])
            position += 1
        parts.append(tables[i])
    parts.extend(blocks[position:])
    return parts
