"""A budget table in memory: as typed (Grid), as parsed (TableData) and as computed
(ComputedTable), the one shape every page, PDF and export renders.

Totals are computed here and nowhere else:
- a line adds its amounts; a "?" makes the sums above it incomplete, not wrong;
- a subtotal sums the lines since the previous subtotal or total;
- a total sums the lines since the previous total, those of a subtotal marked `subtract`
  counting negatively (costs minus gains);
- a heading has no amounts; a note may show one ("* heraf varige udgifter 490") that is never
  added.
A column where no line in scope has an amount stays blank rather than showing 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from budget.models import BudgetRow, BudgetTable, Unit
from budget.numbers import (
    UNKNOWN,
    CellValue,
    NumberError,
    format_cell,
    format_danish_number,
    parse_danish_number,
)

Kind = BudgetRow.Kind
SUMMING_KINDS = {Kind.SUBTOTAL, Kind.TOTAL}
VALUE_KINDS = {Kind.LINE, Kind.NOTE}
# The choices' values, read once: `TextChoices.values` builds a new list on every access, and
# parsing a grid asks for them per row (thousands of times in one import).
_KINDS = frozenset(Kind.values)
_UNITS = frozenset(Unit.values)
_SECTIONS = frozenset(BudgetTable.Section.values)
# The members as plain module constants: an enum member looked up on its class goes through a
# descriptor, which `compute` would pay for on every row.
_LINE, _SUBTOTAL, _TOTAL, _NOTE, _HEADING = (
    Kind.LINE,
    Kind.SUBTOTAL,
    Kind.TOTAL,
    Kind.NOTE,
    Kind.HEADING,
)

MAX_COLUMNS = 30
MAX_ROWS = 500


# --- As typed -----------------------------------------------------------------------------


@dataclass
class GridRow:
    """A row as the user typed it: every cell a string, exactly as entered."""

    kind: str = Kind.LINE
    ref: str = ""
    text: str = ""
    cells: list[str] = field(default_factory=list)
    subtract: bool = False
    # On a subtotal or total: a figure a source document stated, in Danish format.
    stated: list[str] = field(default_factory=list)


@dataclass
class Grid:
    """A budget table as the editor holds it: nothing parsed, nothing lost."""

    caption: str = ""
    unit: str = Unit.KR
    section: str = BudgetTable.Section.ECONOMY
    ref_heading: str = ""
    text_heading: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)
    anchor: int | None = None

    def normalised(self) -> Grid:
        """Every row as wide as the column list."""
        width = len(self.columns)
        for row in self.rows:
            # New lists, as wide as the columns: padded with blanks or cut (one list made, where
            # `(cells + [""] * width)[:width]` makes three).
            missing = width - len(row.cells)
            row.cells = row.cells + [""] * missing if missing > 0 else row.cells[:width]
            missing = width - len(row.stated)
            row.stated = row.stated + [""] * missing if missing > 0 else row.stated[:width]
        return self


@dataclass
class CellError:
    row: int | None  # 0-based row index, None for the table itself
    column: int | None  # 0-based column index
    message: str


class GridError(Exception):
    """The grid cannot be saved as it is; each error names the cell in Danish."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors

    @property
    def messages(self) -> list[str]:
        return [e.message for e in self.errors]


def column_name(columns: list[str], index: int) -> str:
    label = columns[index].strip() if index < len(columns) else ""
    return label or str(index + 1)


def cell_error_message(columns: list[str], row: int, column: int, problem: str) -> str:
    """ "Række 3, kolonne 2019: “12x” er ikke et tal." """
    return _("Række %(row)d, kolonne %(column)s: %(problem)s") % {
        "row": row + 1,
        "column": column_name(columns, column),
        "problem": problem,
    }


# --- As parsed ----------------------------------------------------------------------------


@dataclass
class RowData:
    kind: str
    ref: str = ""
    text: str = ""
    values: list[CellValue] = field(default_factory=list)
    subtract: bool = False
    stated: list[Decimal | None] = field(default_factory=list)


