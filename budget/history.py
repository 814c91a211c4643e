"""An item's money in its history: the event rows that django-pghistory's triggers write for
its budget tables (with their columns, rows and cells) and its allocations
(BUDGET_HISTORY_TRACKED_MODELS in budget/models.py). Registered with the core's item history
(meetings/selectors/history.py) when the app starts, so the item's history shows who changed
its money and when, beside its text.

Callers must have checked that the user may see the item (visible_to).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from budget.models import Allocation, BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from meetings.models import AgendaItem


def _events(model: type[models.Model], **filters: Any) -> list[Any]:
    event_model = apps.get_model("budget", f"{model.__name__}Event")
    return list(event_model._default_manager.filter(**filters).select_related("pgh_context"))


def item_budget_events(item: AgendaItem) -> list[tuple[type[models.Model], list[Any]]]:
    """Every recorded change of the item's budget tables, their columns, rows and cells, and
    its allocations, per model; rows of since-deleted tables are included."""
    tables = _events(BudgetTable, item_id=item.pk)
    table_ids = {event.pgh_obj_id for event in tables}
    rows = _events(BudgetRow, table_id__in=table_ids)
    row_ids = {event.pgh_obj_id for event in rows}
    return [
        (BudgetTable, tables),
        (BudgetColumn, _events(BudgetColumn, table_id__in=table_ids)),
        (BudgetRow, rows),
        (BudgetCell, _events(BudgetCell, row_id__in=row_ids)),
        (Allocation, _events(Allocation, item_id=item.pk)),
    ]
