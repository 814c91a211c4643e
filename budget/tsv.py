"""Paste from Excel: tab-separated text into a budget table grid.

Excel puts a cell holding a tab, a line break or a quote between quotes, with quotes doubled;
the csv module reads exactly that. What cannot be an amount is reported cell by cell in
Danish, and the pasted grid is kept so the secretary can put it right in the editor.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from budget.layout import NotABudgetTable, infer_grid
from budget.tables import MAX_COLUMNS, MAX_ROWS, CellError, Grid, GridError, table_data_from_grid

MAX_PASTE_CHARS = 200_000


class PasteError(ValueError):
    """The pasted text cannot be read as a table at all; the message is Danish."""


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells from tab-separated text, as Excel and LibreOffice put on the clipboard."""
    if len(text) > MAX_PASTE_CHARS:
        raise PasteError(
            _("Det indsatte er for stort (højst %(n)s tegn).") % {"n": f"{MAX_PASTE_CHARS:,}"}
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        raise PasteError(_("Der er intet at indsætte: kopiér cellerne i Excel og sæt dem ind."))
    if "\t" not in text and "\n" not in text:
        # One cell is a table too, but a single number pasted here is a slip more often.
        raise PasteError(
            _("Det indsatte har hverken tabulatorer eller linjeskift; kopiér cellerne fra Excel.")
        )
    rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter="\t", strict=False)]
    if len(rows) > MAX_ROWS + 1:
        raise PasteError(_("Det indsatte har for mange rækker (højst %(n)d).") % {"n": MAX_ROWS})
    if max((len(r) for r in rows), default=0) > MAX_COLUMNS + 3:
        raise PasteError(
            _("Det indsatte har for mange kolonner (højst %(n)d).") % {"n": MAX_COLUMNS}
        )
    return rows


def grid_from_paste(text: str, *, current: Grid) -> tuple[Grid, list[CellError]]:
    """The table the paste describes, in place of the current rows and columns.

    The caption and section stay; the unit changes only when the pasted header names one.
    Without a header row the current column names are kept when the count fits. Returns the
    grid and the cells that are not amounts (each message names row and column).
    """
    rows = parse_tsv(text)
    try:
        inferred = infer_grid(rows, strict=False)
    except NotABudgetTable as exc:
        raise PasteError(
            _("Det indsatte kan ikke bruges som budgettabel: %(reason)s") % {"reason": exc}
        ) from exc
    grid = inferred.grid
    grid.caption = current.caption
    grid.section = current.section
    grid.unit = inferred.unit or current.unit
    if not inferred.has_header:
        if len(current.columns) == len(grid.columns):
            grid.columns = list(current.columns)
        grid.ref_heading = current.ref_heading
        grid.text_heading = current.text_heading
    errors = inferred.errors
    if errors:
        try:
            table_data_from_grid(grid)
        except GridError as exc:
            errors = exc.errors  # named after the columns the grid now has
    return grid, errors
