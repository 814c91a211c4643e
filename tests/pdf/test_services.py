"""The job's life without a worker: who may ask, reuse by content hash, the run itself."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from meetings.errors import DomainError
from meetings.models import AgendaItem, Decision, Meeting
from pdf import services
from pdf.models import PdfJob
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People, unlock_decisions
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.pdf.conftest import CLOSED_TEXTS
from tests.pdf.pdfread import ReadPdf

pytestmark = pytest.mark.django_db


def _run(job: PdfJob) -> PdfJob:
    result = services.pdf_job_run(job_id=job.pk)
    assert result is not None
    return result


class TestWhoMayHaveWhich:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_internal_variant_is_for_those_who_see_closed_items(
        self, people: People, role: str
    ) -> None:
        meeting = MeetingFactory(body=people.body)
        allowed = services.pdf_variant_allowed(
            user=getattr(people, role), meeting=meeting, variant="internal"
        )
        assert allowed is (role in ROLES_WITH_CLOSED_ACCESS)

    @pytest.mark.parametrize("role", ROLES)
    def test_the_public_variant_is_for_anyone_who_may_open_the_meeting(
        self, people: People, role: str
    ) -> None:
        published = MeetingFactory(body=people.body)
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        user = getattr(people, role)
        assert services.pdf_variant_allowed(user=user, meeting=published, variant="public")
        expected_draft = role in ROLES_WITH_CLOSED_ACCESS
        assert (
            services.pdf_variant_allowed(user=user, meeting=draft, variant="public")
            is expected_draft
        )

    def test_asking_without_access_is_refused_in_danish(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        with pytest.raises(services.PdfAccessDenied, match="ikke adgang"):
            services.pdf_request(
                meeting=meeting, variant="internal", document="minutes", actor=people.staff
            )
        assert not PdfJob.objects.exists()

    def test_an_unknown_variant_is_refused(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        with pytest.raises(DomainError, match="Udgaven"):
            services.pdf_request(
                meeting=meeting, variant="secret", document="minutes", actor=people.secretary
            )


class TestReuseByContent:
    def test_asking_again_for_an_unchanged_meeting_returns_the_same_job(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        first = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.staff
        )
        again = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.director
        )
        assert again.pk == first.pk
        assert PdfJob.objects.count() == 1

    def test_any_change_makes_a_new_job(self, sample_minutes: Meeting, people: People) -> None:
        first = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.staff
        )
        unlock_decisions(sample_minutes)
        Decision.objects.filter(item__meeting=sample_minutes, item__number=4).update(
            text="<p>Godkendt med en ændring.</p>"
        )
        second = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.staff
        )
        assert second.pk != first.pk
        assert second.content_hash != first.content_hash

    def test_a_change_to_a_closed_item_does_not_change_the_public_pdf(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        first = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.staff
        )
        unlock_decisions(sample_minutes)
        AgendaItem.objects.filter(meeting=sample_minutes, number=8).update(
            background="<p>Ny fortrolig tekst</p>"
        )
        again = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.secretary
        )
        assert again.pk == first.pk

    def test_the_public_pdf_is_the_same_whoever_asks(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        jobs = {
            services.pdf_request(
                meeting=sample_minutes, variant="public", document="agenda", actor=user
            ).pk
            for user in (people.staff, people.secretary, people.superuser, people.outsider)
        }
        jobs.add(services.pdf_render_public_on_publish(sample_minutes).pk)
        assert len(jobs) == 2  # the agenda, and the minutes made on publishing

    def test_the_stored_html_of_a_public_job_holds_no_closed_text(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        job = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.superuser
        )
        for secret in CLOSED_TEXTS:
            assert secret not in job.html


class TestRunningAJob:
    def test_it_renders_the_file_and_records_it(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        job = services.pdf_request(
            meeting=sample_minutes, variant="internal", document="minutes", actor=people.director
        )
        assert job.status == PdfJob.Status.QUEUED
        done = _run(job)
        assert done.status == PdfJob.Status.DONE
        assert done.progress == 100
        assert done.attempts == 1
        assert done.html == ""
        path = services.pdf_file_path(done)
        assert path.is_file()
        assert path.name == f"minutes-internal-{done.content_hash}.pdf"
        assert done.page_count == len(ReadPdf(path.read_bytes()).pages) > 20
        assert done.size == path.stat().st_size

    def test_an_unchanged_reexport_renders_nothing(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        job = _run(
            services.pdf_request(
                meeting=sample_minutes, variant="public", document="agenda", actor=people.staff
            )
        )
        stamp = services.pdf_file_path(job).stat().st_mtime_ns
        again = services.pdf_request(
            meeting=sample_minutes, variant="public", document="agenda", actor=people.staff
        )
        assert again.pk == job.pk
        assert again.status == PdfJob.Status.DONE
        assert _run(again).attempts == 1
        assert services.pdf_file_path(again).stat().st_mtime_ns == stamp

    def test_a_rerun_after_a_crash_gives_the_same_file_and_no_duplicate(
        self, sample_minutes: Meeting, people: People
    ) -> None:
        job = services.pdf_request(
            meeting=sample_minutes, variant="public", document="minutes", actor=people.staff
        )
        target = Path(settings.MEDIA_ROOT) / services._final_relative_path(job)
        # The crashed attempt: marked running, a half-written temporary file left behind.
        PdfJob.objects.filter(pk=job.pk).update(status=PdfJob.Status.RUNNING, attempts=1)
        target.parent.mkdir(parents=True, exist_ok=True)
        leftover = target.parent / f".{target.name}.crash1.tmp"
        leftover.write_bytes(b"%PDF-1.7 half")
        done = _run(job)
        assert done.status == PdfJob.Status.DONE
        assert done.attempts == 2
        assert not leftover.exists()
        first_bytes = target.read_bytes()
        assert sorted(p.name for p in target.parent.iterdir() if job.content_hash in p.name) == [
            target.name
        ]
        # Crash after the move but before the database knew: the file is adopted as it is.
        PdfJob.objects.filter(pk=job.pk).update(status=PdfJob.Status.RUNNING, file_path="")
        stamp = target.stat().st_mtime_ns
        adopted = _run(job)
        assert adopted.status == PdfJob.Status.DONE
        assert target.stat().st_mtime_ns == stamp
        assert target.read_bytes() == first_bytes
        assert adopted.page_count == len(ReadPdf(first_bytes).pages)

    def test_a_second_runner_leaves_a_job_that_is_being_rendered(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        job = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        db = connection.settings_dict
        # Another session (another worker) holds the job's lock.
        with psycopg.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
        ) as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", [services._LOCK_NAMESPACE, job.pk])
            with pytest.raises(services.PdfJobBusy):
                services.pdf_job_run(job_id=job.pk)
            assert services.pdf_job_is_locked(job.pk)
            from pdf.tasks import pdf_render_job

            # The task tries again later; in the end it leaves the job to its holder.
            assert pdf_render_job.apply(args=[job.pk]).get() == "skipped"
            # Released before the connection closes: a closing session lets go of its locks
            # only when the server has processed the disconnection.
            other.execute("SELECT pg_advisory_unlock(%s, %s)", [services._LOCK_NAMESPACE, job.pk])
        assert PdfJob.objects.get(pk=job.pk).status == PdfJob.Status.QUEUED
        assert _run(job).status == PdfJob.Status.DONE

    def test_a_failed_job_is_queued_again_when_asked_again(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        job = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        services.pdf_job_fail(job_id=job.pk, error="Fejl")
        assert services.pdf_job_run(job_id=job.pk).status == PdfJob.Status.FAILED
        again = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        assert again.pk == job.pk
        assert again.status == PdfJob.Status.QUEUED
        assert again.error == ""
        assert _run(again).status == PdfJob.Status.DONE

    def test_a_lost_file_is_rendered_again(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        job = _run(
            services.pdf_request(
                meeting=meeting, variant="public", document="agenda", actor=people.staff
            )
        )
        os.unlink(services.pdf_file_path(job))
        again = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        assert again.pk == job.pk
        assert again.status == PdfJob.Status.QUEUED
        rendered = _run(again)
        assert rendered.status == PdfJob.Status.DONE
        assert services.pdf_file_path(rendered).is_file()

    def test_a_job_that_no_longer_exists_is_skipped(self) -> None:
        assert services.pdf_job_run(job_id=987654321) is None


class TestOnPublish:
    def test_it_queues_the_public_minutes_without_a_user(self, sample_minutes: Meeting) -> None:
        job = services.pdf_render_public_on_publish(sample_minutes)
        assert (job.variant, job.document, job.requested_by) == ("public", "minutes", None)
        text = ReadPdf(services.pdf_file_path(_run(job)).read_bytes()).text
        assert "Punkt 8: Lukket" in text
        for secret in CLOSED_TEXTS:
            assert secret not in text


class TestSweep:
    def test_a_running_job_whose_worker_died_long_ago_is_queued_again(
        self, people: People, broker_down: Callable[[], None]
    ) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        dead = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        alive = services.pdf_request(
            meeting=meeting, variant="public", document="minutes", actor=people.staff
        )
        long_ago = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
        PdfJob.objects.update(
            status=PdfJob.Status.RUNNING, started_at=long_ago, dispatched_at=long_ago
        )
        db = connection.settings_dict
        with psycopg.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
        ) as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", [services._LOCK_NAMESPACE, alive.pk])
            # The broker is down too: the job is queued again and waits, nothing is lost.
            assert services.pdf_dispatch_pending() == 0
        dead.refresh_from_db()
        alive.refresh_from_db()
        assert (dead.status, dead.dispatched_at) == (PdfJob.Status.QUEUED, None)
        assert alive.status == PdfJob.Status.RUNNING

    def test_a_job_whose_worker_dies_a_second_time_fails_with_a_danish_message(
        self, people: People, broker_down: Callable[[], None]
    ) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        job = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        a_while_ago = timezone.now() - dt.timedelta(seconds=settings.WORKER_LOST_GRACE_SECONDS + 5)
        # A worker started it and died: running, and no session holds its lock.
        PdfJob.objects.update(status=PdfJob.Status.RUNNING, started_at=a_while_ago, progress=20)
        services.dispatch_pending()
        job.refresh_from_db()
        assert (job.status, job.progress, job.lost_runs) == (PdfJob.Status.QUEUED, 0, 1)

        PdfJob.objects.update(status=PdfJob.Status.RUNNING, started_at=a_while_ago, progress=20)
        services.dispatch_pending()
        job.refresh_from_db()
        assert job.status == PdfJob.Status.FAILED
        assert "stoppede to gange undervejs" in job.error
        # Asking again starts afresh.
        again = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        assert (again.pk, again.status) == (job.pk, PdfJob.Status.QUEUED)

    def test_a_job_whose_worker_only_just_started_is_left_alone(
        self, people: People, broker_down: Callable[[], None]
    ) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        job = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        PdfJob.objects.update(status=PdfJob.Status.RUNNING, started_at=timezone.now())
        services.dispatch_pending()
        job.refresh_from_db()
        assert (job.status, job.lost_runs) == (PdfJob.Status.RUNNING, 0)

    def test_a_job_the_broker_never_got_waits_with_its_html(
        self, people: People, broker_down: Callable[[], None]
    ) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting, title="Budget 2019")
        job = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        assert services.pdf_job_dispatch(job_id=job.pk) is False
        job.refresh_from_db()
        assert (job.status, job.dispatched_at) == (PdfJob.Status.QUEUED, None)
        assert "Budget 2019" in job.html


class TestTask:
    def test_a_permanent_fault_fails_the_job_with_a_danish_message(self, people: People) -> None:
        from pdf.tasks import pdf_render_job

        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        job = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        PdfJob.objects.filter(pk=job.pk).update(html="")  # nothing left to render
        assert pdf_render_job.apply(args=[job.pk]).get() == "failed"
        job.refresh_from_db()
        assert job.status == PdfJob.Status.FAILED
        assert job.error == "PDF'en kunne ikke laves. Fejlen er registreret; prøv igen senere."

    def test_the_task_renders_and_a_second_delivery_does_nothing(self, people: People) -> None:
        from pdf.tasks import pdf_render_job

        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting)
        job = services.pdf_request(
            meeting=meeting, variant="public", document="agenda", actor=people.staff
        )
        assert pdf_render_job.apply(args=[job.pk]).get() == "done"
        assert pdf_render_job.apply(args=[job.pk]).get() == "done"
        job.refresh_from_db()
        assert job.attempts == 1
        assert pdf_render_job.apply(args=[987654321]).get() == "skipped"
