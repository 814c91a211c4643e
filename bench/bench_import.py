"""Import speed: many meetings of legacy minutes, items per second (parse + bulk write).

Builds N distinct meetings from the three sample minutes (each with its own date, so each is
a new meeting), imports them through the same path as `import_minutes`, and reports items per
second: for the parser alone; for the whole import as the command runs it (two helper
processes that each parse and write their batches) and as a Celery worker's child runs it (the
same two helpers, started by billiard); parse then write on one connection; an unchanged
re-import; and files one transaction each.
The meetings are written under a separate body and removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

MEETINGS = int(os.environ.get("BENCH_IMPORT_MEETINGS", "300"))
REPEAT = int(os.environ.get("BENCH_IMPORT_REPEAT", "3"))
BODY = "Benchmarkudvalget"


def _corpus() -> list[tuple[str, bytes]]:
    samples = sorted((Path(settings.BASE_DIR) / "exchange" / "demo_minutes").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in samples]
    files = []
    day = dt.date(2010, 1, 4)
    for n in range(MEETINGS):
        text = texts[n % len(texts)]
        first = text.split("REFERAT Direktionen d. ", 1)[1][:10]
        new = f"{day:%d-%m-%Y}"
        text = text.replace(f"REFERAT Direktionen d. {first}", f"REFERAT {BODY} d. {new}", 1)
        # The Mødedato line carries the date in words; keep it consistent with the heading.
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("Mødedato"):
                clock = line.rsplit("kl.", 1)[1].strip()
                months = ["januar", "februar", "marts", "april", "maj", "juni", "juli",
                          "august", "september", "oktober", "november", "december"]  # fmt: skip
                lines[i] = (
                    f"Mødedato Mandag d. {day.day}. {months[day.month - 1]} {day.year} kl. {clock}"
                )
                break
        text = "\n".join(lines).replace("Beslutning Direktionen den", f"Beslutning {BODY} den")
        files.append((f"bench-{n:04d}.txt", text.encode("utf-8")))
        day += dt.timedelta(days=7)
    return files


def _import_and_report(files: list[tuple[str, bytes]], results: Any) -> None:
    from exchange.service import import_files

    start = time.perf_counter()
    reports = import_files(files)
    results.put((time.perf_counter() - start, all(r.ok for r in reports)))


def _in_a_daemonic_process(files: list[tuple[str, bytes]]) -> float:
    """The import as a Celery worker's child runs it: in a daemonic process, which the
    standard library lets have no children (its helpers are billiard's)."""
    connections.close_all()  # the child opens its own
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_import_and_report, args=(files, results), daemon=True)
    child.start()
    elapsed, ok = results.get()
    child.join()
    assert ok
    return float(elapsed)


def main() -> None:
    from bench.common import remove_meetings
    from exchange.legacy import read_minutes_file
    from exchange.service import import_files
    from meetings.models import AgendaItem, Body, Meeting

    def clean() -> None:
        remove_meetings(Meeting.objects.filter(body__name=BODY))

    clean()
    files = _corpus()

    parse_runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        read = [read_minutes_file(name, content) for name, content in files]
        parse_runs.append(time.perf_counter() - start)
    items = sum(len(m["items"]) for r in read for m in r.meetings)

    # The import as the command runs it, REPEAT times on an empty body: the headline figure.
    total_runs = []
    for run in range(REPEAT):
        if run:
            clean()
        start = time.perf_counter()
        reports = import_files(files)
        total_runs.append(time.perf_counter() - start)
        assert all(r.ok for r in reports), [r.summary() for r in reports if not r.ok][:3]
    stored = AgendaItem.objects.filter(meeting__body__name=BODY).count()

    start = time.perf_counter()
    again = import_files(files)
    again_s = time.perf_counter() - start
    assert all(r.ok and r.unchanged for r in again)
    again_count = AgendaItem.objects.filter(meeting__body__name=BODY).count()

    worker_runs = []
    for _ in range(REPEAT):
        clean()
        worker_runs.append(_in_a_daemonic_process(files))
        assert AgendaItem.objects.filter(meeting__body__name=BODY).count() == items

    clean()
    start = time.perf_counter()
    import_files(files, parallel=False)
    serial_s = time.perf_counter() - start

    clean()
    start = time.perf_counter()
    single = import_files(files[:60], batch_files=1, parallel=False)
    single_s = time.perf_counter() - start
    single_items = sum(r.items for r in single)

    clean()
    Body.objects.filter(name=BODY).delete()

    def runs(label: str, seconds: list[float]) -> None:
        median, best = statistics.median(seconds), min(seconds)
        print(
            f"{label:<32} {median:6.2f} s {items / median:7.0f} items/s"
            f"  (best of {len(seconds)}: {items / best:.0f} items/s)"
        )

    def once(label: str, seconds: float, count: int = items) -> None:
        print(f"{label:<32} {seconds:6.2f} s {count / seconds:7.0f} items/s")

    print(f"meetings: {len(files)}, items: {items}; medians of {REPEAT} runs where shown")
    print(f"stored: {stored}; after an unchanged re-import: {again_count}")
    runs("parse only:", parse_runs)
    runs("import (two helper processes):", total_runs)
    runs("import in a worker's child:", worker_runs)
    once("import (parse, then write):", serial_s)
    once("re-import, unchanged:", again_s)
    once("60 files, one transaction each:", single_s, single_items)
