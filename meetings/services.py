"""State changes of meetings, items and cases. Views, commands and tasks call these; they
never change state themselves (CONVENTIONS.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F

from meetings.models import AgendaItem, Attachment, Case, Meeting
from meetings.text_extraction import extract_text
from meetings.validators import normalise_case_number


class DomainError(Exception):
    """A move the domain does not allow; its message is Danish and meant for the user."""


def case_get_or_create(*, number: str, title: str = "") -> Case:
    """Return the case with this number, creating it when the number is new and valid.

    Raises django.core.exceptions.ValidationError (Danish message) on a malformed number.
    A title is only filled in when the case has none, so an old title is never overwritten
    by an item's title.
    """
    normal = normalise_case_number(number)
    case, created = Case.objects.get_or_create(number=normal, defaults={"title": title[:500]})
    if not created and title and not case.title:
        case.title = title[:500]
        case.save(update_fields=["title"])
    return case


@transaction.atomic
def item_renumber(*, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Give the meeting's items the numbers 1..n in the given order.

    The ids must be exactly the meeting's items; the unique constraint on (meeting, number)
    is deferred, so the swap is checked at commit.
    """
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    current = set(AgendaItem.objects.filter(meeting=meeting).values_list("pk", flat=True))
    if set(ordered_ids) != current or len(ordered_ids) != len(current):
        raise DomainError("Rækkefølgen skal indeholde præcis mødets punkter.")
    for number, item_id in enumerate(ordered_ids, start=1):
        AgendaItem.objects.filter(pk=item_id).exclude(number=number).update(
            number=number, version=F("version") + 1
        )


def attachment_extract_text(*, attachment_id: int) -> bool:
    """Read the text of an attachment's file into `extracted_text`, so that search finds it.

    Idempotent: running it twice stores the same text. Returns False when the attachment is
    gone or has no file. The search index follows in the same transaction (database trigger).
    """
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file:
        return False
    with attachment.file.open("rb") as handle:
        text = extract_text(handle, content_type=attachment.content_type, name=attachment.file.name)
    Attachment.objects.filter(pk=attachment.pk).update(extracted_text=text)
    return True


def attachment_schedule_text_extraction(*, attachment: Attachment) -> None:
    """Make an uploaded or imported attachment's text searchable: a small file at once, a
    large one (over settings.ATTACHMENT_INLINE_EXTRACT_BYTES) by a Celery task after commit,
    so that a request never waits for a long PDF."""
    if not attachment.file:
        return
    size = attachment.size or attachment.file.size
    if size <= settings.ATTACHMENT_INLINE_EXTRACT_BYTES:
        attachment_extract_text(attachment_id=attachment.pk)
        return
    from meetings.tasks import extract_attachment_text

    attachment_id = attachment.pk
    transaction.on_commit(lambda: extract_attachment_text.delay(attachment_id))
