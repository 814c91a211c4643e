"""A section's text with the item's budget tables in their places, as the PDF prints it."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from budget.models import BudgetTable
from budget.placement import section_parts
from budget.tables import compute_table
from meetings.models import AgendaItem


def section_with_tables(
    item: AgendaItem, section: str, *, clean_text: Callable[[str], SafeString]
) -> SafeString:
    """The section's text, passed through `clean_text` (the caller's sanitiser), with the
    section's budget tables rendered by the same fragment as the web page in their places.
    Stated totals are never shown here: the PDF prints the computed truth only."""
    html = item.presentation if section == BudgetTable.Section.PRESENTATION else item.economy
    tables = [t for t in item.budget_tables.all() if t.section == section]
    if not tables:
        return clean_text(html or "")
    parts = [
        clean_text(p) if isinstance(p, str) else p
        for p in section_parts(html, [compute_table(t) for t in tables], [t.anchor for t in tables])
    ]
    return mark_safe(
        render_to_string(
            "budget/_section.html",
            {
                "parts": [{"html": p} if isinstance(p, str) else {"table": p} for p in parts],
                "show_flags": False,
            },
        )
    )
