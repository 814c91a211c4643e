"""The core app: bodies, meetings, items, cases, decisions, attachments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Møder")

    def ready(self) -> None:
        # The protocol (votes, participation, remarks, public decision) is part of what an
        # approval covers.
        from meetings.selectors import protocol  # noqa: F401
