"""How a decision's outcome looks: one colour per outcome, the same on every page."""

from __future__ import annotations

from django import template

from meetings.models import Decision

register = template.Library()

_BADGE_CLASSES: dict[str, str] = {
    Decision.Outcome.APPROVED: "text-bg-success",
    Decision.Outcome.NOTED: "text-bg-primary",
    Decision.Outcome.DISCUSSED: "text-bg-info",
    Decision.Outcome.POSTPONED: "text-bg-warning",
    Decision.Outcome.REJECTED: "text-bg-danger",
}


@register.filter
def outcome_badge_class(outcome: str) -> str:
    """The Bootstrap badge class of an outcome value ("godkendt" → "text-bg-success")."""
    return _BADGE_CLASSES.get(outcome, "text-bg-secondary")
