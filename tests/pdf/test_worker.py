"""PDF jobs through Redis and real Celery workers: the whole path, a broker that is down, and
a worker killed in the middle of a render."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from meetings.models import Meeting
from pdf import services
from pdf.models import PdfJob
from pdf.render import render_pdf
from referat.celery import app
from tests.conftest import ROOT, People
from tests.pdf.conftest import CLOSED_TEXTS
from tests.pdf.pdfread import ReadPdf
from tests.pdf.samples import create_meeting

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Generous: two cores are shared by several test suites. Nothing is asserted about speed.
WAIT = 180.0


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"Gave up waiting for {what}")


def job_status(job_id: int) -> str:
    return PdfJob.objects.values_list("status", flat=True).get(pk=job_id)


class TestThroughTheWorker:
    def test_request_follow_download_then_reexport_renders_nothing(
        self, people: People, celery_worker_process: subprocess.Popen[bytes]
    ) -> None:
        meeting = create_meeting(body=people.body, closed_numbers=(8,))
        client = people.client_for("director")
        started = client.post(
            f"/api/meetings/{meeting.pk}/pdf/",
            {"variant": "public", "document": "minutes"},
            content_type="application/json",
        )
        assert started.status_code == 202
        status_url = started.json()["status_url"]
        seen_progress: set[int] = set()

        def finished() -> bool:
            body = client.get(status_url).json()
            seen_progress.add(body["progress"])
            return body["status"] in {"done", "failed"}

        wait_for(finished, "the PDF job")
        body = client.get(status_url).json()
        assert body["status"] == "done", body["error"]
        assert body["progress"] == 100
        download = client.get(body["download_url"])
        assert download["Content-Type"] == "application/pdf"
        pdf = ReadPdf(b"".join(download.streaming_content))
        headings = pdf.heading_pages()
        assert [page for _t, page in pdf.item_toc()] == [headings[n] for n in range(1, 11)]
        assert all(secret not in pdf.text for secret in CLOSED_TEXTS)

        job = PdfJob.objects.get(pk=body["job"])
        stamp = services.pdf_file_path(job).stat().st_mtime_ns
        again = client.post(
            f"/api/meetings/{meeting.pk}/pdf/",
            {"variant": "public", "document": "minutes"},
            content_type="application/json",
        )
        assert again.status_code == 200
        assert again.json()["job"] == job.pk
        assert again.json()["status"] == "done"
        time.sleep(1)  # room for a wrongly queued render to start; none may
        job.refresh_from_db()
        assert job.attempts == 1
        assert services.pdf_file_path(job).stat().st_mtime_ns == stamp
        assert PdfJob.objects.count() == 1

    def test_publishing_queues_the_public_minutes(
        self, people: People, celery_worker_process: subprocess.Popen[bytes]
    ) -> None:
        meeting = create_meeting(body=people.body, closed_numbers=(8,))
        job = services.pdf_render_public_on_publish(meeting)
        wait_for(lambda: job_status(job.pk) == PdfJob.Status.DONE, "the published PDF")
        job.refresh_from_db()
        text = ReadPdf(services.pdf_file_path(job).read_bytes()).text
        assert "Punkt 8: Lukket" in text
        assert all(secret not in text for secret in CLOSED_TEXTS)


class TestBrokerDown:
    def test_the_user_is_told_nothing_is_lost_and_the_job_runs_when_redis_is_back(
        self,
        people: People,
        broker_down: Callable[[], None],
        celery_worker_process: subprocess.Popen[bytes],
    ) -> None:
        meeting = create_meeting(body=people.body)
        client = people.client_for("secretary")
        response = client.post(
            f"/api/meetings/{meeting.pk}/pdf/",
            {"variant": "internal", "document": "agenda"},
            content_type="application/json",
        )
        assert response.status_code == 202
        body = response.json()
        assert body["status"] == "queued"
        assert "Baggrundskøen kan ikke nås lige nu" in body["message"]
        job = PdfJob.objects.get(pk=body["job"])
        assert job.dispatched_at is None
        assert job.html  # what was asked for is kept
        # The page tells the same, and keeps polling.
        fragment = client.get(f"/pdf-jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
        assert "Bestillingen er gemt" in fragment
        assert "hx-trigger" in fragment
        time.sleep(1)
        assert job_status(job.pk) == PdfJob.Status.QUEUED

        broker_down()  # Redis is back
        wait_for(
            lambda: client.get(body["status_url"]).json()["status"] == "done",
            "the job after Redis came back",
        )
        assert client.get(body["status_url"]).json()["message"] == ""

    def test_the_sweep_sends_what_the_broker_never_got(
        self,
        people: People,
        broker_down: Callable[[], None],
        celery_worker_process: subprocess.Popen[bytes],
    ) -> None:
        meeting = create_meeting(body=people.body)
        job = services.pdf_render_public_on_publish(meeting)
        assert job.dispatched_at is None
        assert services.pdf_dispatch_pending() == 0  # still down: nothing lost, nothing sent
        broker_down()
        assert services.pdf_dispatch_pending() == 1
        wait_for(lambda: job_status(job.pk) == PdfJob.Status.DONE, "the swept job")


def _spawn_worker(queue: str, log: Path, **env_extra: str) -> subprocess.Popen[bytes]:
    """A worker of our own, in its own process group so that it can be killed whole."""
    db = settings.DATABASES["default"]
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is for the test process only.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="referat.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        **env_extra,
    )
    hostname = f"{queue}-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "referat", "worker", "--loglevel=INFO",
         "--concurrency=1", "-Q", queue, "-n", hostname, "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while not app.control.ping(destination=[hostname], timeout=1.0):
        if proc.poll() is not None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise RuntimeError(f"The worker did not start: {log.read_text()[-3000:]}")
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class TestWorkerKilledMidJob:
    def test_it_still_ends_with_one_correct_file(
        self, people: People, settings: Settings, tmp_path: Path
    ) -> None:
        queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-kill-{uuid.uuid4().hex[:6]}"
        settings.PDF_TASK_QUEUE = queue
        # About a hundred pages: long enough to be killed in the middle of the layout.
        meeting: Meeting = create_meeting(body=people.body, repeat=4, closed_numbers=(8,))
        log = tmp_path / "workers.log"
        first = _spawn_worker(queue, log)
        second = None
        try:
            job = services.pdf_request(
                meeting=meeting, variant="internal", document="minutes", actor=people.secretary
            )
            html = job.html
            target = Path(settings.MEDIA_ROOT) / services._final_relative_path(job)
            wait_for(
                lambda: PdfJob.objects.values_list("progress", flat=True).get(pk=job.pk) >= 25,
                "the render to be well under way",
            )
            os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool child, at once
            first.wait()
            job.refresh_from_db()
            assert job.status == PdfJob.Status.RUNNING
            assert not target.exists()  # killed in the middle: no file yet

            # A new worker takes the unacknowledged message back from Redis: it is started
            # with a short visibility timeout so that it does so at once.
            time.sleep(1.5)
            second = _spawn_worker(queue, log, CELERY_VISIBILITY_TIMEOUT="1")
            wait_for(lambda: job_status(job.pk) == PdfJob.Status.DONE, "the rerun")
        finally:
            _stop(first)
            if second is not None:
                _stop(second)

        job.refresh_from_db()
        assert job.attempts == 2
        assert PdfJob.objects.filter(meeting=meeting).count() == 1
        siblings = sorted(p.name for p in target.parent.iterdir())
        assert siblings == [target.name]  # one file, no temporary leftovers
        data = target.read_bytes()
        assert data == render_pdf(html).pdf  # the very file an uninterrupted render gives
        pdf = ReadPdf(data)
        headings = pdf.heading_pages()
        assert [page for _t, page in pdf.item_toc()] == [headings[n] for n in sorted(headings)]
