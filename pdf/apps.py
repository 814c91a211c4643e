"""The PDF app (label "pdf"): jobs that render the council's PDF in a worker."""

import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PdfConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pdf"
    label = "pdf"
    verbose_name = _("PDF-udgaver")

    def ready(self) -> None:
        # WeasyPrint reports every step and page at INFO; the renderer listens to it for the
        # progress bar and keeps it out of the logs.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
