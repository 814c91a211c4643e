"""Budget tables in any page: `{% budget_tables item "okonomi" %}`, Danish numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse

from budget.models import BudgetTable
from budget.numbers import format_amount, format_danish_number
from budget.placement import section_parts
from budget.tables import compute_table
from meetings.access import may_edit_body
from meetings.models import AgendaItem

register = template.Library()


@register.filter
def danish_number(value: Decimal | int | None) -> str:
    """1100 → "1.100", -250 → "-250", 2.8 → "2,8"."""
    if value is None or value == "":
        return ""
    return format_danish_number(Decimal(value))


@register.filter
def amount_in(value: Decimal | int | None, unit: str) -> str:
    """2206 in "1.000 kr." → "2.206 t. kr."."""
    if value is None or value == "":
        return ""
    return format_amount(Decimal(value), unit)


def _item_tables(item: AgendaItem, section: str) -> list[Any]:
    # `all()` uses the prefetch of meeting_items_for_display when the page made one.
    return [t for t in item.budget_tables.all() if t.section == section]


@register.filter
def has_budget_tables(item: AgendaItem, section: str) -> bool:
    return bool(_item_tables(item, section))


def _may_edit(context: template.Context, item: AgendaItem) -> bool:
    """Whether the viewer is the item's secretary; asked once per body and request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None:
        return False
    cache: dict[int, bool] = getattr(request, "_budget_may_edit", {})
    body_id = item.meeting.body_id
    if body_id not in cache:
        cache[body_id] = may_edit_body(user, item.meeting.body_id)
        request._budget_may_edit = cache
    return cache[body_id]


@register.inclusion_tag("budget/_section.html", takes_context=True)
def budget_section(context: template.Context, item: AgendaItem, section: str) -> dict[str, Any]:
    """A section's text with the item's budget tables of that section in their places (only
    call it where the item's content shows). The secretary also sees stated totals that
    disagree with the computed ones."""
    tables = _item_tables(item, section)
    html = item.presentation if section == BudgetTable.Section.PRESENTATION else item.economy
    parts = section_parts(html, [compute_table(t) for t in tables], [t.anchor for t in tables])
    return {
        "parts": [{"html": part} if isinstance(part, str) else {"table": part} for part in parts],
        "show_flags": bool(tables) and _may_edit(context, item),
    }


@register.inclusion_tag("budget/_edit_link.html", takes_context=True)
def budget_edit_link(context: template.Context, item: AgendaItem) -> dict[str, Any]:
    """A link to the item's budget page, for its secretary."""
    return {
        "url": reverse("budget:item_budget", args=[item.pk]) if _may_edit(context, item) else ""
    }