@dataclass
class TableData:
    caption: str = ""
    unit: str = Unit.KR
    section: str = BudgetTable.Section.ECONOMY
    ref_heading: str = ""
    text_heading: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[RowData] = field(default_factory=list)
    anchor: int | None = None


def table_data_from_grid(grid: Grid) -> TableData:
    """Parse a grid, or raise GridError listing every bad cell (never only the first)."""
    grid.normalised()
    errors: list[CellError] = []
    columns = [c.strip() for c in grid.columns]
    if not columns:
        errors.append(CellError(None, None, _("Tabellen skal have mindst én kolonne.")))
    if len(columns) > MAX_COLUMNS:
        errors.append(
            CellError(None, None, _("En tabel kan højst have %(n)d kolonner.") % {"n": MAX_COLUMNS})
        )
    if len(grid.rows) > MAX_ROWS:
        errors.append(
            CellError(None, None, _("En tabel kan højst have %(n)d rækker.") % {"n": MAX_ROWS})
        )
    if len(grid.caption) > 500:
        errors.append(CellError(None, None, _("Overskriften må højst være 500 tegn.")))
    if len(grid.ref_heading.strip()) > 100 or len(grid.text_heading.strip()) > 200:
        errors.append(CellError(None, None, _("Kolonneoverskrifterne er for lange.")))
    if grid.unit not in _UNITS:
        errors.append(CellError(None, None, _("Vælg en enhed: kr., 1.000 kr. eller mio. kr.")))
    if grid.section not in _SECTIONS:
        errors.append(CellError(None, None, _("Vælg afsnittet Økonomi eller Sagsfremstilling.")))
    for index, label in enumerate(columns):
        if len(label) > 100:
            errors.append(
                CellError(
                    None,
                    index,
                    _("Kolonne %(n)d: navnet må højst være 100 tegn.") % {"n": index + 1},
                )
            )
    rows: list[RowData] = []
    for r, row in enumerate(grid.rows):
        kind = row.kind if row.kind in _KINDS else ""
        if not kind:
            errors.append(CellError(r, None, _("Række %(row)d: ukendt type.") % {"row": r + 1}))
            kind = _LINE
        ref, text = row.ref.strip(), row.text.strip()
        if len(ref) > 20:
            errors.append(
                CellError(
                    r, None, _("Række %(row)d: punktet må højst være 20 tegn.") % {"row": r + 1}
                )
            )
        if len(text) > 1000:
            errors.append(
                CellError(
                    r, None, _("Række %(row)d: teksten må højst være 1000 tegn.") % {"row": r + 1}
                )
            )
        values: list[CellValue]
        takes_values, sums = kind in VALUE_KINDS, kind in SUMMING_KINDS
        if takes_values:
            try:
                # Most rows parse: the whole row at once, and cell by cell only to name every
                # cell that does not (parsing is pure, so the second time gives the same).
                values = [parse_danish_number(raw) for raw in row.cells]
            except NumberError:
                values = []
                for c, raw in enumerate(row.cells):
                    value: CellValue = None
                    try:
                        value = parse_danish_number(raw)
                    except NumberError as exc:
                        errors.append(CellError(r, c, cell_error_message(columns, r, c, str(exc))))
                    values.append(value)
        else:
            values = [None] * len(row.cells)
            for c, raw in enumerate(row.cells):
                if raw.strip():
                    problem = (
                        _("en overskrift har ingen beløb (“%(text)s”); gør rækken til en linje.")
                        if kind == _HEADING
                        else _("en total beregnes og kan ikke skrives (“%(text)s”).")
                    )
                    errors.append(
                        CellError(
                            r,
                            c,
                            cell_error_message(columns, r, c, problem % {"text": raw.strip()}),
                        )
                    )
        stated: list[Decimal | None] = [None] * len(row.stated)  # only a sum states a figure
        for c, raw in enumerate(row.stated if sums else ()):
            if not raw.strip():
                continue
            try:
                parsed = parse_danish_number(raw)
            except NumberError as exc:
                errors.append(CellError(r, c, cell_error_message(columns, r, c, str(exc))))
            else:
                stated[c] = parsed if isinstance(parsed, Decimal) else None
        # Positional: a dataclass takes them faster than by keyword, once per row.
        # (kind, ref, text, values, subtract, stated)
        rows.append(
            RowData(kind, ref, text, values, bool(row.subtract and kind == _SUBTOTAL), stated)
        )
    if errors:
        raise GridError(errors)
    return TableData(
        caption=grid.caption.strip(),
        unit=grid.unit,
        section=grid.section,
        ref_heading=grid.ref_heading.strip(),
        text_heading=grid.text_heading.strip(),
        columns=columns,
        rows=rows,
        anchor=grid.anchor,
    )


