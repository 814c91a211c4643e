"""Import of minutes files: one file is one transaction, and every file gets a report line."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from meetings.importer.legacy import ImportFileError, read_minutes_file
from meetings.importer.load import ExchangeError, save_exchange_meeting
from meetings.locks import locked_edits_refused
from meetings.services import DecisionLocked

logger = logging.getLogger(__name__)


@dataclass
class FileReport:
    """What happened to one file, for the command's summary and the upload page."""

    name: str
    ok: bool
    meetings: list[str] = field(default_factory=list)
    items: int = 0
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    line: int | None = None

    def summary(self) -> str:
        if not self.ok:
            where = f", linje {self.line}" if self.line else ""
            return f"{self.name}{where}: FEJL – {self.error}"
        what = "oprettet" if self.created and not self.updated else "opdateret"
        head = f"{self.name}: {', '.join(self.meetings)} – {self.items} punkter ({what})"
        return "\n".join([head, *(f"  advarsel: {w}" for w in self.warnings)])

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "ok": self.ok,
            "meetings": self.meetings,
            "items": self.items,
            "warnings": self.warnings,
            "error": self.error,
            "line": self.line,
            "summary": self.summary(),
        }


def import_file(name: str, content: bytes, *, allowed_bodies: set[str] | None = None) -> FileReport:
    """Import one file in one transaction. A file that is not minutes, or breaks half-way,
    leaves nothing behind and is reported with its name and line; it never raises."""
    report = FileReport(name=name, ok=False)
    try:
        read = read_minutes_file(name, content)
        with locked_edits_refused(), transaction.atomic():
            # An import can be run again with the same result, so it need not wait for the
            # WAL flush of each file's commit; a crash loses at most the last moments' files,
            # never consistency.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            for data in read.meetings:
                saved = save_exchange_meeting(
                    data, source_name=name, checksum=read.checksum, allowed_bodies=allowed_bodies
                )
                local = timezone.localtime(saved.meeting.starts_at)
                report.meetings.append(f"{saved.meeting.body.name} {local:%d-%m-%Y %H:%M}")
                report.items += saved.items
                report.created += int(saved.created)
                report.updated += int(not saved.created)
        report.warnings = read.warnings
        report.ok = True
    except ImportFileError as exc:
        report.error, report.line = exc.message, exc.line
    except DecisionLocked as exc:
        report.error = str(exc)
    except (ExchangeError, ValidationError) as exc:
        report.error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    except DatabaseError as exc:
        logger.exception("import of %s failed in the database", name)
        report.error = f"Databasen afviste indholdet: {exc.__class__.__name__}"
    return report


def import_files(
    files: Iterable[tuple[str, bytes]],
    *,
    allowed_bodies: set[str] | None = None,
    progress: Callable[[int, FileReport], None] | None = None,
) -> list[FileReport]:
    """Import each file on its own; a bad file is reported and the others go on."""
    reports = []
    for index, (name, content) in enumerate(files, start=1):
        report = import_file(name, content, allowed_bodies=allowed_bodies)
        reports.append(report)
        if progress is not None:
            progress(index, report)
    return reports
