"""The budget table editor: its form (a grid posted as it was typed), the moves it offers (add,
move and remove rows and columns, paste, accept a computed total), and its state (what the
editor of one table shows: the grid as typed, its errors and its totals).

The form is the state: each button posts the whole grid with its action, the action is
applied to what was typed, and the result is saved when it parses — so nothing typed is lost
by clicking "add row" before fixing a cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from budget.models import BudgetRow, BudgetTable
from budget.tables import (
    MAX_COLUMNS,
    MAX_ROWS,
    CellError,
    ComputedTable,
    Grid,
    GridError,
    GridRow,
    compute,
    grid_from_table_data,
    table_data_from_grid,
    table_data_from_model,
)
from budget.tsv import PasteError, grid_from_paste

Kind = BudgetRow.Kind

_FIELD_LIMIT = 2000  # characters kept of any posted field


def _get(post: QueryDict, name: str) -> str:
    return (post.get(name) or "")[:_FIELD_LIMIT]


def _count(post: QueryDict, name: str, limit: int) -> int:
    raw = post.get(name, "0")
    return min(int(raw), limit) if raw.isdecimal() else 0


def grid_from_post(post: QueryDict) -> Grid:
    """The grid exactly as the form holds it (strings untouched, nothing parsed)."""
    columns = [_get(post, f"col-{c}") for c in range(_count(post, "ncols", MAX_COLUMNS + 1))]
    rows = []
    for r in range(_count(post, "nrows", MAX_ROWS + 1)):
        rows.append(
            GridRow(
                kind=_get(post, f"row-{r}-kind") or Kind.LINE,
                ref=_get(post, f"row-{r}-ref"),
                text=_get(post, f"row-{r}-text"),
                cells=[_get(post, f"row-{r}-cell-{c}") for c in range(len(columns))],
                subtract=post.get(f"row-{r}-subtract") == "on",
                stated=[_get(post, f"row-{r}-stated-{c}") for c in range(len(columns))],
            )
        )
    return Grid(
        caption=_get(post, "caption"),
        unit=_get(post, "unit"),
        section=_get(post, "section"),
        ref_heading=_get(post, "ref_heading"),
        text_heading=_get(post, "text_heading"),
        columns=columns,
        rows=rows,
    ).normalised()


@dataclass
class ActionResult:
    grid: Grid
    errors: list[CellError] = field(default_factory=list)
    # The paste text to show again when it could not be read at all.
    paste: str = ""
    message: str = ""


def _index(arg: str, length: int) -> int | None:
    if not arg.isdecimal():
        return None
    index = int(arg)
    return index if 0 <= index < length else None


def apply_action(grid: Grid, action: str, *, paste: str = "", new_kind: str = "") -> ActionResult:
    """Apply one editor move to the typed grid. Unknown or stale actions change nothing."""
    name, _sep, arg = action.partition(":")
    rows, columns = grid.rows, grid.columns
    if name in {"add-row", "insert-row"}:
        if len(rows) >= MAX_ROWS:
            return ActionResult(
                grid, message=_("En tabel kan højst have %(n)d rækker.") % {"n": MAX_ROWS}
            )
        kind = new_kind if name == "add-row" and new_kind in Kind.values else Kind.LINE
        new = GridRow(kind=kind, text=_("I alt") if kind == Kind.TOTAL else "")
        after = _index(arg, len(rows)) if name == "insert-row" else None
        if after is None:
            rows.append(new)
        else:
            rows.insert(after + 1, new)
    elif name in {"row-up", "row-down"}:
        index = _index(arg, len(rows))
        target = None if index is None else index + (-1 if name == "row-up" else 1)
        if index is not None and target is not None and 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
    elif name == "row-remove":
        index = _index(arg, len(rows))
        if index is not None:
            rows.pop(index)
    elif name == "add-col":
        if len(columns) >= MAX_COLUMNS:
            return ActionResult(
                grid, message=_("En tabel kan højst have %(n)d kolonner.") % {"n": MAX_COLUMNS}
            )
        columns.append(_next_label(columns))
        for row in rows:
            row.cells.append("")
            row.stated.append("")
    elif name in {"col-left", "col-right"}:
        index = _index(arg, len(columns))
        target = None if index is None else index + (-1 if name == "col-left" else 1)
        if index is not None and target is not None and 0 <= target < len(columns):
            for values in [columns, *(r.cells for r in rows), *(r.stated for r in rows)]:
                values[index], values[target] = values[target], values[index]
    elif name == "col-remove":
        index = _index(arg, len(columns))
        if index is not None and len(columns) > 1:
            for values in [columns, *(r.cells for r in rows), *(r.stated for r in rows)]:
                values.pop(index)
    elif name == "accept-computed":
        index = _index(arg, len(rows))
        if index is not None:
            rows[index].stated = [""] * len(columns)
    elif name == "paste":
        try:
            pasted, errors = grid_from_paste(paste, current=grid)
        except PasteError as exc:
            return ActionResult(grid, paste=paste, message=str(exc))
        return ActionResult(pasted, errors=errors)
    return ActionResult(grid.normalised())


def _next_label(columns: list[str]) -> str:
    """After "2018", "2019": the next year; otherwise an empty name to fill in."""
    if columns and columns[-1].strip().isdecimal() and len(columns[-1].strip()) == 4:
        return str(int(columns[-1].strip()) + 1)
    return ""


# --- The editor's state ---------------------------------------------------------------


@dataclass
class EditorCell:
    index: int
    value: str
    stated: str
    error: str = ""
    computed: str = ""
    mismatch: bool = False
    incomplete: bool = False


@dataclass
class EditorRow:
    index: int
    kind: str
    ref: str
    text: str
    subtract: bool
    cells: list[EditorCell]
    errors: list[str] = field(default_factory=list)

    @property
    def is_sum(self) -> bool:
        return self.kind in {Kind.SUBTOTAL, Kind.TOTAL}

    @property
    def mismatch(self) -> bool:
        return any(cell.mismatch for cell in self.cells)

    @property
    def has_error(self) -> bool:
        return bool(self.errors) or any(cell.error for cell in self.cells)


@dataclass
class EditorState:
    """What the editor of one table shows: the grid as typed, its errors and its totals."""

    table: BudgetTable
    grid: Grid
    version: int
    errors: list[CellError] = field(default_factory=list)
    message: str = ""
    saved: bool = False
    conflict: ComputedTable | None = None
    paste: str = ""
    rows: list[EditorRow] = field(default_factory=list)
    table_errors: list[str] = field(default_factory=list)
    preview: ComputedTable | None = None

    def build(self) -> EditorState:
        by_cell = {(e.row, e.column): e.message for e in self.errors if e.row is not None}
        self.table_errors = [e.message for e in self.errors if e.row is None]
        try:
            self.preview = compute(table_data_from_grid(self.grid))
        except GridError:
            self.preview = None
        self.rows = []
        for r, row in enumerate(self.grid.rows):
            computed = self.preview.rows[r] if self.preview else None
            cells = []
            for c, value in enumerate(row.cells):
                result = computed.cells[c] if computed else None
                cells.append(
                    EditorCell(
                        index=c,
                        value=value,
                        stated=row.stated[c] if c < len(row.stated) else "",
                        error=by_cell.get((r, c), ""),
                        computed=result.display if result else "",
                        mismatch=bool(result and result.mismatch),
                        incomplete=bool(result and result.incomplete),
                    )
                )
            self.rows.append(
                EditorRow(
                    index=r,
                    kind=row.kind,
                    ref=row.ref,
                    text=row.text,
                    subtract=row.subtract,
                    cells=cells,
                    errors=[e.message for e in self.errors if e.row == r and e.column is None],
                )
            )
        return self

    @property
    def all_errors(self) -> list[str]:
        return [e.message for e in self.errors]


def fresh_editor_state(table: BudgetTable, **kwargs: Any) -> EditorState:
    table = BudgetTable.objects.prefetch_related("columns", "rows__cells").get(pk=table.pk)
    grid = grid_from_table_data(table_data_from_model(table))
    return EditorState(table=table, grid=grid, version=table.version, **kwargs).build()
