"""The budget app: budget tables, pools and allocations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "budget"
    verbose_name = _("Økonomi")

    def ready(self) -> None:
        # The approval of an item covers its budget tables and allocations, and its history
        # shows their changes.
        from budget.history import item_budget_events
        from budget.review import BUDGET_REVIEW_PART
        from meetings.selectors.history import register_item_history_part
        from meetings.selectors.review import register_review_part

        register_review_part(BUDGET_REVIEW_PART)
        register_item_history_part("budget", item_budget_events)