def grid_from_table_data(data: TableData) -> Grid:
    return Grid(
        caption=data.caption,
        unit=data.unit,
        section=data.section,
        ref_heading=data.ref_heading,
        text_heading=data.text_heading,
        anchor=data.anchor,
        columns=list(data.columns),
        rows=[
            GridRow(
                kind=row.kind,
                ref=row.ref,
                text=row.text,
                cells=[format_cell(v) for v in row.values],
                subtract=row.subtract,
                stated=[format_danish_number(s) if s is not None else "" for s in row.stated],
            )
            for row in data.rows
        ],
    ).normalised()


def table_data_from_model(table: BudgetTable) -> TableData:
    """Read a stored table; uses prefetched columns, rows and cells where the caller has them."""
    columns = list(table.columns.all())
    index = {column.pk: i for i, column in enumerate(columns)}
    rows: list[RowData] = []
    for row in table.rows.all():
        values: list[CellValue] = [None] * len(columns)
        stated: list[Decimal | None] = [None] * len(columns)
        for cell in row.cells.all():
            i = index.get(cell.column_id)
            if i is None:
                continue
            values[i] = UNKNOWN if cell.unknown else cell.value
            stated[i] = cell.stated
        rows.append(
            RowData(
                kind=row.kind,
                ref=row.ref,
                text=row.text,
                values=values,
                subtract=row.subtract,
                stated=stated,
            )
        )
    return TableData(
        caption=table.caption,
        unit=table.unit,
        section=table.section,
        ref_heading=table.ref_heading,
        text_heading=table.text_heading,
        anchor=table.anchor,
        columns=[c.label for c in columns],
        rows=rows,
    )


# --- As computed --------------------------------------------------------------------------


@dataclass
class ComputedCell:
    value: Decimal | None = None
    unknown: bool = False  # a line's "?"
    incomplete: bool = False  # a sum over lines of which some are "?"
    stated: Decimal | None = None  # a disagreeing figure a source document gave

    @property
    def mismatch(self) -> bool:
        return self.stated is not None and self.stated != (self.value or Decimal(0))

    @property
    def display(self) -> str:
        if self.unknown:
            return "?"
        if self.value is None:
            return "?" if self.incomplete else ""
        return format_danish_number(self.value)


@dataclass
class ComputedRow:
    kind: str
    ref: str
    text: str
    cells: list[ComputedCell]
    subtract: bool = False
    badge: str = ""  # a short word shown beside the text ("Overtrukket")
    url: str = ""  # where the text links to, on the web

    @property
    def is_sum(self) -> bool:
        return self.kind in SUMMING_KINDS

    @property
    def mismatch(self) -> bool:
        return any(cell.mismatch for cell in self.cells)


@dataclass
class Mismatch:
    row: int
    text: str
    column: str
    stated: Decimal
    computed: Decimal | None

    def __str__(self) -> str:
        return _(
            "Række %(row)d (“%(text)s”), kolonne %(column)s: den angivne total er %(stated)s, "
            "men rækkerne giver %(computed)s."
        ) % {
            "row": self.row + 1,
            "text": self.text,
            "column": self.column,
            "stated": format_danish_number(self.stated),
            "computed": format_danish_number(self.computed or Decimal(0)),
        }


