"""Budget tables in the exchange format: each item's `"budget_tables"` list.

    {"caption": "Tabel 1: Overføres til ØDC i 2018", "unit": "1.000 kr.",
     "section": "sagsfremstilling", "ref_heading": "Punkt", "text_heading": "…",
     "columns": ["2018"],
     "rows": [{"ref": "1.2", "text": "…", "values": ["-250"], "kind": "line"},
              {"ref": "", "text": "I alt", "values": ["2812"], "kind": "total"}],
     "totals": ["2812"]}

Amounts are strings in plain decimal notation ("-250", "2.8"), never JSON numbers, so that no
float ever holds one; "?" is an unknown amount and null a blank cell. A subtotal or total row
carries the figure the table states: the computed one, or a stated figure that disagrees
with it — which, read back, is kept and flagged as it was. `"subtract": true` marks a
subtotal that counts negatively in the total. `totals` is the table's computed bottom line
(its last total row), null when it has none; it is informative and recomputed on reading.
`"anchor": 3` places the table after the first three blocks (paragraphs, headings, lists,
tables) of its section's text; without it the table follows the text.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import jsonschema
from django.db import transaction
from django.utils.translation import gettext as _

from budget.legacy import LegacyBudgetTable
from budget.models import BudgetRow, BudgetTable, Unit
from budget.numbers import UNKNOWN, UNKNOWN_TEXT, CellValue
from budget.services import budget_tables_store_new
from budget.tables import (
    SUMMING_KINDS,
    ComputedCell,
    ComputedTable,
    RowData,
    TableData,
    compute,
    table_data_from_model,
)
from meetings.errors import ExchangeError
from meetings.models import AgendaItem

_AMOUNT = {"type": ["string", "number", "null"], "maxLength": 40}

BUDGET_TABLES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["caption", "unit", "columns", "rows"],
        "additionalProperties": False,
        "properties": {
            "caption": {"type": "string", "maxLength": 500},
            "unit": {"enum": list(Unit.values)},
            "section": {"enum": list(BudgetTable.Section.values)},
            "ref_heading": {"type": "string", "maxLength": 100},
            "text_heading": {"type": "string", "maxLength": 200},
            "anchor": {"type": ["integer", "null"], "minimum": 0},
            "columns": {
                "type": "array",
                "items": {"type": "string", "maxLength": 100},
                "minItems": 1,
                "maxItems": 30,
            },
            "rows": {
                "type": "array",
                "maxItems": 500,
                "items": {
                    "type": "object",
                    "required": ["text", "values", "kind"],
                    "additionalProperties": False,
                    "properties": {
                        "ref": {"type": "string", "maxLength": 20},
                        "text": {"type": "string", "maxLength": 1000},
                        "values": {"type": "array", "items": _AMOUNT},
                        "kind": {"enum": list(BudgetRow.Kind.values)},
                        "subtract": {"type": "boolean"},
                    },
                },
            },
            "totals": {"type": ["array", "null"], "items": _AMOUNT},
        },
    },
}


def _plain(value: Decimal) -> str:
    number = value.normalize()
    return format(number, "f") if number != 0 else "0"


def _amount_out(cell: ComputedCell) -> str | None:
    if cell.stated is not None:
        return _plain(cell.stated)
    if cell.value is None:
        return UNKNOWN_TEXT if cell.unknown or cell.incomplete else None
    return _plain(cell.value)


def _table_to_exchange(table: BudgetTable) -> dict[str, Any]:
    return _data_to_exchange(table_data_from_model(table))


def _data_to_exchange(data: TableData, computed: ComputedTable | None = None) -> dict[str, Any]:
    if computed is None:
        computed = compute(data)
    rows = []
    for row, result in zip(data.rows, computed.rows, strict=True):
        if row.kind in SUMMING_KINDS:
            values = [_amount_out(cell) for cell in result.cells]
        else:
            values = [
                UNKNOWN_TEXT if v is UNKNOWN else _plain(v) if isinstance(v, Decimal) else None
                for v in row.values
            ]
        out: dict[str, Any] = {"ref": row.ref, "text": row.text, "values": values, "kind": row.kind}
        if row.subtract:
            out["subtract"] = True
        rows.append(out)
    totals = None
    if computed.totals is not None:
        totals = [None if c.value is None else _plain(c.value) for c in computed.totals]
    return {
        "caption": data.caption,
        "unit": data.unit,
        "section": data.section,
        "ref_heading": data.ref_heading,
        "text_heading": data.text_heading,
        **({"anchor": data.anchor} if data.anchor is not None else {}),
        "columns": list(data.columns),
        "rows": rows,
        "totals": totals,
    }


def legacy_tables_to_exchange(tables: list[LegacyBudgetTable]) -> list[dict[str, Any]]:
    """Budget tables read from legacy minutes, in the exchange format (for the importer)."""
    out = []
    for legacy in tables:
        grid = legacy.grid
        # The rows were parsed and computed when their totals were settled; the table's own
        # fields are the grid's as they are now.
        data = dataclasses.replace(
            legacy.settled.data,
            caption=grid.caption,
            unit=grid.unit,
            section=grid.section,
            anchor=grid.anchor,
        )
        out.append(_data_to_exchange(data, legacy.settled.computed))
    return out


def tables_to_exchange(item: AgendaItem) -> list[dict[str, Any]]:
    """The item's budget tables in the exchange format, in their order.

    The caller decides who may export the item (start from AgendaItem.objects.visible_to)."""
    if "budget_tables" in getattr(item, "_prefetched_objects_cache", {}):
        tables = item.budget_tables.all()
    else:
        tables = item.budget_tables.prefetch_related("columns", "rows__cells")
    return [_table_to_exchange(table) for table in tables]


def _amount_in(raw: Any, where: tuple[int, int, list[str], int]) -> CellValue:
    """The cell's value; `where` (table index, row, columns, column) names the cell in a
    message, built only when there is one."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if text == UNKNOWN_TEXT:
            return UNKNOWN
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise ExchangeError(
                _("%(where)s: “%(text)s” er ikke et beløb.")
                % {"where": _cell_name(*where), "text": text}
            )
        return value
    if isinstance(raw, bool | float):
        raise ExchangeError(
            _('%(where)s: beløb skal stå som tekst, fx "2812" – ikke som kommatal.')
            % {"where": _cell_name(*where)}
        )
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    return _amount_in(str(raw), where)


