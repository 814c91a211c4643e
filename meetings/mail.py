"""E-mails of the review workflow, sent after the change has committed.

They name the meeting and link to it, but never carry a closed item's content: mail leaves
the system, and a closed item's title or comments stay inside it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from meetings.access import secretaries_of
from meetings.models import DecisionApproval, Meeting
from meetings.selectors.review import html_to_lines

logger = logging.getLogger("referat.workflow")


def _review_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("meetings:meeting_review", args=[meeting.pk])


def _send(template: str, recipients: list[Any], context: dict[str, Any]) -> int:
    """One message per recipient (no one sees the others' addresses)."""
    with translation.override(settings.LANGUAGE_CODE):
        messages = []
        for user in recipients:
            if not user.email:
                continue
            ctx = {**context, "recipient": user}
            text = render_to_string(f"meetings/mail/{template}.txt", ctx).strip()
            subject, _blank, body = text.partition("\n")
            messages.append((subject.strip(), body.strip() + "\n", None, [user.email]))
    if not messages:
        return 0
    try:
        return send_mass_mail(tuple(messages), fail_silently=False)
    except OSError:
        # The change itself has committed; a mail server that is down must not undo it.
        logger.exception("review e-mail %s could not be sent", template)
        return 0


def mail_review_requested(*, meeting_id: int, reviewer_ids: list[int]) -> int:
    """To each reviewer: the minutes await your approval."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    reviewers = list(get_user_model().objects.filter(pk__in=reviewer_ids, is_active=True))
    count = meeting.items.filter(decision__isnull=False, decision__locked=False).count()
    return _send(
        "review_requested",
        reviewers,
        {"meeting": meeting, "count": count, "url": _review_url(meeting)},
    )


def mail_changes_requested(*, approval_id: int) -> int:
    """To the body's secretaries: a reviewer asks for changes (the comment only for an open
    item)."""
    approval = (
        DecisionApproval.objects.select_related("reviewer", "decision__item__meeting__body")
        .filter(pk=approval_id)
        .first()
    )
    if approval is None:
        return 0
    item = approval.decision.item
    meeting = item.meeting
    return _send(
        "changes_requested",
        secretaries_of(meeting),
        {
            "meeting": meeting,
            "item": item,
            "reviewer": approval.reviewer,
            "comment_lines": [] if item.closed else html_to_lines(approval.comment),
            "url": _review_url(meeting) + f"#beslutning-{item.number}",
        },
    )


def mail_minutes_approved(*, meeting_id: int) -> int:
    """To the body's secretaries: every decision is approved; the minutes can be published."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    return _send(
        "minutes_approved",
        secretaries_of(meeting),
        {"meeting": meeting, "url": _review_url(meeting)},
    )
