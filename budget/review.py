"""What the approval of an item covers of its money: its budget tables, as typed, and its
allocations from pools. Registered with the core's review (meetings/selectors/review.py) when
the app starts, so that changing a table or an allocation after an approval is a change the
reviewers see and approve again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from meetings.models import AgendaItem
from meetings.selectors.review import ReviewPart


def _amount(value: Decimal | None, unknown: bool) -> str | None:
    if unknown:
        return "?"
    return None if value is None else format(value.normalize(), "f")


def budget_review_content(item: AgendaItem) -> dict[str, Any]:
    """The item's budget tables and allocations as plain, ordered data."""
    tables = []
    for table in sorted(item.budget_tables.all(), key=lambda t: (t.section, t.position, t.pk)):
        columns = sorted(table.columns.all(), key=lambda c: c.position)
        order = {column.pk: index for index, column in enumerate(columns)}
        rows = []
        for row in sorted(table.rows.all(), key=lambda r: r.position):
            cells: list[str | None] = [None] * len(columns)
            for cell in row.cells.all():
                if cell.column_id in order:
                    cells[order[cell.column_id]] = _amount(cell.value, cell.unknown)
            rows.append(
                {
                    "kind": row.kind,
                    "ref": row.ref,
                    "text": row.text,
                    "subtract": row.subtract,
                    "cells": cells,
                }
            )
        tables.append(
            {
                "section": table.section,
                "caption": table.caption,
                "unit": table.unit,
                "columns": [c.label for c in columns],
                "rows": rows,
            }
        )
    allocations = [
        {
            "pool": allocation.pool.name,
            "pool_year": allocation.pool.year,
            "amount": format(allocation.amount.normalize(), "f"),
            "year": allocation.year,
            "permanent": allocation.permanent,
            "note": allocation.note,
        }
        for allocation in sorted(item.allocations.all(), key=lambda a: a.pk)
    ]
    return {"tables": tables, "allocations": allocations} if tables or allocations else {}


def budget_review_lines(content: dict[str, Any]) -> list[str]:
    """The tables and allocations as a reviewer reads them in the diff."""
    lines: list[str] = []
    for table in content.get("tables", []):
        lines.append(f"[{_('Budgettabel')}: {table['caption']} ({table['unit']})]")
        lines.append(" | ".join(table["columns"]))
        for row in table["rows"]:
            cells = " | ".join(cell if cell is not None else "" for cell in row["cells"])
            lines.append(f"{row['text']}: {cells}")
    for allocation in content.get("allocations", []):
        kind = _(" (varig)") if allocation["permanent"] else ""
        lines.append(
            f"[{_('Disponering')}] {allocation['pool']} {allocation['pool_year']}: "
            f"{allocation['amount']}{kind} {allocation['note']}".rstrip()
        )
    return lines


BUDGET_REVIEW_PART = ReviewPart(
    key="budget",
    content=budget_review_content,
    lines=budget_review_lines,
    prefetch=(
        "budget_tables__columns",
        "budget_tables__rows__cells",
        "allocations__pool",
    ),
)