def _cell_name(index: int, r: int, columns: list[str], c: int) -> str:
    return _("Budgettabel %(t)d, række %(r)d, kolonne %(c)s") % {
        "t": index + 1,
        "r": r + 1,
        "c": columns[c] or c + 1,
    }


def table_data_from_exchange(entry: dict[str, Any], index: int) -> TableData:
    """One exchange table as parsed data; stated figures on totals are compared on saving."""
    columns = list(entry["columns"])
    rows = []
    for r, row in enumerate(entry["rows"]):
        values: list[CellValue] = []
        for c in range(len(columns)):
            raw = row["values"][c] if c < len(row["values"]) else None
            values.append(_amount_in(raw, (index, r, columns, c)))
        kind = row["kind"]
        if kind in SUMMING_KINDS:
            stated = [v if isinstance(v, Decimal) else None for v in values]
            rows.append(
                RowData(
                    kind=kind,
                    ref=row.get("ref", ""),
                    text=row["text"],
                    values=[None] * len(columns),
                    subtract=bool(row.get("subtract")) and kind == BudgetRow.Kind.SUBTOTAL,
                    stated=stated,
                )
            )
        else:
            rows.append(
                RowData(
                    kind=kind,
                    ref=row.get("ref", ""),
                    text=row["text"],
                    values=values if kind != BudgetRow.Kind.HEADING else [None] * len(columns),
                    stated=[None] * len(columns),
                )
            )
    return TableData(
        caption=entry["caption"],
        unit=entry["unit"],
        section=entry.get("section", BudgetTable.Section.ECONOMY),
        ref_heading=entry.get("ref_heading", ""),
        text_heading=entry.get("text_heading", ""),
        anchor=entry.get("anchor"),
        columns=columns,
        rows=rows,
    )


@cache
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(BUDGET_TABLES_SCHEMA)
    return cls(BUDGET_TABLES_SCHEMA)


def validate_exchange(data: Any) -> None:
    """Raise ExchangeError (Danish, naming the place) unless `data` is a budget_tables list."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        path = "/".join(["budget_tables", *(str(p) for p in error.absolute_path)])
        raise ExchangeError(
            _("%(path)s: %(problem)s") % {"path": path, "problem": schema_problem(error)}
        )


def schema_problem(exc: jsonschema.ValidationError) -> str:
    """The schema's complaint in Danish, for the common ones."""
    expected: Any = exc.validator_value
    instance: Any = exc.instance
    if exc.validator == "required":
        missing = [f for f in expected if not isinstance(instance, dict) or f not in instance]
        return _("feltet “%(field)s” mangler") % {"field": ", ".join(missing)}
    if exc.validator == "enum":
        return _("“%(value)s” er ikke en af %(allowed)s") % {
            "value": instance,
            "allowed": ", ".join(f"“{v}”" for v in expected),
        }
    if exc.validator == "additionalProperties":
        return _("ukendt felt (%(detail)s)") % {"detail": exc.message}
    if exc.validator == "type":
        return _("forkert type (%(detail)s)") % {"detail": exc.message}
    if exc.validator in {"maxLength", "maxItems", "minItems", "minLength"}:
        return _("for lang eller for kort (%(detail)s)") % {"detail": exc.message}
    if exc.validator in {"pattern", "format"}:
        return _("“%(value)s” har ikke den rigtige form") % {"value": instance}
    if exc.validator == "const":
        return _("skal være “%(value)s”") % {"value": expected}
    if exc.validator in {"minimum", "maximum"}:
        return _("tallet %(value)s er uden for det tilladte") % {"value": instance}
    if exc.validator == "oneOf":
        return _("har ikke en af de tilladte former")
    return exc.message


def _parse_all(data: Any, *, validate: bool = True) -> list[TableData]:
    if validate:
        validate_exchange(data)
    return [table_data_from_exchange(entry, i) for i, entry in enumerate(data)]


@transaction.atomic
def tables_from_exchange(item: AgendaItem, data: Any) -> list[BudgetTable]:
    """Give the item the budget tables of an exchange file, in place of any it has.

    Raises ExchangeError before anything is written when the data is not valid. Runs as the
    import: the caller checks who may import into the item."""
    parsed = _parse_all(data)
    item.budget_tables.all().delete()
    budget_tables_store_new([(item.pk, parsed)])
    return list(item.budget_tables.all())


def tables_from_exchange_for_new_items(items: list[tuple[int, int, Any]]) -> None:
    """The budget tables of a meeting's freshly created items, stored in a few inserts.

    The data must already be valid: the importer checks a file from outside against the
    schema once (exchange.load.validate_exchange), and legacy minutes are turned into
    tables by our own code. Raises ExchangeError (naming the item) on a table that does not
    add up to a valid table all the same."""
    parsed = []
    for item_id, number, data in items:
        try:
            parsed.append((item_id, _parse_all(data, validate=False)))
        except ExchangeError as exc:
            raise ExchangeError(
                _("Punkt %(n)d: %(problem)s") % {"n": number, "problem": exc}
            ) from exc
    budget_tables_store_new(parsed)
