"""scripts/restore-drill.sh: a backup of a scratch database filled with the demo data, and of
a media folder, restores completely, and the drill leaves nothing behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scratch_database import local_server, scratch_name

ROOT = Path(__file__).resolve().parent.parent
DRILL = ROOT / "scripts" / "restore-drill.sh"

pytestmark = pytest.mark.scratch_database


def _drill(*args: str, database: str, media: Path) -> subprocess.CompletedProcess[str]:
    server = local_server()
    return subprocess.run(
        [str(DRILL), *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": server.url(database),
            "MEDIA_ROOT": str(media),
            "PYTHON": sys.executable,
            "DJANGO_SETTINGS_MODULE": "referat.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


def _leftover_databases(prefix: str) -> list[str]:
    with local_server().connect() as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"drill_{prefix}%"]
        ).fetchall()
    return [row[0] for row in rows]


class TestRestoreDrill:
    def test_a_demo_database_and_a_media_folder_restore_completely(self, tmp_path: Path) -> None:
        media = tmp_path / "media"
        (media / "attachments" / "2018").mkdir(parents=True)
        (media / "attachments" / "2018" / "bilag 1.pdf").write_bytes(os.urandom(20_000))
        (media / "pdf").mkdir()
        (media / "pdf" / "referat-æøå.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(3_000))
        # Only a name for the drill's scratch databases: --demo never reads it.
        name = scratch_name("drill")

        result = _drill("--demo", database=name, media=media)

        assert result.returncode == 0, result.stderr + result.stdout
        assert "Rækketal ens i alle" in result.stdout
        assert re.search(r"meetings_agendaitem [1-9]", result.stdout)
        assert "Kontrolsummer ens for 2 filer" in result.stdout
        assert "Genskabelsen er fuldstændig" in result.stdout
        assert _leftover_databases(name) == []

    def test_a_database_that_cannot_be_dumped_fails_the_drill(self, tmp_path: Path) -> None:
        name = scratch_name("missing")
        result = _drill(database=name, media=tmp_path)
        assert result.returncode != 0
        assert "Genskabelsen er fuldstændig" not in result.stdout
        assert _leftover_databases(name) == []
