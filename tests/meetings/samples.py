"""The sample minutes (exchange/demo_minutes/*.txt), imported as a secretary would bring in
the old, published minutes: through `manage.py import_minutes --archive`, into the body named
in them (Direktionen), in the name of its secretary (the `people` fixture's "sekretaer")."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SAMPLE_DIR = Path(settings.BASE_DIR) / "exchange" / "demo_minutes"


def import_sample_minutes(username: str = "sekretaer") -> None:
    call_command(
        "import_minutes", "--archive", "--user", username, str(SAMPLE_DIR), stdout=StringIO()
    )
