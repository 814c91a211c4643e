"""The sample minutes (exchange/demo_minutes/*.txt), imported as a secretary would: through
`manage.py import_minutes`, into the body named in them (Direktionen)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SAMPLE_DIR = Path(settings.BASE_DIR) / "exchange" / "demo_minutes"


def import_sample_minutes() -> None:
    call_command("import_minutes", str(SAMPLE_DIR), stdout=StringIO())
