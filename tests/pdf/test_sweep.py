"""The one sweep (pdf.services.dispatch_pending), through Redis and real Celery workers: work
asked for while Redis is down is saved, answered normally and done once Redis is back, and a
worker killed mid-render is noticed by the next worker without any beat."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings
from weasyprint import HTML

from budget.models import PoolStatusReport
from meetings.models import Attachment, Meeting
from meetings.search import search_items
from pdf import services
from pdf.models import PdfJob
from tests.budget.factories import PoolFactory
from tests.conftest import People
from tests.factories import AgendaItemFactory
from tests.pdf.samples import create_meeting
from tests.pdf.test_worker import _spawn_worker, _stop, job_status, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _large_pdf(text: str) -> bytes:
    pdf = HTML(string=f"<p>{text}</p>").write_pdf()
    assert pdf is not None
    return bytes(pdf)


class TestRedisDown:
    def test_a_large_attachment_is_saved_on_the_page_and_the_api_and_read_when_redis_is_back(
        self,
        people: People,
        draft: Meeting,
        settings: Settings,
        broker_down: Callable[[], None],
        celery_worker_process: subprocess.Popen[bytes],
    ) -> None:
        settings.ATTACHMENT_INLINE_EXTRACT_BYTES = 10  # every file counts as large
        item = AgendaItemFactory(meeting=draft, title="Klimaplan")
        client = people.client_for("secretary")
        page = client.post(
            f"/items/{item.pk}/attachments/",
            {"file": SimpleUploadedFile("plan.pdf", _large_pdf("Regnvandsbassin ved Taastrup"))},
            HTTP_HX_REQUEST="true",
        )
        assert page.status_code == 200
        assert "er vedhæftet" in page.content.decode()
        assert "Teksten i bilaget kan søges om lidt." in page.content.decode()
        api = client.post(
            f"/api/items/{item.pk}/attachments/",
            {"file": SimpleUploadedFile("notat.pdf", _large_pdf("Skybrudssikring af Hedehusene"))},
        )
        assert api.status_code == 201, api.content
        assert Attachment.objects.filter(item=item, text_pending=True).count() == 2
        assert search_items(people.secretary, "regnvandsbassin").count == 0

        assert services.dispatch_pending()["attachment_texts"] == 0  # still down: kept
        broker_down()  # Redis is back
        assert services.dispatch_pending()["attachment_texts"] == 2
        wait_for(
            lambda: not Attachment.objects.filter(text_pending=True).exists(),
            "the attachments' text",
        )
        assert search_items(people.secretary, "regnvandsbassin").count == 1
        assert search_items(people.secretary, "skybrudssikring").count == 1

    def test_a_pool_report_is_saved_the_page_says_so_and_it_is_rendered_when_redis_is_back(
        self,
        people: People,
        broker_down: Callable[[], None],
        celery_worker_process: subprocess.Popen[bytes],
    ) -> None:
        PoolFactory(body=people.body, name="it-promillepulje", amount=Decimal("2206"))
        client = people.client_for("director")
        response = client.post("/pools/status/direktionen/pdf/")
        assert response.status_code == 302
        report = PoolStatusReport.objects.get()
        page = client.get(response["Location"]).content.decode()
        assert "Baggrundskøen kan ikke nås lige nu" in page
        assert report.status == PoolStatusReport.Status.QUEUED

        broker_down()  # Redis is back
        assert services.dispatch_pending()["pool_reports"] == 1
        wait_for(
            lambda: (
                PoolStatusReport.objects.get(pk=report.pk).status == PoolStatusReport.Status.DONE
            ),
            "the pool report",
        )
        page = client.get(response["Location"]).content.decode()
        assert "Baggrundskøen" not in page
        download = client.get(f"/pools/reports/{report.pk}/download/")
        assert download["Content-Type"] == "application/pdf"


class TestWorkerKilledWithoutBeat:
    def test_the_next_worker_runs_the_job_again_once_and_fails_it_the_second_time(
        self, people: People, settings: Settings, tmp_path: Path
    ) -> None:
        queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-sweep-{uuid.uuid4().hex[:6]}"
        settings.PDF_TASK_QUEUE = queue
        # Each worker sweeps at start-up and every second; no beat runs anywhere.
        env = {"PDF_TASK_QUEUE": queue, "DISPATCH_SWEEP_SECONDS": "1"}
        env["WORKER_LOST_GRACE_SECONDS"] = "1"
        meeting = create_meeting(body=people.body, repeat=4, closed_numbers=(8,))
        log = tmp_path / "workers.log"
        client = people.client_for("secretary")
        workers: list[subprocess.Popen[bytes]] = []

        def progress() -> int:
            return PdfJob.objects.values_list("progress", flat=True).get(pk=job.pk)

        def kill_mid_render() -> None:
            wait_for(lambda: progress() >= 25, "the render to be well under way")
            os.killpg(workers[-1].pid, signal.SIGKILL)  # the worker and its child at once
            workers[-1].wait()
            assert job_status(job.pk) == PdfJob.Status.RUNNING

        try:
            workers.append(_spawn_worker(queue, log, **env))
            started = client.post(
                f"/api/meetings/{meeting.pk}/pdf/",
                {"variant": "internal", "document": "minutes"},
                content_type="application/json",
            )
            assert started.status_code == 202
            job = PdfJob.objects.get(pk=started.json()["job"])
            kill_mid_render()

            # The next worker notices the dead render and runs the job again.
            time.sleep(1.5)  # past the grace the sweep gives a running job
            workers.append(_spawn_worker(queue, log, **env))
            wait_for(
                lambda: PdfJob.objects.get(pk=job.pk).lost_runs == 1,
                "the lost render to be noticed",
            )
            kill_mid_render()

            time.sleep(1.5)
            workers.append(_spawn_worker(queue, log, **env))
            wait_for(lambda: job_status(job.pk) == PdfJob.Status.FAILED, "the job to fail")
        finally:
            for worker in workers:
                _stop(worker)

        status = client.get(started.json()["status_url"]).json()
        assert status["status"] == "failed"
        assert "baggrundsprocessen stoppede to gange" in status["error"]
        job.refresh_from_db()
        assert job.lost_runs == 2
        assert job.attempts == 2
