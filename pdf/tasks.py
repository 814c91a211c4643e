"""Celery adapters for PDF jobs: take an id, call the service, record the outcome.

Worker-wide settings (base.py) give acks_late, prefetch 1, soft and hard time limits below the
broker's visibility timeout, and a memory cap per worker child. Here: retries with exponential
backoff and jitter for passing faults (database, disk); a permanent fault or the soft time
limit fails the job with a message for the user. Results live in PdfJob, not in Celery's
result backend.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

from pdf import services

logger = logging.getLogger("referat.pdf")

MAX_RETRIES = 5


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | TimeoutError | ConnectionError):
        return True
    return isinstance(exc, OSError) and exc.errno in services.TRANSIENT_ERRNOS


@shared_task(
    bind=True,
    name="pdf.render_job",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
)
def pdf_render_job(self: Task, job_id: int) -> str:
    """Render PDF job `job_id`. Idempotent (see services.pdf_job_run): a redelivery after a
    crash finishes the job with the same file, and a duplicate message does nothing."""
    with translation.override("da"):
        try:
            job = services.pdf_job_run(job_id=job_id)
        except services.PdfJobBusy:
            # Someone holds the job: usually a live worker, which finishes it; when it was a
            # dead one, its lock goes with its database session and a later try takes over.
            if self.request.retries >= MAX_RETRIES:
                logger.info("PDF job %s stays with the worker that holds it", job_id)
                return "skipped"
            raise self.retry(countdown=15 * (self.request.retries + 1)) from None
        except SoftTimeLimitExceeded:
            logger.error("PDF job %s passed the soft time limit", job_id)
            services.pdf_job_fail(
                job_id=job_id,
                error=_("PDF'en tog for lang tid at lave og blev stoppet. Prøv igen senere."),
            )
            return "failed"
        except Exception as exc:
            if _is_transient(exc) and self.request.retries < MAX_RETRIES:
                countdown = get_exponential_backoff_interval(
                    factor=2, retries=self.request.retries, maximum=120, full_jitter=True
                )
                logger.warning(
                    "PDF job %s: passing fault (%s); retry in %s s", job_id, exc, countdown
                )
                try:
                    services.pdf_job_retry_later(
                        job_id=job_id,
                        error=_("En midlertidig fejl; PDF'en forsøges lavet igen om lidt."),
                    )
                except Exception:  # the database itself may be the passing fault
                    logger.warning("PDF job %s: could not record the retry", job_id)
                raise self.retry(exc=exc, countdown=max(1, countdown)) from exc
            logger.exception("PDF job %s failed", job_id)
            services.pdf_job_fail(
                job_id=job_id,
                error=_("PDF'en kunne ikke laves. Fejlen er registreret; prøv igen senere."),
            )
            return "failed"
    if job is None:
        return "skipped"
    return str(job.status)


@shared_task(name="pdf.dispatch_pending", ignore_result=True)
def dispatch_pending() -> dict[str, int]:
    """The periodic sweep (services.dispatch_pending): PDF jobs, pool reports and attachment
    texts the broker never got or lost, and jobs whose worker died. Sent by the worker itself
    (referat/celery.py) and by beat where one runs."""
    return services.dispatch_pending()
