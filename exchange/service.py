"""Import of minutes files: one file is one transaction, and every file gets a report line.

The minutes come in as drafts (kladde), whatever the files say, and each file's report says
so; only an archive import (`archive_by`, `import_minutes --archive --user …`) brings them
in published and locked (see exchange/load.py).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.legacy import ReadFile
from exchange.load import MeetingEntry, SavedMeeting, save_exchange_meetings
from exchange.parsing_process import Read, read_one
from meetings.errors import DecisionLocked, ExchangeError
from meetings.locks import locked_edits_refused
from meetings.models import Meeting

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
    # What the minutes came in as, one line a meeting written ("Importeret som kladde: …").
    notes: list[str] = field(default_factory=list)
    error: str = ""
    line: int | None = None
    # Which adapter read the file (exchange/adapters), what it guessed and what it could not
    # place in the exchange model (kept as text where it could).
    adapter: str = ""
    guesses: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

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
        return "\n".join(
            [
                head,
                *([f"  læst som: {self.adapter}"] if self.adapter else []),
                *(f"  {note}" for note in self.notes),
                *(f"  advarsel: {w}" for w in self.warnings),
                *(f"  gættet: {g}" for g in self.guesses),
                *(f"  ikke placeret: {u}" for u in self.unplaced),
            ]
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "ok": self.ok,
            "meetings": self.meetings,
            "items": self.items,
            "notes": self.notes,
            "warnings": self.warnings,
            "adapter": self.adapter,
            "guesses": self.guesses,
            "unplaced": self.unplaced,
            "error": self.error,
            "line": self.line,
            "summary": self.summary(),
        }


def status_note(result: SavedMeeting, label: str) -> str:
    """What the minutes `label` came in as, for the file's report (Danish); empty when the
    import left them as they were."""
    if result.unchanged:
        return ""
    if result.archived:
        return f"Importeret som arkiv: {label} er offentliggjort med godkendte, låste beslutninger."
    if result.meeting.status == Meeting.Status.REOPENED:
        return (
            f"Importeret i det genåbnede referat: {label}. Det skal godkendes igen, før det er "
            f"officielt."
        )
    claimed = ""
    if result.claimed_status != Meeting.Status.DRAFT:
        claimed = f" (filen angav “{Meeting.Status(result.claimed_status).label}”)"
    return (
        f"Importeret som kladde: {label}{claimed}. Referatet skal godkendes og offentliggøres, "
        f"før det er officielt."
    )


def replaced_note(result: SavedMeeting, label: str, name: str) -> str:
    """For the file's report (Danish): that the meeting was there already and this file's
    content replaced its content (a meeting is its body and start time, so the PDF and its
    text version, or two versions of a file, make one meeting); empty when nothing was
    replaced."""
    if result.unchanged or result.replaced_source is None:
        return ""
    if not result.replaced_source:
        return _(
            "%(meeting)s fandtes allerede i Referat; mødets indhold er erstattet af filens, "
            "så der fortsat er ét møde."
        ) % {"meeting": label}
    if result.replaced_source == name:
        return _(
            "%(meeting)s var importeret fra en anden udgave af “%(source)s”; indholdet er "
            "erstattet af denne udgave, så der fortsat er ét møde."
        ) % {"meeting": label, "source": name}
    return _(
        "%(meeting)s var importeret fra “%(source)s”; indholdet er erstattet af denne fil, så "
        "der fortsat er ét møde."
    ) % {"meeting": label, "source": result.replaced_source}


def import_file(
    name: str,
    content: bytes,
    *,
    allowed_bodies: set[str] | None = None,
    archive_by: User | None = None,
) -> FileReport:
    """Import one file in one transaction. A file that is not minutes, or breaks half-way,
    leaves nothing behind and is reported with its name and line; it never raises."""
    return import_files([(name, content)], allowed_bodies=allowed_bodies, archive_by=archive_by)[0]


# How many files' meetings are written together: large enough that a statement's fixed cost
# is spread over many meetings, small enough that a fallback after an error is cheap.
BATCH_FILES = 50
# From this many files on, the import works on every core (below it, starting the helpers
# costs more than it saves), with this many helpers: processes that each read, parse and
# write their batches on a connection of their own (in a Celery worker's child too).
PARALLEL_FROM_FILES = 24
WORKERS = 2
# A batch handed to a helper process holds at most this many bytes of files, so that an
# import of large PDFs is not all in memory at once.
CHUNK_BYTES = 64 * 1024 * 1024

Step = list[tuple[FileReport, ReadFile | None]]


def import_files(
    files: Iterable[tuple[str, bytes]],
    *,
    allowed_bodies: set[str] | None = None,
    progress: Callable[[int, FileReport], None] | None = None,
    batch_files: int = BATCH_FILES,
    parallel: bool | None = None,
    history: dict[str, Any] | None = None,
    archive_by: User | None = None,
) -> list[FileReport]:
    """Import files, each one all or nothing; a bad file is reported and the others go on.

    The minutes come in as drafts, each report saying so, unless `archive_by` names the user
    of an archive import: then they come in published and locked, recorded as that user's
    (exchange/load.py).

    Files are read and parsed, then written in batches, all of a batch's meetings in a few
    bulk statements inside one transaction (a savepoint when the caller has one open). If the
    batch fails, its files are written again one at a time, so only the file at fault is
    refused (with its message) and nothing of it is left behind. `progress(n, report)` is
    called as each file is finished, in the order the files came. `history` is the metadata
    (e.g. `user`) that every history row the import writes carries.

    With many files (or `parallel=True`), unless the caller has a transaction open, WORKERS
    helpers work side by side (see PARALLEL_FROM_FILES), so that parsing, Python and the
    database's own work (the search index above all) use every core. Each batch is still its
    own transaction, two batches holding the same meeting wait for each other, and the
    reports come out in the files' order all the same.
    """
    if parallel is None:
        files = list(files)
        parallel = len(files) >= PARALLEL_FROM_FILES
    if connection.in_atomic_block or (os.cpu_count() or 1) < 2:
        # Other connections would write outside the caller's transaction; and one core has
        # nothing to share the work with.
        parallel = False
    reports: list[FileReport] = []
    statistics = _Statistics()

    def finish(finished: list[FileReport]) -> None:
        for report in finished:
            reports.append(report)
            if progress is not None:
                progress(len(reports), report)
        statistics.written(finished)

    if not parallel:
        with _history(history):
            for step in _steps(map(read_one, files), batch_files):
                _write_step(step, allowed_bodies, archive_by)
                finish([report for report, _read in step])
    else:
        archive_id = archive_by.pk if archive_by is not None else None
        _import_in_processes(files, batch_files, allowed_bodies, history, archive_id, finish)
    return reports


def _in_daemonic_process() -> bool:
    """True in a Celery worker's child (a daemonic process)."""
    return bool(multiprocessing.current_process().daemon)


