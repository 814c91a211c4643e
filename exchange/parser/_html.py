"""Blocks as the HTML the section editors store, and that HTML read back into blocks."""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser

from exchange.parser._text import _squash
from exchange.parser._types import Block, Heading, ListBlock, Paragraph, Table


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
