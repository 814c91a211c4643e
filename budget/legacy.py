"""Budget tables out of legacy minutes.

A parser of legacy minutes gives each table as rows of cell strings. A table of amounts
becomes a budget table; a total it states ("I alt 2.812") is compared with the computed one,
and one that disagrees is kept on the row and flagged for the secretary. Any other table (a
plan of dates, a list of names) is not a budget table and stays an ordinary table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from budget.layout import (
    NotABudgetTable,
    Settled,
    clean_cell,
    infer_grid,
    is_header_row,
    is_total_text,
    unit_in_context,
    unit_in_text,
)
from budget.models import BudgetTable, Unit
from budget.tables import Grid, Mismatch

Rows = list[list[str]]


@dataclass
class LegacyBudgetTable:
    """A legacy table read as a budget table, with the stated totals that disagree."""

    grid: Grid
    # Its rows parsed and computed (see budget.layout.Settled); only the caption, unit,
    # section and anchor of the grid are set after.
    settled: Settled
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.mismatches)


def _first_row(rows: Rows) -> list[str]:
    for row in rows:
        cells = [clean_cell(c) for c in row]
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return cells
    return []


def join_continued_tables(tables: list[Rows]) -> list[Rows]:
    """Join a table continued over a page break into one.

    `tables` are tables that follow each other with nothing but blank lines or a page break
    between them. A table whose first row repeats the previous table's header continues it
    (the repeated header is dropped); so does one with no header of its own and as many
    columns, when the previous table has not yet reached its total.
    """
    joined: list[Rows] = []
    for table in tables:
        if joined:
            previous = joined[-1]
            head, first = _first_row(previous), _first_row(table)
            if head and first == head and is_header_row(head):
                skip = next(i for i, row in enumerate(table) if any(clean_cell(c) for c in row))
                previous.extend(table[skip + 1 :])
                continue
            if (
                head
                and is_header_row(head)
                and first
                and not is_header_row(first)
                and _width(table) == _width(previous)
                and not _ends_with_total(previous)
            ):
                previous.extend(table)
                continue
        joined.append([list(row) for row in table])
    return joined


def _width(rows: Rows) -> int:
    widest = 0
    for row in rows:
        cells = [clean_cell(c) for c in row]
        while cells and not cells[-1]:
            cells.pop()
        widest = max(widest, len(cells))
    return widest


def _ends_with_total(rows: Rows) -> bool:
    for row in reversed(rows):
        cells = [clean_cell(c) for c in row if clean_cell(c)]
        if not cells:
            continue
        if cells[0].startswith("*"):
            continue  # a note under the total
        return is_total_text(cells[0])
    return False


def budget_table_from_rows(
    rows: Rows,
    *,
    caption: str = "",
    context: str = "",
    section: str = BudgetTable.Section.ECONOMY,
    unit: str | None = None,
) -> LegacyBudgetTable | None:
    """The table as a budget table, or None when it is not a table of amounts.

    The unit is the one given, else the one the header names ("1.000 kr."), else one named
    in the caption or the surrounding text (`context`), else kr.
    """
    try:
        inferred = infer_grid(rows, strict=True)
    except NotABudgetTable:
        return None
    if inferred.errors or inferred.settled is None:
        # Amounts, but not a table this system can hold (a column heading of a paragraph's
        # length, say): it stays an ordinary table rather than one the export would refuse.
        return None
    grid = inferred.grid
    grid.caption = clean_cell(caption)[:500]
    grid.section = section
    grid.unit = (
        unit or inferred.unit or unit_in_text(caption) or unit_in_context(context) or Unit.KR
    )
    return LegacyBudgetTable(grid=grid, mismatches=inferred.mismatches, settled=inferred.settled)


_CAPTION = re.compile(r"^tabel\s+\d+\b", re.IGNORECASE)


def blocks_context(blocks: Sequence[Any]) -> str:
    """The text of parsed blocks, table rows as tab-separated lines: what the unit of a table
    without one of its own is looked for in ("1.000 kr." heading another table of the item)."""
    lines: list[str] = []
    for block in blocks:
        text = getattr(block, "text", None)
        if isinstance(text, str):
            lines.append(text)
        for row in getattr(block, "rows", None) or []:
            lines.append("\t".join(row))
    return "\n".join(lines)


def take_budget_tables(
    blocks: Sequence[Any], *, section: str, context: str = ""
) -> tuple[list[Any], list[LegacyBudgetTable]]:
    """Take the tables of amounts out of a section's parsed blocks.

    Returns the blocks that stay (text, lists and the tables that are not tables of amounts)
    and the budget tables, in order. A heading or paragraph "Tabel 1: …" right before a table
    becomes its caption and leaves the text, and so does a heading right before a table (the
    table's title: "Projektets samlede økonomi"). Each budget table keeps its place: its
    `anchor` is the number of blocks that stay before it. Blocks are the legacy parser's: a
    table is any block with `rows`, text any block with `text`."""
    kept: list[Any] = []
    found: list[LegacyBudgetTable] = []
    for block in blocks:
        table_rows = getattr(block, "rows", None)
        if table_rows is not None:
            previous = kept[-1] if kept else None
            text = getattr(previous, "text", None)
            is_heading = type(previous).__name__ == "Heading"
            caption = text if isinstance(text, str) and (is_heading or _CAPTION.match(text)) else ""
            legacy = budget_table_from_rows(
                table_rows, caption=caption, context=context, section=section
            )
            if legacy is not None:
                if caption:
                    kept.pop()
                legacy.grid.anchor = len(kept)
                found.append(legacy)
                continue
        kept.append(block)
    return kept, found
