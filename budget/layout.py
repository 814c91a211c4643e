"""Reading the layout of a table given as rows of cell strings — a table of legacy minutes or
a block pasted from Excel — into a budget table grid.

The shape the minutes use: an optional header row (years, or names such as "Beløb", with the
unit or "Punkt" over the label columns), then rows with an optional reference ("1.2"), a text
and an amount per value column. Rows that start with "I alt", "Total", "Samlet"/"Samlede" are
stated totals: the last is the table's total, earlier ones subtotals. A row starting with
"*" is a note; a row without reference and amounts is a group heading, unless it follows one
("Ingen punkter" under "IT-kompetencer" is a line).
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from budget.models import BudgetRow, Unit
from budget.numbers import (
    NumberError,
    format_danish_number,
    is_year,
    parse_danish_number,
)
from budget.tables import (
    CellError,
    ComputedTable,
    Grid,
    GridError,
    GridRow,
    Mismatch,
    TableData,
    compute,
    table_data_from_grid,
)

Kind = BudgetRow.Kind
# The members as plain module constants: an enum member looked up on its class goes through a
# descriptor, and the layout asks for them once per row.
_KIND_LINE, _KIND_SUBTOTAL, _KIND_TOTAL, _KIND_NOTE, _KIND_HEADING = (
    Kind.LINE,
    Kind.SUBTOTAL,
    Kind.TOTAL,
    Kind.NOTE,
    Kind.HEADING,
)

_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")
_REF = re.compile(r"^\d{1,3}(?:\.(?:\d{1,3}|[a-zA-Z]))*\.?$")
_REF_HEADINGS = {"punkt", "pkt.", "pkt", "nr.", "nr", "ref.", "ref", "løbenr.", "id"}
_TOTAL = re.compile(r"^(?:i alt|total|totalt|sum|subtotal|samlet|samlede)\b", re.IGNORECASE)
_NOTE = re.compile(r"^(?:\*|note\b|heraf\b)", re.IGNORECASE)
_UNITS = [
    (re.compile(r"mio\.?\s*kr", re.IGNORECASE), Unit.MILLIONS),
    (re.compile(r"(?:1\.000|1000|t\.)\s*kr|\btkr\b", re.IGNORECASE), Unit.THOUSANDS),
    (re.compile(r"(?<![\w.])kr\.?(?!\w)", re.IGNORECASE), Unit.KR),
]
_UNIT_LABEL = re.compile(
    r"\s*(?:[/(,–-]\s*)?(?:mio\.?\s*kr\.?|(?:1\.000|1000|t\.)\s*kr\.?|tkr\.?|kr\.?)\s*\)?\s*$",
    re.IGNORECASE,
)
# Sign patterns tried when a stated total disagrees (costs minus gains); 2**6 at most.
_MAX_SIGN_SEARCH = 6


# Pure functions of one cell's text, asked again and again for the same cells while a table's
# layout is inferred (and for the same few strings in every table): cached.
@functools.lru_cache(maxsize=8192)
def clean_cell(text: str) -> str:
    """A cell as text: tags a converter left (<i>…</i>) and entities gone, spaces collapsed."""
    if "<" in text:
        text = _TAG.sub("", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def unit_in_text(text: str) -> str | None:
    """The unit a heading or caption names ("1.000 kr.", "Tekst / mio. kr."), if any."""
    for pattern, unit in _UNITS:
        if pattern.search(text):
            return str(unit)
    return None


# A unit stated as such in running text: "1.000 kr." opening a line, "(1.000 kr.)",
# "i 1.000 kr.", "beløb i mio. kr." — not an amount such as "2,8 mio. kr.".
_UNIT_WORDS = r"1\.000\s*kr|t\.\s*kr|mio\.\s*kr"
_UNIT_IN_CONTEXT = re.compile(
    rf"(?:^|\(|\bi\s|\bbeløb\s)\s*(?P<unit>{_UNIT_WORDS})", re.IGNORECASE | re.MULTILINE
)
# The units alone, wherever they stand: see unit_in_context.
_UNIT_NAMED = re.compile(_UNIT_WORDS, re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def unit_in_context(text: str) -> str | None:
    """The unit the text around a table states for its amounts, if it states one.

    Cached: every table of an item without a unit of its own asks about the same text.
    """
    # Searching the whole text for _UNIT_IN_CONTEXT tries its four openings at every
    # position of a long text. Instead, find the few units the text names, in order, and try
    # the pattern only just before each: a match ends with the unit, and begins with at most
    # "beløb" (five characters) before the spaces in front of it. `search` with a start
    # position still sees the text before it, for `^` and `\b`. The first unit with a match
    # is the one a search of the whole text finds.
    for named in _UNIT_NAMED.finditer(text):
        start = named.start()
        while start > 0 and text[start - 1].isspace():
            start -= 1
        match = _UNIT_IN_CONTEXT.search(text, max(0, start - len("beløb")), named.end())
        if match:
            return unit_in_text(match.group("unit") + ".")
    return None


def is_total_text(text: str) -> bool:
    return bool(_TOTAL.match(text.strip()))


# A letter no amount holds: besides digits an amount may only carry "kr." (in any case; the
# Kelvin sign is a "K" to a case-insensitive pattern).
_NO_AMOUNT_LETTER = re.compile(r"[^\W\d_kKrR\u212a]")


@functools.lru_cache(maxsize=8192)
def _cell_kind(text: str) -> str:
    """'empty', 'number' (an amount or "?"), 'year' or 'text'."""
    if not text:
        return "empty"
    if is_year(text):
        return "year"
    if _NO_AMOUNT_LETTER.search(text):
        # Most text cells say so at once; parse_danish_number would only find out by
        # building (and translating) an error message.
        return "text"
    try:
        parse_danish_number(text)
    except NumberError:
        return "text"
    return "number"


@dataclass
class InferredTable:
    grid: Grid
    has_header: bool
    unit: str | None  # the unit the header names, if it names one
    mismatches: list[Mismatch] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    # The rows as parsed and computed when the stated totals were settled (none when the grid
    # has errors): what the legacy importer writes, so that it need not parse them again.
    settled: Settled | None = None


class NotABudgetTable(Exception):
    """The rows hold no column of amounts; the message says why, in Danish."""


def _normalise(rows: list[list[str]]) -> list[list[str]]:
    """The rows cleaned (new lists), without blank rows and blank columns, all as wide."""
    cleaned = [list(map(clean_cell, row)) for row in rows]  # map calls the cache from C
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return []
    width = max(map(len, cleaned))
    # The parser's rows are all as wide already.
    cleaned = [row if len(row) == width else row + [""] * (width - len(row)) for row in cleaned]
    keep = [c for c, column in enumerate(zip(*cleaned, strict=True)) if any(column)]
    if len(keep) == width:
        return cleaned  # no blank column; the rows are this function's own lists
    return [[row[c] for c in keep] for row in cleaned]


def is_header_row(row: list[str]) -> bool:
    """A first row naming the columns: years or words over the amounts, no amounts."""
    if len(row) < 2:
        return False
    kinds = [_cell_kind(c) for c in row[1:]]
    return any(k in {"year", "text"} for k in kinds) and all(k != "number" for k in kinds)


def infer_grid(rows: list[list[str]], *, strict: bool) -> InferredTable:
    """Read rows of cell strings as a budget table.

    strict (legacy import): every cell of a value column must be an amount, "?" or blank,
    else NotABudgetTable — the table stays an ordinary table. Not strict (paste): a column
    mostly of amounts is a value column, and its other cells come back in `errors`, each
    naming row and column, with the grid as it was pasted so nothing is lost.
    """
    table = _normalise(rows)
    if not table:
        raise NotABudgetTable(_("Der er ingen rækker i tabellen."))
    width = len(table[0])
    if width < 2:
        raise NotABudgetTable(_("Tabellen har ingen kolonne med beløb."))
    has_header = is_header_row(table[0])
    header = table[0] if has_header else [""] * width
    data = table[1:] if has_header else table
    if not data:
        raise NotABudgetTable(_("Tabellen har kun en overskriftsrække."))

    def value_column(c: int) -> bool:
        kinds = [_cell_kind(row[c]) for row in data]
        numbers = kinds.count("number") + kinds.count("year")
        texts = kinds.count("text")
        if is_year(header[c]) and (not strict or texts == 0):
            return True
        if numbers == 0:
            return False
        return texts == 0 if strict else texts <= numbers

    first_value = width
    while first_value > 1 and value_column(first_value - 1):
        first_value -= 1
    if first_value == width:
        raise NotABudgetTable(_("Tabellen har ingen kolonne med beløb."))
    year_columns = [c for c in range(1, width) if is_year(header[c])]
    if year_columns and strict and year_columns[0] < first_value:
        # A year column holding text: not a table of amounts after all.
        raise NotABudgetTable(_("En kolonne med et årstal indeholder tekst."))

    n_labels = first_value
    ref_column = False
    if n_labels >= 2:
        refs = [row[0] for row in data if row[0]]
        ref_like = sum(bool(_REF.match(r)) for r in refs)
        ref_column = header[0].casefold() in _REF_HEADINGS or (
            bool(refs) and ref_like * 2 >= len(refs)
        )
    unit = unit_in_text(header[0]) if has_header else None
    label_heading = _UNIT_LABEL.sub("", header[0]).strip() if unit else header[0]
    ref_heading, text_heading = "", ""
    # str.join makes a list of a generator first: the lists below are made directly.
    if ref_column:
        ref_heading = label_heading
        text_heading = " ".join([h for h in header[1:n_labels] if h])
    else:
        text_heading = " ".join([h for h in [label_heading, *header[1:n_labels]] if h])

    grid_rows: list[GridRow] = []
    for row in data:
        if n_labels == 1:
            ref, text = "", row[0]  # the one label, as the join below would give it
        elif ref_column and _REF.match(row[0]):
            ref, text = row[0], " ".join([t for t in row[1:n_labels] if t])
        else:
            ref, text = "", " ".join([t for t in row[:n_labels] if t])
        # GridRow(kind, ref, text, cells), positional: faster than by keyword, once per row;
        # the kind is set by _assign_kinds.
        grid_rows.append(GridRow(_KIND_LINE, ref, text, row[n_labels:]))

    _assign_kinds(grid_rows)
    columns = list(header[n_labels:])
    grid = Grid(
        unit=unit or Unit.KR,
        ref_heading=ref_heading,
        text_heading=text_heading,
        columns=columns,
        rows=grid_rows,
    ).normalised()
    try:
        settled = settle(grid)
    except GridError as exc:
        # Not strict, the grid goes back to the editor with every bad cell named; strict, the
        # legacy reader keeps it as an ordinary table.
        return InferredTable(grid, has_header, unit, errors=exc.errors)
    return InferredTable(
        grid, has_header, unit, mismatches=settled.computed.mismatches, settled=settled
    )


def _assign_kinds(rows: list[GridRow]) -> None:
    totals = {i for i, row in enumerate(rows) if not row.ref and is_total_text(row.text)}
    last_total = max(totals) if totals else None
    previous = ""
    for i, row in enumerate(rows):
        if i in totals:
            row.kind = _KIND_TOTAL if i == last_total else _KIND_SUBTOTAL
            row.stated, row.cells = row.cells, [""] * len(row.cells)
        elif _NOTE.match(row.text):
            row.kind = _KIND_NOTE
        elif row.ref or previous == _KIND_HEADING or any(map(str.strip, row.cells)):
            row.kind = _KIND_LINE
        else:
            row.kind = _KIND_HEADING
        previous = row.kind


@dataclass
class Settled:
    """A grid's rows parsed, with their stated totals settled, and computed.

    `data` holds the rows as the grid now has them (signs included); its caption, unit,
    section and anchor are the grid's when it was settled, and the grid's own count after."""

    data: TableData
    computed: ComputedTable


def settle_stated_totals(grid: Grid) -> list[Mismatch]:
    """Compare the totals a source states with the computed ones.

    Stated figures that agree are dropped (the computed total is the one truth); when the
    stated total only agrees with some subtotal blocks subtracted ("I alt" = costs minus
    gains), those subtotals are marked `subtract`. What still disagrees is kept on the row and
    returned, for the secretary to see.
    """
    return settle(grid).computed.mismatches


def settle(grid: Grid) -> Settled:
    """settle_stated_totals, giving the parsed and computed rows as well; raises GridError
    (every bad cell named) when the grid does not parse."""
    data = table_data_from_grid(grid)
    result = compute(data)
    subtotals = [i for i, row in enumerate(data.rows) if row.kind == _KIND_SUBTOTAL]
    total_rows = [i for i, row in enumerate(data.rows) if row.kind == _KIND_TOTAL]

    def deviation(table: ComputedTable) -> Decimal:
        """How far the stated totals are from the computed ones, all columns together."""
        return sum(
            (
                abs(cell.stated - (cell.value or Decimal(0)))
                for i in total_rows
                for cell in table.rows[i].cells
                if cell.stated is not None
            ),
            Decimal(0),
        )

    if deviation(result) and 2 <= len(subtotals) <= _MAX_SIGN_SEARCH:
        # Some blocks may count negatively; the first is never the one taken away. The
        # pattern closest to the stated totals wins, so a total that is off by a rounding
        # unit still finds its signs (and stays flagged for the unit).
        best, best_pattern = deviation(result), None
        for pattern in itertools.product([False, True], repeat=len(subtotals) - 1):
            if not any(pattern):
                continue
            for i, subtract in zip(subtotals, (False, *pattern), strict=True):
                data.rows[i].subtract = subtract
            trial = compute(data)
            if deviation(trial) < best:
                best, best_pattern, result = deviation(trial), pattern, trial
        # No pattern closer than none: every block counts positively, as the grid had it.
        signs = (False, *best_pattern) if best_pattern else (False,) * len(subtotals)
        for i, subtract in zip(subtotals, signs, strict=True):
            grid.rows[i].subtract = data.rows[i].subtract = subtract
    for row, row_data, computed in zip(grid.rows, data.rows, result.rows, strict=True):
        # As the grid now states them: only the figures that disagree.
        stated = [cell.stated for cell in computed.cells]
        row_data.stated = stated
        row.stated = [format_danish_number(s) if s is not None else "" for s in stated]
    return Settled(data, result)
