"""State changes of attachments (Bilag): upload, remove, and reading their text for search."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from common.broker import send_task
from meetings.access import require_editor
from meetings.files import sniff_attachment_type
from meetings.locks import ensure_item_editable, ensure_meeting_editable, locked_edits_refused
from meetings.models import AgendaItem, Attachment
from meetings.services._common import Actor, lock_meeting
from meetings.text_extraction import extract_text


@locked_edits_refused()
@transaction.atomic
def attachment_add(
    *,
    actor: Actor,
    item: AgendaItem,
    upload: UploadedFile,
    title: str = "",
    internal: bool = False,
) -> Attachment:
    """Attach a file (PDF, Word, Excel or an image) to an item; `internal`, for the body alone.

    The type is read from the file's own bytes, not from the browser's claim, and the size
    is checked against settings.ATTACHMENT_MAX_BYTES. Raises ValidationError({"file": …}).
    """
    meeting = lock_meeting(item.meeting_id)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    ensure_item_editable(item)
    limit = settings.ATTACHMENT_MAX_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    _("Filen fylder %(size)s; bilag må højst fylde %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
                ]
            }
        )
    if size == 0:
        raise ValidationError({"file": [_("Filen er tom.")]})
    content_type = sniff_attachment_type(upload)
    if content_type is None:
        raise ValidationError(
            {
                "file": [
                    _(
                        "“%(name)s” er ikke en PDF-, Word-, Excel- eller billedfil. "
                        "Kun de typer kan vedhæftes."
                    )
                    % {"name": upload.name}
                ]
            }
        )
    title = (title or "").strip() or _title_from_filename(upload.name or "")
    last = Attachment.objects.filter(item=item).aggregate(last=Max("position"))["last"]
    attachment = Attachment(
        item=item,
        title=title[:500],
        content_type=content_type,
        size=size,
        position=(last or 0) + 1,
        internal=internal,
    )
    attachment.file.save(_safe_filename(upload.name or "bilag"), upload, save=False)
    attachment.save()
    attachment_schedule_text_extraction(attachment=attachment)
    return attachment


@locked_edits_refused()
@transaction.atomic
def attachment_set_internal(*, actor: Actor, attachment: Attachment, internal: bool) -> Attachment:
    """Mark an attachment internal (for the body alone: never on a public page, in a public
    PDF or in outsiders' search) or shown with its item. The body's secretary, while the item
    can be edited: an approved item's attachments are part of what was approved."""
    meeting = lock_meeting(attachment.item.meeting_id)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    ensure_item_editable(attachment.item_id)
    Attachment.objects.filter(pk=attachment.pk).update(internal=internal)
    attachment.internal = internal
    return attachment


@locked_edits_refused()
@transaction.atomic
def attachment_remove(*, actor: Actor, attachment: Attachment) -> None:
    """Remove an attachment and, once committed, its file."""
    meeting = lock_meeting(attachment.item.meeting_id)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    ensure_item_editable(attachment.item_id)
    name = attachment.file.name if attachment.file else ""
    storage = attachment.file.storage
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _title_from_filename(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("_", " ").strip() or _("Bilag")


def _safe_filename(name: str) -> str:
    from django.utils.text import get_valid_filename

    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        return get_valid_filename(base)[:150]
    except Exception:  # a name of only dots or slashes
        return "bilag"


# A large file's text sent to the worker this long ago and still not read is sent again (the
# message was lost with a worker or a broker restart).
TEXT_STALE_DISPATCH = dt.timedelta(minutes=10)


def attachment_extract_text(*, attachment_id: int) -> bool:
    """Read the text of an attachment's file into `extracted_text`, so that search finds it,
    and mark it no longer pending.

    Idempotent: running it twice stores the same text. Returns False when the attachment is
    gone or has no file. The search index follows in the same transaction (database trigger).
    """
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file:
        Attachment.objects.filter(pk=attachment_id).update(text_pending=False)
        return False
    with attachment.file.open("rb") as handle:
        text = extract_text(handle, content_type=attachment.content_type, name=attachment.file.name)
    Attachment.objects.filter(pk=attachment.pk).update(
        extracted_text=text, text_pending=False, text_dispatched_at=None
    )
    return True


def attachment_schedule_text_extraction(*, attachment: Attachment) -> None:
    """Make an uploaded or imported attachment's text searchable: a small file at once, a
    large one (over settings.ATTACHMENT_INLINE_EXTRACT_BYTES) by a Celery task after commit,
    so that a request never waits for a long PDF.

    The large file is first marked pending in the same transaction as the upload, so the
    work is never lost: if the broker is down, the upload still succeeds and the sweep
    (`attachment_texts_dispatch_pending`) sends the task when Redis is back."""
    if not attachment.file:
        return
    size = attachment.size or attachment.file.size
    if size <= settings.ATTACHMENT_INLINE_EXTRACT_BYTES:
        attachment_extract_text(attachment_id=attachment.pk)
        return
    Attachment.objects.filter(pk=attachment.pk).update(text_pending=True, text_dispatched_at=None)
    attachment.text_pending, attachment.text_dispatched_at = True, None
    attachment_id = attachment.pk
    transaction.on_commit(lambda: attachment_text_dispatch(attachment_id=attachment_id))


def attachment_text_dispatch(*, attachment_id: int) -> bool:
    """Send a pending attachment's text extraction to the worker. Returns False (and leaves it
    pending and unsent, for the sweep) when the broker cannot be reached; never raises for
    that."""
    from meetings.tasks import extract_attachment_text

    claimed = Attachment.objects.filter(
        pk=attachment_id, text_pending=True, text_dispatched_at__isnull=True
    ).update(text_dispatched_at=timezone.now())
    if not claimed:
        return True  # sent by someone else, or already read
    if (
        send_task(
            extract_attachment_text, [attachment_id], what=f"Text of attachment {attachment_id}"
        )
        is None
    ):
        Attachment.objects.filter(pk=attachment_id, text_pending=True).update(
            text_dispatched_at=None
        )
        return False
    return True


def attachment_texts_dispatch_pending() -> int:
    """The sweep's part for attachments: send every pending text extraction the broker never
    got (it was down) or lost (sent long ago, still unread). Safe to run at any time and in
    several processes at once (each send is claimed by a conditional UPDATE). Returns the
    number sent."""
    Attachment.objects.filter(
        text_pending=True, text_dispatched_at__lt=timezone.now() - TEXT_STALE_DISPATCH
    ).update(text_dispatched_at=None)
    sent = 0
    pending = Attachment.objects.filter(text_pending=True, text_dispatched_at__isnull=True)
    for attachment_id in pending.values_list("pk", flat=True):
        if not attachment_text_dispatch(attachment_id=attachment_id):
            break  # the broker is still down; the next sweep tries again
        sent += 1
    return sent
