"""`{% pdf_panel meeting %}`: the PDF panel of the meeting page, with the buttons the user may
use (the internal variant only for those who may see the body's closed items)."""

from __future__ import annotations

from typing import Any

from django import template

from meetings.models import Meeting
from pdf.models import PdfJob
from pdf.services import pdf_variant_allowed

register = template.Library()


@register.inclusion_tag("pdf/_panel.html", takes_context=True)
def pdf_panel(context: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    user = context["request"].user
    shown_minutes = context.get("minutes_visible")
    if not user.is_authenticated and shown_minutes is not None:
        # The meeting page has found the meeting by the agenda's rule and knows whether its
        # minutes are readable: the public PDFs follow the same two answers.
        return {
            "meeting": meeting,
            "choices": [],
            "public_documents": [(PdfJob.Document.AGENDA.value, PdfJob.Document.AGENDA.label)]
            + (
                [(PdfJob.Document.MINUTES.value, PdfJob.Document.MINUTES.label)]
                if shown_minutes
                else []
            ),
            "csrf_token": None,
        }
    allowed = {
        (document, variant): pdf_variant_allowed(
            user=user, meeting=meeting, variant=variant, document=document
        )
        for document in (PdfJob.Document.MINUTES, PdfJob.Document.AGENDA)
        # Ordering a rendering needs a login; the anonymous get the current public PDF.
        for variant in (
            (PdfJob.Variant.PUBLIC, PdfJob.Variant.INTERNAL)
            if user.is_authenticated
            else (PdfJob.Variant.PUBLIC,)
        )
    }
    choices = [
        (f"{document.value}/{variant.value}", document.label, variant.label)
        for (document, variant), ok in allowed.items()
        if ok and user.is_authenticated
    ]
    public_documents = [
        (document.value, document.label)
        for document in (PdfJob.Document.AGENDA, PdfJob.Document.MINUTES)
        if allowed[(document, PdfJob.Variant.PUBLIC)]
    ]
    return {
        "meeting": meeting,
        "choices": choices,
        "public_documents": public_documents,
        "csrf_token": context.get("csrf_token"),
    }
