"""The PDF panel of the meeting page: start a job, follow its progress (htmx), download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.http import no_store
from meetings.access import get_meeting_for_user
from meetings.errors import DomainError, http_status
from pdf import services
from pdf.models import PdfJob
from pdf.selectors import (
    download_filename,
    get_job_for_user,
    job_with_dispatch_retry,
    waiting_message,
)


def _render_job(request: HttpRequest, job: PdfJob, *, status: int = 200) -> HttpResponse:
    context = {"job": job, "message": waiting_message(job)}
    template = "pdf/_job.html" if request.htmx else "pdf/job_page.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


@login_required
@no_store
@require_POST
def pdf_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, agenda=True)
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


@require_GET
def pdf_public(request: HttpRequest, pk: int, document: str) -> HttpResponseBase:
    """The meeting's current public PDF (agenda or minutes) at one address for every reader,
    anonymous visitors included: the file when it is made, otherwise it is ordered (once: the
    job is keyed on the content) and the page says it is on its way. Never an internal
    variant, never a file made of an earlier state of the meeting."""
    meeting = get_meeting_for_user(request.user, pk, agenda=True)
    if document not in PdfJob.Document.values or not services.pdf_variant_allowed(
        user=request.user, meeting=meeting, variant=PdfJob.Variant.PUBLIC, document=document
    ):
        raise Http404(_("Denne PDF findes ikke for mødet."))
    job = services.pdf_current_public(meeting=meeting, document=document, user=request.user)
    if job is not None:
        response = FileResponse(
            services.pdf_file_path(job).open("rb"),
            as_attachment=False,
            filename=download_filename(job),
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        # The public variant carries no closed content; a logged-in reader's copy is theirs.
        if request.user.is_authenticated:
            response["Cache-Control"] = "private, no-cache"
        else:
            response["Cache-Control"] = "public, max-age=300"
        return response
    job = services.pdf_request(
        meeting=meeting, variant=PdfJob.Variant.PUBLIC, document=document, actor=None
    )
    waiting = render(
        request,
        "pdf/public_waiting.html",
        {"meeting": meeting, "job": job, "message": waiting_message(job)},
        status=202,
    )
    add_never_cache_headers(waiting)
    return waiting


@login_required
@no_store
@require_GET
def pdf_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_with_dispatch_retry(get_job_for_user(request.user, pk))
    return _render_job(request, job)
