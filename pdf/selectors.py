"""Reads of PDF jobs with their rules: which job a user may follow, and what to tell a user
whose job waits for the broker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from pdf.models import PdfJob
from pdf.services import pdf_job_dispatch, pdf_variant_allowed

if TYPE_CHECKING:
    from meetings.models import AnyUser


def waiting_message(job: PdfJob) -> str:
    """What to tell a user whose job is waiting for a broker that could not be reached."""
    if job.status == PdfJob.Status.QUEUED and job.dispatched_at is None:
        return _(
            "Baggrundskøen kan ikke nås lige nu. Bestillingen er gemt, og PDF'en laves, "
            "så snart køen er tilbage."
        )
    return ""


def get_job_for_user(user: AnyUser, pk: int) -> PdfJob:
    """The job, if the user may have its variant of its meeting; 404 otherwise."""
    job = get_object_or_404(PdfJob.objects.select_related("meeting", "meeting__body"), pk=pk)
    allowed = pdf_variant_allowed(
        user=user, meeting=job.meeting, variant=job.variant, document=job.document
    )
    if not allowed:
        raise Http404(_("PDF-jobbet findes ikke."))
    return job


def job_with_dispatch_retry(job: PdfJob) -> PdfJob:
    """A job still waiting for the broker is offered to it again each time someone looks: the
    job runs as soon as the broker is back, without the user asking again."""
    if job.status == PdfJob.Status.QUEUED and job.dispatched_at is None:
        pdf_job_dispatch(job_id=job.pk)
        job.refresh_from_db()
    return job


def download_filename(job: PdfJob) -> str:
    """The name a downloaded PDF is saved under: document, body, date and variant."""
    meeting = job.meeting
    date = timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y")
    variant = _("intern") if job.variant == PdfJob.Variant.INTERNAL else _("offentlig")
    return f"{job.get_document_display()} {meeting.body.name} {date} ({variant}).pdf"