@dataclass
class ComputedTable:
    caption: str
    unit: str
    section: str
    ref_heading: str
    text_heading: str
    columns: list[str]
    rows: list[ComputedRow]
    # The table's bottom line per column: its last total row; None when it has no total.
    totals: list[ComputedCell] | None

    @property
    def mismatches(self) -> list[Mismatch]:
        found = []
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row.cells):
                if cell.stated is not None and cell.mismatch:  # most cells state nothing
                    assert cell.stated is not None
                    found.append(
                        Mismatch(r, row.text, column_name(self.columns, c), cell.stated, cell.value)
                    )
        return found

    @property
    def has_refs(self) -> bool:
        return bool(self.ref_heading) or any(row.ref for row in self.rows)

    @property
    def has_unknown(self) -> bool:
        return any(cell.unknown for row in self.rows for cell in row.cells)


class _Sum:
    """A running sum of one column: blank until an amount arrives, incomplete after a "?"."""

    __slots__ = ("has", "incomplete", "total")

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.has = False
        self.incomplete = False

    def add(self, value: CellValue, sign: int = 1) -> None:
        if value is UNKNOWN:
            self.incomplete = True
        elif isinstance(value, Decimal):
            self.total += sign * value
            self.has = True

    def merge(self, other: _Sum, sign: int = 1) -> None:
        if other.has:
            self.total += sign * other.total
            self.has = True
        self.incomplete |= other.incomplete

    def cell(self, stated: Decimal | None = None) -> ComputedCell:
        value = self.total if self.has else None
        computed = ComputedCell(value=value, incomplete=self.incomplete)
        if stated is not None and stated != (value or Decimal(0)):
            computed.stated = stated
        return computed


def compute(data: TableData) -> ComputedTable:
    width = len(data.columns)
    padding: list[None] = [None] * width
    block = [_Sum() for _ in range(width)]  # lines since the last subtotal or total
    running = [_Sum() for _ in range(width)]  # closed subtotal blocks since the last total
    last_total: list[ComputedCell] | None = None
    rows: list[ComputedRow] = []
    for row in data.rows:
        kind = row.kind
        if kind in (_LINE, _NOTE):
            # A note shows its amounts, and only a line adds them up.
            values = row.values if len(row.values) == width else [*row.values, *padding][:width]
            if kind == _LINE:
                for column, value in zip(block, values, strict=True):
                    # _Sum.add(value) without the call, once per cell of every line. (Its
                    # `sign * value` with sign 1 is the value itself: an amount has far fewer
                    # digits than the decimal context's precision.)
                    if value is UNKNOWN:
                        column.incomplete = True
                    elif isinstance(value, Decimal):
                        column.total += value
                        column.has = True
            # ComputedCell(value=…, unknown=…), positional: faster, once per cell.
            cells = [
                ComputedCell(v if isinstance(v, Decimal) else None, v is UNKNOWN) for v in values
            ]
        elif kind == _SUBTOTAL:
            stated = [*row.stated, *padding][:width]
            cells = [block[c].cell(stated[c]) for c in range(width)]
            sign = -1 if row.subtract else 1
            for c in range(width):
                running[c].merge(block[c], sign)
            block = [_Sum() for _ in range(width)]
        elif kind == _TOTAL:
            stated = [*row.stated, *padding][:width]
            for c in range(width):
                running[c].merge(block[c])
            cells = [running[c].cell(stated[c]) for c in range(width)]
            last_total = cells
            block = [_Sum() for _ in range(width)]
            running = [_Sum() for _ in range(width)]
        else:
            cells = [ComputedCell() for _ in range(width)]
        rows.append(ComputedRow(kind, row.ref, row.text, cells, row.subtract))
    return ComputedTable(
        caption=data.caption,
        unit=data.unit,
        section=data.section,
        ref_heading=data.ref_heading,
        text_heading=data.text_heading,
        columns=list(data.columns),
        rows=rows,
        totals=last_total,
    )


def compute_table(table: BudgetTable) -> ComputedTable:
    return compute(table_data_from_model(table))


def computed_tables(tables: Iterable[BudgetTable]) -> list[ComputedTable]:
    return [compute_table(table) for table in tables]
