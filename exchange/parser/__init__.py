"""Turn the text of legacy minutes (referater) and agendas (dagsordener) into structured data.

The text is what a PDF library extracted from the municipality's old minutes: a header
(``REFERAT Direktionen d. 20-03-2017``, Mødedato, Mødested, Mødedeltagere), a table of
contents, and items (``Punkt 3: …``) with a case number and sections (Baggrund, Indstilling,
Beslutning …, Sagsfremstilling, Økonomi, Bilag).

This package is deliberately pure Python (no Django, no database) so that it can be tested in
isolation and reused by a management command, a Celery task or a preview page alike. Errors the
user must fix raise :class:`MinutesParseError` with a Danish message and a line number; oddities
the import can live with become Danish ``warnings`` on the result.

This module holds the public functions and gives every public name; the work is done in private
modules, one for each part of the minutes, each importing only modules listed before it:
``_types`` (the results), ``_patterns``, ``_text`` (small helpers on lines), ``_pages`` (running
headers, footers and page numbers), ``_blocks`` (section text), ``_decisions`` (recommendation
and decision outcome), ``_header``, ``_items``, ``_pdf_text`` (paragraphs rebuilt for
:func:`normalise_pdf_text`) and ``_html`` (blocks to and from HTML).
"""

from __future__ import annotations

import re

from exchange.parser._blocks import _continues, _Source
from exchange.parser._decisions import infer_outcome
from exchange.parser._header import _find_header, _parse_meta
from exchange.parser._html import blocks_to_html, html_to_blocks
from exchange.parser._items import _add_decisions, _parse_item, _toc_warnings
from exchange.parser._pages import _noise_line_indexes
from exchange.parser._pdf_text import (
    _hyphenated,
    _join_hyphenated,
    _joinable_after,
    _joinable_before,
    _reflow,
)
from exchange.parser._text import (
    _MARKUP_MARKS,
    _clean_markup,
    _indexes_of_possible_item_headings,
    _is_blank,
    _is_item_heading,
    _lines_holding,
    _split_lines,
    _split_visible_text,
    _squash,
    _visible_text,
)
from exchange.parser._types import (
    OUTCOMES,
    Block,
    Decision,
    Heading,
    ListBlock,
    MinutesParseError,
    Paragraph,
    ParsedItem,
    ParsedMinutes,
    Participant,
    Recommendation,
    Table,
    TocEntry,
)

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
        _add_decisions(item, source, sections, header.body, meta.starts_at.date(), warnings)
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
