"""Import speed: many meetings of legacy minutes, items per second (parse + bulk write).

Builds N distinct meetings from the three sample minutes (each with its own date, so each is
a new meeting), imports them through the same path as `import_minutes`, and reports items per
second for the whole import, for the parser alone and for the database writes alone. The
meetings are written under a separate body and removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from django.conf import settings

MEETINGS = int(os.environ.get("BENCH_IMPORT_MEETINGS", "300"))
BODY = "Benchmarkudvalget"


def _corpus() -> list[tuple[str, bytes]]:
    samples = sorted((Path(settings.BASE_DIR) / "meetings" / "demo_minutes").glob("*.txt"))
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


def main() -> None:
    from bench.common import remove_meetings
    from meetings.importer.legacy import read_minutes_file
    from meetings.importer.service import import_files
    from meetings.models import AgendaItem, Body, Meeting

    def clean() -> None:
        remove_meetings(Meeting.objects.filter(body__name=BODY))

    clean()
    files = _corpus()

    start = time.perf_counter()
    read = [read_minutes_file(name, content) for name, content in files]
    parse_s = time.perf_counter() - start
    items = sum(len(m["items"]) for r in read for m in r.meetings)

    start = time.perf_counter()
    reports = import_files(files)
    total_s = time.perf_counter() - start
    assert all(r.ok for r in reports), [r.summary() for r in reports if not r.ok][:3]
    stored = AgendaItem.objects.filter(meeting__body__name=BODY).count()

    start = time.perf_counter()
    again = import_files(files)
    again_s = time.perf_counter() - start
    assert all(r.ok and r.unchanged for r in again)
    again_count = AgendaItem.objects.filter(meeting__body__name=BODY).count()

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

    print(f"meetings: {len(files)}, items: {items}")
    print(f"stored: {stored}; after an unchanged re-import: {again_count}")
    print(f"parse only:                     {parse_s:6.2f} s {items / parse_s:7.0f} items/s")
    print(f"import (parsing alongside):     {total_s:6.2f} s {items / total_s:7.0f} items/s")
    print(f"import (parse, then write):     {serial_s:6.2f} s {items / serial_s:7.0f} items/s")
    print(f"re-import, unchanged:           {again_s:6.2f} s {items / again_s:7.0f} items/s")
    print(
        f"60 files, one transaction each: {single_s:6.2f} s {single_items / single_s:7.0f} items/s"
    )
