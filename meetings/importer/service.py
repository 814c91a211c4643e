"""Import of minutes files: one file is one transaction, and every file gets a report line."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from meetings.importer.legacy import ReadFile
from meetings.importer.load import ExchangeError, MeetingEntry, save_exchange_meetings
from meetings.importer.parsing_process import Read, read_one
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
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    line: int | None = None

    def summary(self) -> str:
        if not self.ok:
            where = f", linje {self.line}" if self.line else ""
            return f"{self.name}{where}: FEJL – {self.error}"
        if self.unchanged and not (self.created or self.updated):
            what = "uændret"
        elif self.created and not self.updated:
            what = "oprettet"
        else:
            what = "opdateret"
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
    return import_files([(name, content)], allowed_bodies=allowed_bodies)[0]


# How many files' meetings are written together: large enough that a statement's fixed cost
# is spread over many meetings, small enough that a fallback after an error is cheap.
BATCH_FILES = 50


def import_files(
    files: Iterable[tuple[str, bytes]],
    *,
    allowed_bodies: set[str] | None = None,
    progress: Callable[[int, FileReport], None] | None = None,
    batch_files: int = BATCH_FILES,
    parallel: bool | None = None,
) -> list[FileReport]:
    """Import files, each one all or nothing; a bad file is reported and the others go on.

    Files are read and parsed one by one, then written in batches, all of a batch's meetings
    in a few bulk statements inside one savepoint. If the batch fails, its files are written
    again one at a time, so only the file at fault is refused (with its message) and nothing
    of it is left behind. `progress(n, report)` is called as each file is finished.

    With many files (or `parallel=True`) the parsing runs in a separate process, one file
    ahead of the writing, so that parsing and the database work use both cores.
    """
    reports: list[FileReport] = []
    batch: list[tuple[FileReport, ReadFile]] = []

    def finish(report: FileReport) -> None:
        reports.append(report)
        if progress is not None:
            progress(len(reports), report)

    def flush() -> None:
        if not batch:
            return
        try:
            _write(batch, allowed_bodies)
        except _WriteFailed:
            for report, read in batch:
                try:
                    _write([(report, read)], allowed_bodies)
                except _WriteFailed as exc:
                    report.ok, report.error = False, exc.message
                    report.meetings, report.items = [], 0
                    report.created = report.updated = report.unchanged = 0
        for report, _read in batch:
            finish(report)
        batch.clear()

    for name, read, error, line in _read_all(files, parallel=parallel):
        report = FileReport(name=name, ok=False)
        if read is None:
            report.error, report.line = error, line
            flush()
            finish(report)
            continue
        report.warnings = read.warnings
        batch.append((report, read))
        if len(batch) >= batch_files:
            flush()
    flush()
    return reports


# Parsing moves to a separate process from this many files on; below it the start-up of the
# process costs more than it saves.
PARALLEL_FROM_FILES = 24
# Files handed to the parsing process at a time, so that a huge import is not all in memory.
PARALLEL_WINDOW = 200


def _read_all(files: Iterable[tuple[str, bytes]], *, parallel: bool | None) -> Iterator[Read]:
    """Each file read and parsed, in order: in this process, or in a helper process that
    works ahead while the caller writes what it has."""
    if parallel is None:
        files = list(files)
        parallel = len(files) >= PARALLEL_FROM_FILES and (os.cpu_count() or 1) > 1
    if not parallel:
        yield from map(read_one, files)
        return
    # A forked process starts with Django set up, and never re-runs the caller's script as a
    # fresh ("spawn") one would. It parses only: it never touches the database connection it
    # inherits, and leaves without closing it.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        iterator = iter(files)
        while window := list(itertools.islice(iterator, PARALLEL_WINDOW)):
            yield from pool.map(read_one, window, chunksize=4)


class _WriteFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _write(batch: list[tuple[FileReport, ReadFile]], allowed_bodies: set[str] | None) -> None:
    """Write the batch's meetings in one transaction (a savepoint when nested), filling in
    the reports; raise _WriteFailed with a Danish message, having written nothing, if any
    meeting of the batch cannot be written."""
    entries = [
        MeetingEntry(data, read.name, read.checksum)
        for _report, read in batch
        for data in read.meetings
    ]
    try:
        with locked_edits_refused(), transaction.atomic():
            # An import can be run again with the same result, so it need not wait for the
            # WAL flush of its commit; a crash loses at most the last moments' files, never
            # consistency.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            saved = save_exchange_meetings(entries, allowed_bodies=allowed_bodies)
    except DecisionLocked as exc:
        raise _WriteFailed(str(exc)) from exc
    except ExchangeError as exc:
        raise _WriteFailed(str(exc)) from exc
    except ValidationError as exc:
        raise _WriteFailed("; ".join(exc.messages)) from exc
    except DatabaseError as exc:
        logger.exception("import of %s failed in the database", [r.name for r, _ in batch])
        raise _WriteFailed(f"Databasen afviste indholdet: {exc.__class__.__name__}") from exc
    position = 0
    for report, read in batch:
        for _data in read.meetings:
            result = saved[position]
            position += 1
            local = timezone.localtime(result.meeting.starts_at)
            report.meetings.append(f"{result.meeting.body.name} {local:%d-%m-%Y %H:%M}")
            report.items += result.items
            report.unchanged += int(result.unchanged)
            report.created += int(result.created)
            report.updated += int(not result.created and not result.unchanged)
        report.ok = True