def _helper_context() -> Any:
    """Where the helper processes come from: forked by the standard library, or, in a
    daemonic process (a Celery worker's child), which the standard library lets have no
    children, by billiard, Celery's own multiprocessing, which does."""
    if _in_daemonic_process():
        import billiard

        return billiard.get_context("fork")
    return multiprocessing.get_context("fork")


def _history(history: dict[str, Any] | None) -> contextlib.AbstractContextManager[Any]:
    return pghistory.context(**history) if history else contextlib.nullcontext()


def _steps(reads: Iterable[Read], batch_files: int) -> Iterator[Step]:
    """The files in batches to write; a file that could not be read is a step alone."""
    batch: Step = []
    for name, read, error, line in reads:
        report = FileReport(name=name, ok=False)
        if read is None:
            report.error, report.line = error, line
            if batch:
                yield batch
                batch = []
            yield [(report, None)]
            continue
        report.warnings = read.warnings
        report.adapter, report.guesses, report.unplaced = read.adapter, read.guesses, read.unplaced
        batch.append((report, read))
        if len(batch) >= batch_files:
            yield batch
            batch = []
    if batch:
        yield batch


def _halved(last: list[Any]) -> Iterator[list[Any]]:
    """The last batch of an import side by side in two, so that both helpers finish
    together instead of one waiting for the other."""
    if len(last) > 1:
        half = (len(last) + 1) // 2
        yield last[:half]
        yield last[half:]
    elif last:
        yield last


def _import_in_processes(
    files: Iterable[tuple[str, bytes]],
    batch_files: int,
    allowed_bodies: set[str] | None,
    history: dict[str, Any] | None,
    archive_id: int | None,
    finish: Callable[[list[FileReport]], None],
) -> None:
    """Batches of files handed to WORKERS forked processes, each of which reads, parses and
    writes its batch on a connection of its own; the reports come back in order."""
    # Forked children must not share this process's connection; it reopens when next used.
    connections.close_all()
    context = _helper_context()
    closing = context.Barrier(WORKERS)
    with ProcessPoolExecutor(
        max_workers=WORKERS, mp_context=context, initializer=_helper_start, initargs=(closing,)
    ) as pool:
        pending: collections.deque[Future[list[FileReport]]] = collections.deque()
        for chunk in _file_chunks(iter(files), batch_files):
            while len(pending) > WORKERS:
                finish(pending.popleft().result())
            pending.append(pool.submit(_import_chunk, chunk, allowed_bodies, history, archive_id))
        while pending:
            finish(pending.popleft().result())
        # Each helper closes its connection (kept open from batch to batch, as a connection
        # warms up its plans); the barrier keeps any one helper from taking two of these.
        for done in [pool.submit(_helper_close) for _ in range(WORKERS)]:
            done.result()


_helper_closing: Any = None


