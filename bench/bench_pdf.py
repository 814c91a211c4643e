"""PDF figures: request → finished download through a real Celery worker, next to a plain
WeasyPrint render of the same HTML in the same run; pages per second; the re-export of an
unchanged meeting; peak worker memory; and a ~300-page agenda package.

Runs against the database of DATABASE_URL and the Redis of REDIS_URL, on a private queue and a
temporary MEDIA_ROOT, and removes what it created. `.venv/bin/python -m bench pdf`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import weasyprint
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from bench.common import remove_meetings
from common.pdf_fetch import BASE_URL, StaticOnlyURLFetcher
from meetings.models import Body, Case, Meeting
from pdf.content import build_html
from pdf.models import PdfJob
from pdf.render import PDF_VARIANT
from referat.celery import app
from tests.pdf.samples import LARGEST_SAMPLE, create_meeting

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5


class PeakMemory:
    """Samples the resident memory of a worker and its pool children every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak_child = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for child in self.process.children(recursive=True):
                    self.peak_child = max(self.peak_child, child.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.02)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def worker(queue: str, media_root: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(os.environ, MEDIA_ROOT=str(media_root), PDF_TASK_QUEUE=queue)
    env.setdefault("DJANGO_SETTINGS_MODULE", "referat.settings.local")
    hostname = f"{queue}@{socket.gethostname()}"
    log = (media_root / "worker.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "referat", "worker", "--loglevel=WARNING",
         "--concurrency=1", "-Q", queue, "-n", hostname, "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not app.control.ping(destination=[hostname], timeout=1.0):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bench worker did not start")
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def request_to_download(client: Client, meeting: Meeting, document: str) -> tuple[float, int]:
    """Seconds from the API request to the downloaded file, and its page count."""
    started = time.perf_counter()
    answer = client.post(
        f"/api/meetings/{meeting.pk}/pdf/",
        {"variant": "internal", "document": document},
        content_type="application/json",
    ).json()
    while True:
        status = client.get(answer["status_url"]).json()
        if status["status"] in {"done", "failed"}:
            break
        time.sleep(0.02)
    if status["status"] != "done":
        raise RuntimeError(f"the job failed: {status['error']}")
    body = b"".join(client.get(status["download_url"]).streaming_content)
    elapsed = time.perf_counter() - started
    assert body.startswith(b"%PDF")
    return elapsed, status["page_count"]


def forget(meeting: Meeting) -> None:
    """Drop the meeting's jobs and files, so that the next request renders again."""
    for job in PdfJob.objects.filter(meeting=meeting):
        if job.file_path:
            (Path(settings.MEDIA_ROOT) / job.file_path).unlink(missing_ok=True)
    PdfJob.objects.filter(meeting=meeting).delete()


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    queue = f"bench-pdf-{uuid.uuid4().hex[:8]}"
    media_root = Path(tempfile.mkdtemp(prefix="referat-bench-pdf-"))
    settings.MEDIA_ROOT = str(media_root)
    settings.PDF_TASK_QUEUE = queue
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = get_user_model().objects.create(
        username=f"bench-{uuid.uuid4().hex[:8]}", is_superuser=True, is_active=True
    )
    body = Body.objects.create(name=f"Direktionen {queue}", slug=queue)
    cases_before = set(Case.objects.values_list("pk", flat=True))
    client = Client()
    client.force_login(user)
    try:
        sample = create_meeting(body=body, samples=(LARGEST_SAMPLE,), archive_by=user)
        package = create_meeting(
            body=body,
            samples=(LARGEST_SAMPLE, "direktionen-2017-06-26", "direktionen-2017-03-20"),
            repeat=6,
            starts_at=sample.starts_at.replace(hour=8),
            archive_by=user,
        )
        html = build_html(meeting=sample, document="minutes", variant="internal", user=user)

        def plain(**options: object) -> bytes:
            return weasyprint.HTML(
                string=html, base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher()
            ).write_pdf(**options)

        with worker(queue, media_root) as proc:
            request_to_download(client, sample, "minutes")  # warm the worker up
            forget(sample)
            pipeline, plain_same, plain_default, pages = [], [], [], 0
            with PeakMemory(proc.pid) as memory:
                for _ in range(REPEATS):
                    seconds, pages = request_to_download(client, sample, "minutes")
                    pipeline.append(seconds)
                    forget(sample)
                    plain_same.append(timed(lambda: plain(pdf_variant=PDF_VARIANT, pdf_tags=True)))
                    plain_default.append(timed(plain))
            sample_peak = memory.peak_child

            request_to_download(client, sample, "minutes")
            reexport = []
            for _ in range(5):
                started = time.perf_counter()
                answer = client.post(
                    f"/api/meetings/{sample.pk}/pdf/",
                    {"variant": "internal", "document": "minutes"},
                    content_type="application/json",
                )
                assert answer.status_code == 200, answer.status_code  # served, not rendered
                b"".join(client.get(answer.json()["download_url"]).streaming_content)
                reexport.append(time.perf_counter() - started)

            with PeakMemory(proc.pid) as memory:
                package_seconds, package_pages = request_to_download(client, package, "agenda")
            package_peak = memory.peak_child

        p, s, d = (statistics.median(x) for x in (pipeline, plain_same, plain_default))
        bp, bs, bd = (min(x) for x in (pipeline, plain_same, plain_default))
        mib = 1024 * 1024
        print(f"largest sample ({LARGEST_SAMPLE}), internal minutes: {pages} pages")
        print(f"  (median / best of {REPEATS}, the three measured in turn)")
        print(f"  request → finished download through the worker: {p:.2f} / {bp:.2f} s")
        print(f"  plain WeasyPrint, same HTML, PDF/A-3a + tags: {s:.2f} / {bs:.2f} s")
        print(f"  plain WeasyPrint, same HTML, default options: {d:.2f} / {bd:.2f} s")
        print(f"  ratio to the plain PDF/A-3a render: {p / s:.2f}× / {bp / bs:.2f}×  (aim ≤ 1.2×)")
        print(f"  ratio to the plain default render: {p / d:.2f}× / {bp / bd:.2f}×")
        print(f"  pages per second end to end: {pages / p:.1f}")
        print(f"  re-export of the unchanged meeting, request → download (median of 5): "
              f"{statistics.median(reexport) * 1000:.0f} ms  (aim < 200 ms)")  # fmt: skip
        print(f"  peak worker child memory (RSS): {sample_peak / mib:.0f} MiB")
        print(f"agenda package: {package_pages} pages")
        print(f"  request → finished download: {package_seconds:.1f} s "
              f"({package_pages / package_seconds:.1f} pages/s)")  # fmt: skip
        cap = settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD / 1024
        print(f"  peak worker child memory (RSS): {package_peak / mib:.0f} MiB "
              f"(cap per child: {cap:.0f} MiB)")  # fmt: skip
    finally:
        remove_meetings(Meeting.objects.filter(body=body))
        body.delete()
        Case.objects.exclude(pk__in=cases_before).filter(items__isnull=True).delete()
        user.delete()
        shutil.rmtree(media_root, ignore_errors=True)
