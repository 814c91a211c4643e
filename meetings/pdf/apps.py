from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PdfConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings.pdf"
    label = "pdf"
    verbose_name = _("PDF-udgaver")
