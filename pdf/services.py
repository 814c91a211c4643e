"""State changes of PDF jobs. Views, the API, the publish workflow and the Celery task call
these; nothing else changes a job.

The life of a job: `pdf_request` finds or creates the job keyed on the hash of what it renders
and hands it to the broker after commit (`pdf_job_dispatch`); the worker's `pdf_job_run`
renders it under a PostgreSQL advisory lock, writes a temporary file and moves it into place;
`pdf_dispatch_pending` sends again whatever the broker never got or lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import shutil
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.services import pool_reports_dispatch_pending
from common.broker import send_task
from common.locks import advisory_lock, is_locked
from meetings.access import user_has_body_access
from meetings.errors import DomainError, InvalidInput, NotAllowed
from meetings.models import Meeting
from meetings.services.attachments import attachment_texts_dispatch_pending
from pdf.content import build_document, content_hash
from pdf.models import PdfJob
from pdf.package import PackageAttachment
from pdf.render import render_to_file

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser

logger = logging.getLogger("referat.pdf")

# A namespace for our advisory locks, so they never meet another feature's.
_LOCK_NAMESPACE = 0x50444600  # "PDF\0"
# A job queued this long ago that no worker has started is sent again (its message was lost).
STALE_QUEUED = dt.timedelta(minutes=10)


class PdfAccessDenied(NotAllowed):
    """The user may not have this variant of this meeting's PDF."""


class PdfJobBusy(Exception):
    """Another session holds the job's lock: a live worker is rendering it (or a dead one's
    database session has not been closed yet)."""


def pdf_variant_allowed(
    *, user: AnyUser, meeting: Meeting, variant: str, document: str = PdfJob.Document.MINUTES
) -> bool:
    """Who may have which PDF: the public variant anyone who may open the meeting (its
    minutes only once they may read the minutes: the agenda alone is published before); the
    internal one, with closed items, only the body's members and secretary and superusers —
    those who may see every closed item of the body."""
    meetings = (
        Meeting.objects.visible_to(user)
        if document == PdfJob.Document.AGENDA
        else Meeting.objects.minutes_visible_to(user)
    )
    if not meetings.filter(pk=meeting.pk).exists():
        return False
    if variant == PdfJob.Variant.PUBLIC:
        return True
    if variant != PdfJob.Variant.INTERNAL:
        return False
    return user_has_body_access(user, meeting)


def _check_choice(*, variant: str, document: str) -> None:
    if variant not in PdfJob.Variant.values:
        raise InvalidInput(_("Udgaven skal være “internal” eller “public”."))
    if document not in PdfJob.Document.values:
        raise InvalidInput(_("Dokumentet skal være “minutes” eller “agenda”."))


