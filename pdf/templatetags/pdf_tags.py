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
    choices = [
        (f"{document.value}/{variant.value}", document.label, variant.label)
        for document in (PdfJob.Document.MINUTES, PdfJob.Document.AGENDA)
        for variant in (PdfJob.Variant.PUBLIC, PdfJob.Variant.INTERNAL)
        if pdf_variant_allowed(user=user, meeting=meeting, variant=variant, document=document)
    ]
    # Everyone gets the current public PDF by link; ordering other variants needs a login.
    public_documents = [
        (document.value, document.label)
        for document in (PdfJob.Document.AGENDA, PdfJob.Document.MINUTES)
        if pdf_variant_allowed(
            user=user, meeting=meeting, variant=PdfJob.Variant.PUBLIC, document=document
        )
    ]
    if not user.is_authenticated:
        choices = []
    return {
        "meeting": meeting,
        "choices": choices,
        "public_documents": public_documents,
        "csrf_token": context.get("csrf_token"),
    }
