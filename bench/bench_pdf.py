"""PDF figures: request → finished download through a real Celery worker, next to a plain
WeasyPrint render of the same HTML in the same run; pages per second; the re-export of an
unchanged meeting; peak worker memory; and the agenda package (dagsorden med bilag) of about
300 pages with 40 PDF attachments: cold, unchanged (served from the file made), against
WeasyPrint alone on the same (placeholder-filled) HTML, and two packages at once in two worker
processes against one alone.

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
from django.core.files.base import ContentFile
from django.test import Client

from bench.common import remove_meetings
from common.pdf_fetch import BASE_URL, StaticOnlyURLFetcher
from meetings.models import Attachment, Body, Case, Meeting
from pdf.content import build_html
from pdf.models import PdfJob
from pdf.render import PDF_VARIANT
from referat.celery import app
from tests.pdf.samples import LARGEST_SAMPLE, create_meeting

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
ATTACHMENTS = 40
ATTACHMENT_PAGES = 4


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
def worker(queue: str, media_root: Path, concurrency: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(os.environ, MEDIA_ROOT=str(media_root), PDF_TASK_QUEUE=queue)
    env.setdefault("DJANGO_SETTINGS_MODULE", "referat.settings.local")
    hostname = f"{queue}@{socket.gethostname()}"
    log = (media_root / "worker.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "referat", "worker", "--loglevel=WARNING",
         f"--concurrency={concurrency}", "-Q", queue, "-n", hostname, "--without-gossip",
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


def attachment_pdf(pages: int) -> bytes:
    """A text PDF of `pages` A4 pages, as a scanned-in report would not be: searchable."""
    text = "Bilagets tekst om budget, tagrender og skolernes vedligehold. " * 40
    body = "".join(f'<section style="break-before: page"><h1>Side {n}</h1><p>{text}</p></section>'
                   for n in range(1, pages + 1))  # fmt: skip
    return weasyprint.HTML(string=f"<html lang='da'><body>{body}</body></html>").write_pdf()


def attach_pdfs(meeting: Meeting, count: int, data: bytes) -> None:
    items = list(meeting.items.order_by("number"))
    for n in range(count):
        item = items[n % len(items)]
        attachment = Attachment(item=item, title=f"Bilag {n + 1} til {item.title[:60]}",
                                content_type="application/pdf", size=len(data),
                                position=n + 1)  # fmt: skip
        attachment.file.save(f"bilag-{n + 1}.pdf", ContentFile(data), save=False)
        attachment.save()


def request_job(client: Client, meeting: Meeting, document: str, variant: str) -> str:
    answer = client.post(f"/api/meetings/{meeting.pk}/pdf/",
                         {"variant": variant, "document": document},
                         content_type="application/json").json()  # fmt: skip
    return str(answer["status_url"])


def wait_done(client: Client, status_url: str) -> dict[str, object]:
    while True:
        status = client.get(status_url).json()
        if status["status"] in {"done", "failed"}:
            if status["status"] != "done":
                raise RuntimeError(f"the job failed: {status['error']}")
            return dict(status)
        time.sleep(0.05)


def package_figures(client: Client, user: object, body: Body, queue: str,
                    media_root: Path, starts_at: object) -> None:  # fmt: skip
    """The agenda package: about 300 pages (the agenda's own ~100, 40 separators and 40
    attachments of 4 pages) with 40 PDF attachments."""
    from pdf import package as pdf_package
    from pdf.content import build_document

    package = create_meeting(
        body=body,
        samples=(LARGEST_SAMPLE, "direktionen-2017-06-26", "direktionen-2017-03-20"),
        repeat=2,
        status="draft",  # attachments are added to an agenda, before the meeting
        starts_at=starts_at,
    )
    attach_pdfs(package, ATTACHMENTS, attachment_pdf(ATTACHMENT_PAGES))
    mib = 1024 * 1024
    with worker(queue, media_root) as proc:
        with PeakMemory(proc.pid) as memory:
            cold, pages = request_to_download(client, package, "agenda")
        cold_peak = memory.peak_child
        cached = []
        for _ in range(3):
            started = time.perf_counter()
            status = wait_done(client, request_job(client, package, "agenda", "internal"))
            b"".join(client.get(str(status["download_url"])).streaming_content)
            cached.append(time.perf_counter() - started)

    # WeasyPrint alone on the same HTML, with the placeholder pages the worker puts in.
    built = build_document(meeting=package, document="agenda", variant="internal", user=user)
    inspected = pdf_package.inspect(built.attachments, media_root=media_root)
    full_html = pdf_package.fill_html(built.html, inspected)
    alone = timed(lambda: weasyprint.HTML(string=full_html, base_url=BASE_URL,
                                          url_fetcher=StaticOnlyURLFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True))  # fmt: skip

    # Two packages at once, by two worker processes, against one alone (just measured).
    forget(package)
    with worker(queue, media_root, concurrency=2) as proc:
        with PeakMemory(proc.pid) as memory:
            started = time.perf_counter()
            urls = [request_job(client, package, "agenda", v) for v in ("internal", "public")]
            for url in urls:
                wait_done(client, url)
            both = time.perf_counter() - started
        both_peak = memory.peak_child

    cap = settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD / 1024
    print(f"agenda package: {pages} pages, {ATTACHMENTS} PDF attachments of "
          f"{ATTACHMENT_PAGES} pages ({len(inspected)} appended)")  # fmt: skip
    print(f"  cold, request → finished download through the worker: {cold:.1f} s "
          f"({pages / cold:.1f} pages/s)")  # fmt: skip
    print(f"  unchanged, request → download of the file made (median of 3): "
          f"{statistics.median(cached) * 1000:.0f} ms")  # fmt: skip
    print(f"  WeasyPrint alone, same HTML with placeholder pages, PDF/A-3a + tags: {alone:.1f} s "
          f"({pages / alone:.1f} pages/s); the package costs {cold / alone:.2f}× that")  # fmt: skip
    print(f"  peak worker child memory (RSS): {cold_peak / mib:.0f} MiB "
          f"(cap per child: {cap:.0f} MiB)")  # fmt: skip
    print(f"  two packages at once in two worker processes: {both:.1f} s for both "
          f"({both / cold:.2f}× one alone; {os.cpu_count()} cores on the machine), "
          f"peak child RSS {both_peak / mib:.0f} MiB")  # fmt: skip


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
        package_figures(client, user, body, queue, media_root, sample.starts_at.replace(hour=8))
    finally:
        remove_meetings(Meeting.objects.filter(body=body))
        body.delete()
        Case.objects.exclude(pk__in=cases_before).filter(items__isnull=True).delete()
        user.delete()
        shutil.rmtree(media_root, ignore_errors=True)