def pdf_file_path(job: PdfJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file_path


def _final_relative_path(job: PdfJob) -> str:
    return f"pdf/{job.meeting_id}/{job.document}-{job.variant}-{job.content_hash}.pdf"


def _file_ok(job: PdfJob) -> bool:
    return bool(job.file_path) and pdf_file_path(job).is_file()


def pdf_request(*, meeting: Meeting, variant: str, document: str, actor: AnyUser | None) -> PdfJob:
    """Ask for a PDF of the meeting as it is now; return its job.

    Idempotent: the job is keyed on the hash of the rendered HTML, so asking again for an
    unchanged meeting returns the job that already holds the file (nothing is rendered), a
    job in progress is shared, and any change makes a new job. A failed job, or a finished one
    whose file has gone, is queued again. The job goes to the broker after commit; if the
    broker is down the job stays queued with `dispatched_at` empty and is sent when it is back.

    `actor` None is the system itself (the public PDF made when minutes are published); it may
    only ask for the public variant. Raises PdfAccessDenied or DomainError (Danish messages).
    """
    _check_choice(variant=variant, document=document)
    if actor is None:
        if variant != PdfJob.Variant.PUBLIC:
            raise PdfAccessDenied(_("Kun den offentlige udgave kan bestilles automatisk."))
    elif not pdf_variant_allowed(user=actor, meeting=meeting, variant=variant, document=document):
        raise PdfAccessDenied(_("Du har ikke adgang til denne udgave af mødets PDF."))
    built = build_document(meeting=meeting, document=document, variant=variant, user=actor)
    html = built.html
    files = [attachment.to_json() for attachment in built.attachments]
    key = content_hash(html=html, document=document, variant=variant, attachments=built.attachments)
    requester = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        job, created = PdfJob.objects.get_or_create(
            meeting=meeting,
            document=document,
            variant=variant,
            content_hash=key,
            defaults={"html": html, "attachments": files, "requested_by": requester},
        )
        if not created:
            job = PdfJob.objects.select_for_update().get(pk=job.pk)
            gone = job.status == PdfJob.Status.DONE and not _file_ok(job)
            if gone or job.status == PdfJob.Status.FAILED:
                job.html = html
                job.attachments = files
                job.status = PdfJob.Status.QUEUED
                job.progress = 0
                job.error = ""
                job.file_path = ""
                job.dispatched_at = None
                job.requested_by = requester or job.requested_by
                job.save()
        if job.status == PdfJob.Status.QUEUED and job.dispatched_at is None:
            transaction.on_commit(partial(pdf_job_dispatch, job_id=job.pk))
    job.refresh_from_db()
    return job


def pdf_job_is_current(job: PdfJob, user: AnyUser) -> bool:
    """Whether the job's file still shows the meeting as `user` may see it now: its content
    hash is that of the HTML the meeting gives today. A file made before an item was closed, a
    title changed or the meeting reopened is superseded and must not be handed out."""
    built = build_document(
        meeting=job.meeting, document=job.document, variant=job.variant, user=user
    )
    key = content_hash(
        html=built.html, document=job.document, variant=job.variant, attachments=built.attachments
    )
    return key == job.content_hash


def pdf_current_public(*, meeting: Meeting, document: str, user: AnyUser) -> PdfJob | None:
    """The finished public PDF of the meeting as it is now, with its file; None if it has
    still to be made. The public variant is the same for every reader who may have it."""
    variant = PdfJob.Variant.PUBLIC
    built = build_document(meeting=meeting, document=document, variant=variant, user=user)
    key = content_hash(
        html=built.html, document=document, variant=variant, attachments=built.attachments
    )
    job = PdfJob.objects.filter(
        meeting=meeting,
        document=document,
        variant=PdfJob.Variant.PUBLIC,
        content_hash=key,
        status=PdfJob.Status.DONE,
    ).first()
    return job if job is not None and _file_ok(job) else None


def pdf_job_retire(*, job_id: int) -> None:
    """Remove a superseded job's file, so that no path can hand it out again; the job stays as
    the record that it was made. Safe to run twice."""
    with transaction.atomic():
        job = PdfJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.file_path:
            return
        path = pdf_file_path(job)
        PdfJob.objects.filter(pk=job.pk).update(
            file_path="", error=_("PDF'en er forældet: mødet er ændret, siden den blev lavet.")
        )
    path.unlink(missing_ok=True)


def pdf_render_public_on_publish(meeting: Meeting) -> PdfJob:
    """Queue the public minutes PDF of a meeting that has just been published.

    For the publish service: call it inside its transaction; the job is sent to the worker
    after commit, and a broker that is down only delays it. Shows no closed item's content.
    """
    return pdf_request(
        meeting=meeting,
        variant=PdfJob.Variant.PUBLIC,
        document=PdfJob.Document.MINUTES,
        actor=None,
    )


def pdf_render_public_agenda(meeting: Meeting) -> PdfJob:
    """Queue the public agenda PDF of a meeting whose agenda (or supplement) has just been
    published; as pdf_render_public_on_publish, inside the publishing transaction."""
    return pdf_request(
        meeting=meeting,
        variant=PdfJob.Variant.PUBLIC,
        document=PdfJob.Document.AGENDA,
        actor=None,
    )


def pdf_job_dispatch(*, job_id: int) -> bool:
    """Hand a queued job to the broker. Returns False (and leaves the job waiting, with
    `dispatched_at` empty) when the broker cannot be reached; never raises for that."""
    from pdf.tasks import pdf_render_job

    claimed = PdfJob.objects.filter(
        pk=job_id, status=PdfJob.Status.QUEUED, dispatched_at__isnull=True
    ).update(dispatched_at=timezone.now())
    if not claimed:
        return True  # someone else sent it, or it is no longer waiting
    options = {"queue": settings.PDF_TASK_QUEUE} if settings.PDF_TASK_QUEUE else {}
    task_id = send_task(pdf_render_job, [job_id], what=f"PDF job {job_id}", **options)
    if task_id is None:
        PdfJob.objects.filter(pk=job_id).update(dispatched_at=None)
        return False
    PdfJob.objects.filter(pk=job_id).update(task_id=task_id)
    return True


def _job_lock(job_id: int) -> contextlib.AbstractContextManager[bool]:
    """A session-level PostgreSQL advisory lock on the job: held while one worker renders it,
    and released by PostgreSQL itself if that worker dies, so a redelivered task can tell a
    crashed render (lock free) from one still running elsewhere (lock taken)."""
    return advisory_lock(_LOCK_NAMESPACE, job_id)


def pdf_job_is_locked(job_id: int) -> bool:
    """Whether a live worker is rendering the job right now."""
    return is_locked(_LOCK_NAMESPACE, job_id)


class _ProgressWriter:
    """Records progress at most a few times a second; never lowers it."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, value: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.25 and value < 90:
            return
        self.last = now
        PdfJob.objects.filter(
            pk=self.job_id, status=PdfJob.Status.RUNNING, progress__lt=value
        ).update(progress=min(value, 99))


def _remove_leftovers(target: Path) -> None:
    """Temporary files of an earlier attempt at this very file, left by a killed worker."""
    if target.parent.is_dir():
        for leftover in target.parent.glob(f".{target.name}.*.tmp"):
            if leftover.is_dir():  # the agenda package's working folder
                shutil.rmtree(leftover, ignore_errors=True)
                continue
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _count_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def pdf_job_run(*, job_id: int) -> PdfJob | None:
    """Render a job's PDF and put it in place. For the Celery task only.

    Safe to run any number of times, also at once: a second runner finds the lock taken and
    raises PdfJobBusy; a rerun after a crash takes over, removes the dead attempt's temporary file
    and either adopts the finished file (if the crash came after the move) or renders the same
    HTML again, giving the same bytes under the same name. A finished or failed job is left
    as it is. Returns None when the job no longer exists.
    """
    with _job_lock(job_id) as locked:
        if not locked:
            raise PdfJobBusy(job_id)
        job = PdfJob.objects.filter(pk=job_id).first()
        if job is None:
            return None
        if job.status == PdfJob.Status.FAILED or (
            job.status == PdfJob.Status.DONE and _file_ok(job)
        ):
            return job
        relative = _final_relative_path(job)
        target = Path(settings.MEDIA_ROOT) / relative
        PdfJob.objects.filter(pk=job_id).update(
            status=PdfJob.Status.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            progress=2,
            error="",
        )
        _remove_leftovers(target)
        seconds = None
        if target.is_file():
            # A crash after the move and before the database knew: the file is complete
            # (it only ever appears whole) and its name is its content, so keep it.
            page_count = _count_pages(target)
        else:
            if not job.html:
                raise DomainError(_("PDF'en kan ikke laves igen uden en ny bestilling."))
            result = render_to_file(
                job.html,
                target=target,
                attachments=[PackageAttachment.from_json(a) for a in job.attachments],
                media_root=Path(settings.MEDIA_ROOT),
                on_progress=_ProgressWriter(job_id),
            )
            page_count, seconds = result.page_count, result.seconds
        PdfJob.objects.filter(pk=job_id).update(
            status=PdfJob.Status.DONE,
            progress=100,
            file_path=relative,
            size=target.stat().st_size,
            page_count=page_count,
            render_seconds=seconds,
            finished_at=timezone.now(),
            html="",
            attachments=[],
            error="",
        )
        job.refresh_from_db()
        return job


def pdf_job_fail(*, job_id: int, error: str) -> None:
    """Mark a job failed with a message for the user; a new request queues it again."""
    PdfJob.objects.filter(pk=job_id).exclude(status=PdfJob.Status.DONE).update(
        status=PdfJob.Status.FAILED, error=error, finished_at=timezone.now()
    )


def pdf_job_retry_later(*, job_id: int, error: str) -> None:
    """A passing fault: the job waits for the task's next attempt."""
    PdfJob.objects.filter(pk=job_id).exclude(status=PdfJob.Status.DONE).update(
        status=PdfJob.Status.QUEUED, progress=0, error=error
    )


def pdf_jobs_recover_lost() -> None:
    """Find jobs whose worker died mid-render (running, started more than
    settings.WORKER_LOST_GRACE_SECONDS ago, and no live session holds their lock: PostgreSQL
    frees it when the worker's connection goes) and queue each again once; a job that loses
    its worker a second time is marked failed with a Danish message rather than tried for
    ever."""
    now = timezone.now()
    lost_after = now - dt.timedelta(seconds=settings.WORKER_LOST_GRACE_SECONDS)
    for job_id in PdfJob.objects.filter(
        status=PdfJob.Status.RUNNING, started_at__lt=lost_after
    ).values_list("pk", flat=True):
        if pdf_job_is_locked(job_id):
            continue  # a live worker renders it
        running = PdfJob.objects.filter(pk=job_id, status=PdfJob.Status.RUNNING)
        if running.filter(lost_runs__gte=1).update(
            status=PdfJob.Status.FAILED,
            lost_runs=F("lost_runs") + 1,
            error=_(
                "PDF'en kunne ikke laves: baggrundsprocessen stoppede to gange undervejs. "
                "Prøv igen; sker det igen, så kontakt it-afdelingen."
            ),
            finished_at=now,
        ):
            logger.error("PDF job %s lost its worker twice; marked failed", job_id)
        elif running.update(
            status=PdfJob.Status.QUEUED,
            dispatched_at=None,
            progress=0,
            lost_runs=F("lost_runs") + 1,
        ):
            logger.warning("PDF job %s lost its worker mid-render; queued again", job_id)


def pdf_dispatch_pending() -> int:
    """Send again every job the broker does not have: queued and never sent (the broker was
    down), queued long ago and never started (the message was lost), or running with no live
    worker holding its lock (the worker died; see pdf_jobs_recover_lost). Safe to run at any
    time; the task itself refuses double work. Returns the number sent."""
    pdf_jobs_recover_lost()
    PdfJob.objects.filter(
        status=PdfJob.Status.QUEUED, dispatched_at__lt=timezone.now() - STALE_QUEUED
    ).update(dispatched_at=None)
    sent = 0
    for job_id in PdfJob.objects.filter(
        status=PdfJob.Status.QUEUED, dispatched_at__isnull=True
    ).values_list("pk", flat=True):
        if pdf_job_dispatch(job_id=job_id):
            sent += 1
        else:
            break  # the broker is still down; the next sweep tries again
    return sent


def dispatch_pending() -> dict[str, int]:
    """The one sweep of work recorded in our tables but not (or no longer) with the broker:
    PDF jobs, "Status på puljer" reports and the text of large attachments, each re-queued or
    failed when its worker died and sent again when the broker never got it. Run by the
    worker itself on start-up and every settings.DISPATCH_SWEEP_SECONDS (referat/celery.py),
    and by beat where one runs. Idempotent, and safe in several workers at once."""
    return {
        "pdf_jobs": pdf_dispatch_pending(),
        "pool_reports": pool_reports_dispatch_pending(),
        "attachment_texts": attachment_texts_dispatch_pending(),
    }


TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EAGAIN, errno.EBUSY}