def _helper_start(closing: Any) -> None:
    """In a forked helper, first: drop, without closing, any connection it inherited (another
    thread's, say); using or closing it would talk on the parent's socket. The helper opens
    its own when it first needs one."""
    global _helper_closing
    _helper_closing = closing
    for wrapper in connections.all(initialized_only=True):
        wrapper.connection = None


def _helper_close() -> None:
    connection.close()
    _helper_closing.wait(timeout=60)


def _file_chunks(
    files: Iterator[tuple[str, bytes]], batch_files: int
) -> Iterator[list[tuple[str, bytes]]]:
    """Files in batches for the helper processes: at most `batch_files` files or CHUNK_BYTES
    bytes each, and the last halved so that both helpers finish together."""
    held: list[tuple[str, bytes]] = []
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for name_content in files:
        if held:
            yield held
            held = []
        chunk.append(name_content)
        size += len(name_content[1])
        if len(chunk) >= batch_files or size >= CHUNK_BYTES:
            held, chunk, size = chunk, [], 0
    yield from _halved(held + chunk)


def _import_chunk(
    chunk: list[tuple[str, bytes]],
    allowed_bodies: set[str] | None,
    history: dict[str, Any] | None,
    archive_id: int | None,
) -> list[FileReport]:
    """In a helper process: read, parse and write a batch of files; their reports."""
    try:
        finished: list[FileReport] = []
        archive_by = None
        if archive_id is not None:
            archive_by = get_user_model().objects.get(pk=archive_id)
        with _history(history):
            for step in _steps(map(read_one, chunk), len(chunk)):
                _write_step(step, allowed_bodies, archive_by)
                finished.extend(report for report, _read in step)
        return finished
    except BaseException:
        # A connection left in a broken state is not kept for the next batch.
        connection.close()
        raise


class _Statistics:
    """Keeps the planner's statistics of the tables an import fills from saying "empty".

    Every row an import inserts has its foreign keys checked, and the triggers look up its
    item's decision: one small query per row, whose plan a connection makes once and keeps.
    If the tables were last analysed while (nearly) empty, that plan reads the whole table,
    which grows with every batch, and a large import slows to a crawl. Autovacuum analyses
    them again in time (if it runs at all); once the first batch is in, the import does it at
    once, and every connection plans anew for tables of their real size.
    """

    TABLES = (
        "meetings_meeting", "meetings_attendance", "meetings_case", "meetings_agendaitem",
        "meetings_recommendation", "meetings_recommendationclause", "meetings_decision",
        "meetings_attachment", "meetings_searchdocument", "budget_budgettable",
        "budget_budgetcolumn", "budget_budgetrow", "budget_budgetcell",
    )  # fmt: skip

    def __init__(self) -> None:
        self.checked = False

    def written(self, finished: list[FileReport]) -> None:
        items = sum(report.items for report in finished if report.created or report.updated)
        if self.checked or not items:
            return
        self.checked = True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'meetings_agendaitem'::regclass"
            )
            (known,) = cursor.fetchone() or (0,)
            if 0 <= known < items:
                cursor.execute(f"ANALYZE {', '.join(self.TABLES)}")


def _write_step(step: Step, allowed_bodies: set[str] | None, archive_by: User | None) -> None:
    """Write one step of import_files, filling in its reports; never raises _WriteFailed."""
    batch = [(report, read) for report, read in step if read is not None]
    if not batch:
        return
    try:
        _write(batch, allowed_bodies, archive_by)
    except _WriteFailed:
        for report, read in batch:
            try:
                _write([(report, read)], allowed_bodies, archive_by)
            except _WriteFailed as exc:
                report.ok, report.error = False, exc.message
                report.meetings, report.items, report.notes = [], 0, []
                report.created = report.updated = report.unchanged = 0


class _WriteFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _write(
    batch: list[tuple[FileReport, ReadFile]],
    allowed_bodies: set[str] | None,
    archive_by: User | None,
) -> None:
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
                # Every long section is compressed three times over (the item, its history
                # row, its search document): lz4 does it at a fraction of pglz's cost, where
                # the server has it (Debian's and the official images' have); any server
                # reads either.
                cursor.execute(
                    "SELECT set_config('default_toast_compression', 'lz4', true)"
                    "  FROM pg_settings"
                    " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
                )
            saved = save_exchange_meetings(
                entries, allowed_bodies=allowed_bodies, archive_by=archive_by
            )
    except (DecisionLocked, PermissionDenied) as exc:
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
            label = f"{result.meeting.body.name} {local:%d-%m-%Y %H:%M}"
            report.meetings.append(label)
            if note := status_note(result, label):
                report.notes.append(note)
            if note := replaced_note(result, label, read.name):
                report.notes.append(note)
            report.items += result.items
            report.unchanged += int(result.unchanged)
            report.created += int(result.created)
            report.updated += int(not result.created and not result.unchanged)
        report.ok = True
