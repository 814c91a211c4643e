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
and decision outcome), ``_header``, ``_items``, ``_pdf_text`` (the steps of
:func:`normalise_pdf_text`) and ``_html`` (blocks to and from HTML).
"""

from __future__ import annotations

from exchange.parser._blocks import _Source
from exchange.parser._decisions import infer_outcome
from exchange.parser._header import _find_header, _parse_meta
from exchange.parser._html import blocks_to_html, html_to_blocks
from exchange.parser._items import (
    _add_decisions,
    _item_starts,
    _numbering_warnings,
    _parse_item,
    _toc_warnings,
)
from exchange.parser._pages import _noise_line_indexes
from exchange.parser._pdf_text import _reflow, _rejoined, _vocabulary, _without_noise
from exchange.parser._text import (
    _MARKUP_MARKS,
    _clean_markup,
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
    source = _prepared_source(text)
    lines, squashed = source.lines, source.squashed
    header = _find_header(squashed)
    starts = _item_starts(lines, squashed, header.index)
    warnings: list[str] = []
    meta = _parse_meta(lines, squashed, header, starts[0], warnings)
    items: list[ParsedItem] = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        item, sections = _parse_item(source, start, end, header.body, warnings)
        _add_decisions(item, source, sections, header.body, meta.starts_at.date(), warnings)
        items.append(item)
    warnings.extend(_numbering_warnings(items))
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


def _prepared_source(text: str) -> _Source:
    """The lines of ``text`` as the parser reads them: invisible characters replaced, markup
    cleaned, page numbers, running headers and footers blanked, and each line squashed."""
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
    return _Source(lines, list(map(_squash, lines)))


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
    kept = _without_noise(_split_lines(text))
    vocabulary = _vocabulary(text)
    return _rejoined(_reflow(kept, vocabulary), vocabulary)
