"""The JSON API of PDF jobs: start one, follow it, download the file.

POST /api/meetings/{id}/pdf/ {"variant", "document"} → 202 {"job", "status_url", …} (200 when
the file for the meeting as it is already exists); GET /api/jobs/{id}/ → {"status",
"progress", "download_url", "error", …}; GET /api/jobs/{id}/download/ → application/pdf.
A job is shown only to those who may have its variant of its meeting; to anyone else it does
not exist (404).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import FileResponse, HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.access import get_meeting_for_user
from pdf import services
from pdf.models import PdfJob
from pdf.selectors import (
    download_filename,
    get_job_for_user,
    job_with_dispatch_retry,
    waiting_message,
)

access_logger = logging.getLogger("referat.access")


class PdfRequestSerializer(serializers.Serializer[dict[str, str]]):
    variant = serializers.ChoiceField(choices=PdfJob.Variant.choices)
    document = serializers.ChoiceField(choices=PdfJob.Document.choices)


JobSerializer = inline_serializer(
    name="PdfJob",
    fields={
        "job": serializers.IntegerField(),
        "status_url": serializers.URLField(),
        "status": serializers.ChoiceField(choices=PdfJob.Status.choices),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "download_url": serializers.URLField(allow_null=True),
        "error": serializers.CharField(allow_blank=True),
        "message": serializers.CharField(allow_blank=True),
        "meeting": serializers.IntegerField(),
        "variant": serializers.ChoiceField(choices=PdfJob.Variant.choices),
        "document": serializers.ChoiceField(choices=PdfJob.Document.choices),
        "page_count": serializers.IntegerField(),
    },
)


def job_payload(job: PdfJob, request: HttpRequest) -> dict[str, Any]:
    done = job.status == PdfJob.Status.DONE
    return {
        "job": job.pk,
        "status_url": request.build_absolute_uri(job.get_status_url()),
        "status": job.status,
        "progress": job.progress,
        "download_url": request.build_absolute_uri(job.get_download_url()) if done else None,
        "error": job.error,
        "message": waiting_message(job),
        "meeting": job.meeting_id,
        "variant": job.variant,
        "document": job.document,
        "page_count": job.page_count,
    }


class MeetingPdfView(APIView):
    @extend_schema(
        request=PdfRequestSerializer,
        responses={
            202: OpenApiResponse(JobSerializer, description="Bestilt; følg status_url."),
            200: OpenApiResponse(JobSerializer, description="Filen findes allerede."),
        },
        summary="Bestil mødets PDF (referat eller dagsorden, intern eller offentlig)",
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = get_meeting_for_user(request.user, pk, agenda=True)
        serializer = PdfRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.pdf_request(
            meeting=meeting,
            variant=serializer.validated_data["variant"],
            document=serializer.validated_data["document"],
            actor=request.user,
        )
        code = status.HTTP_200_OK if job.status == PdfJob.Status.DONE else status.HTTP_202_ACCEPTED
        response = Response(job_payload(job, request), status=code)
        add_never_cache_headers(response)
        return response


class PdfJobView(APIView):
    @extend_schema(responses={200: JobSerializer}, summary="Status for et PDF-job")
    def get(self, request: Request, pk: int) -> Response:
        job = job_with_dispatch_retry(get_job_for_user(request.user, pk))
        response = Response(job_payload(job, request))
        add_never_cache_headers(response)
        return response


class PdfJobDownloadView(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="Hent den færdige PDF",
    )
    def get(self, request: Request, pk: int) -> FileResponse | JsonResponse:
        job = get_job_for_user(request.user, pk)
        if job.status != PdfJob.Status.DONE:
            return JsonResponse(
                {"detail": _("PDF'en er ikke færdig endnu."), "status": job.status}, status=409
            )
        if not services.pdf_job_is_current(job, request.user):
            services.pdf_job_retire(job_id=job.pk)
            return JsonResponse(
                {
                    "detail": _(
                        "PDF'en er forældet: mødet er ændret, siden den blev lavet. Bestil en ny."
                    )
                },
                status=410,
            )
        path = services.pdf_file_path(job)
        if not path.is_file():
            return JsonResponse(
                {"detail": _("Filen findes ikke længere. Bestil PDF'en igen.")}, status=410
            )
        if job.variant == PdfJob.Variant.INTERNAL:
            access_logger.info(
                "internal PDF downloaded: user=%s meeting=%s job=%s",
                request.user.pk,
                job.meeting_id,
                job.pk,
            )
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=download_filename(job),
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response

    # The file is not negotiated: JSON errors or the PDF itself, whatever Accept says.
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)
