"""The PDF panel of the meeting page: start a job, follow its progress (htmx), download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from common.http import no_store
from meetings.access import get_meeting_for_user
from meetings.errors import DomainError, http_status
from pdf import services
from pdf.models import PdfJob
from pdf.selectors import get_job_for_user, job_with_dispatch_retry, waiting_message


def _render_job(request: HttpRequest, job: PdfJob, *, status: int = 200) -> HttpResponse:
    context = {"job": job, "message": waiting_message(job)}
    template = "pdf/_job.html" if request.htmx else "pdf/job_page.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


@login_required
@no_store
@require_POST
def pdf_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    document, _sep, variant = request.POST.get("choice", "").partition("/")
    try:
        job = services.pdf_request(
            meeting=meeting, variant=variant, document=document, actor=request.user
        )
    except DomainError as exc:
        if not request.htmx:  # type: ignore[attr-defined]
            messages.error(request, str(exc))
        return render(request, "pdf/_error.html", {"error": str(exc)}, status=http_status(exc))
    return _render_job(request, job)


@login_required
@no_store
@require_GET
def pdf_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_with_dispatch_retry(get_job_for_user(request.user, pk))
    return _render_job(request, job)
