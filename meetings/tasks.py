"""Celery tasks: thin adapters that take ids, re-fetch and call a service."""

from __future__ import annotations

from celery import shared_task

from meetings.services.attachments import attachment_extract_text


# No result is kept: the text lands in the attachment's row, and sending must not need the
# result store (it is Redis too, and down whenever the broker is).
@shared_task(name="meetings.extract_attachment_text", ignore_result=True)
def extract_attachment_text(attachment_id: int) -> bool:
    """Read a large attachment's text for search. Safe to run twice; quiet if it is gone."""
    return attachment_extract_text(attachment_id=attachment_id)
