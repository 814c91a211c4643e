"""E-mails of the review workflow, sent after the change has committed.

They name the meeting and link to it, but never carry a closed item's content: mail leaves
the system, and a closed item's title or comments stay inside it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection, send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from meetings.access import REVIEWER_ROLES, secretaries_of
from meetings.calendar import invitation, meeting_url
from meetings.models import DecisionApproval, Meeting, MeetingTransition, Membership
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


# --- the agenda -----------------------------------------------------------------------------------


def _agenda_recipients(meeting: Meeting) -> list[Any]:
    """The body's members with a user (chair, members and substitutes, not the secretary who
    sent it), active and with an address, each once."""
    seats = Membership.objects.filter(
        body_id=meeting.body_id, role__in=REVIEWER_ROLES, user__is_active=True
    ).select_related("user")
    users = {seat.user.pk: seat.user for seat in seats if seat.user is not None}
    return sorted(users.values(), key=lambda u: u.pk)


def _agenda_lines(meeting: Meeting, numbers: list[int] | None = None) -> list[str]:
    """The agenda as a list of "Punkt N: titel": a closed item as "Lukket" (mail leaves the
    system, a closed item's title stays inside it)."""
    items = meeting.items.select_related("case").order_by("number")
    if numbers is not None:
        items = items.filter(number__in=numbers)
    lines = []
    for item in items:
        title = _("Lukket") if item.closed else item.title
        case = f" ({item.case.number})" if item.case and not item.closed else ""
        lines.append(_("Punkt %(n)d: %(title)s") % {"n": item.number, "title": title} + case)
    return lines


def _send_with_invitation(
    template: str, meeting: Meeting, context: dict[str, Any], *, sequence: int
) -> int:
    """One message per member, each with the calendar invitation addressed to them."""
    with translation.override(settings.LANGUAGE_CODE):
        messages = []
        for user in _agenda_recipients(meeting):
            if not user.email:
                continue
            ctx = {**context, "recipient": user}
            text = render_to_string(f"meetings/mail/{template}.txt", ctx).strip()
            subject, _blank, body = text.partition("\n")
            message = EmailMultiAlternatives(
                subject.strip(), body.strip() + "\n", None, [user.email]
            )
            message.attach(
                "invitation.ics",
                invitation(meeting, attendee_email=user.email, sequence=sequence),
                "text/calendar; method=REQUEST; charset=utf-8",
            )
            messages.append(message)
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except OSError:
        # The publication has committed; a mail server that is down must not undo it.
        logger.exception("agenda e-mail %s could not be sent", template)
        return 0


def _transition_reason(meeting: Meeting, action: str) -> str:
    last = meeting.transitions.filter(action=action).order_by("-created_at", "-pk").first()
    return last.reason if last is not None else ""


def mail_agenda_published(*, meeting_id: int) -> int:
    """To each member: the agenda is out, with its items, a link and a calendar invitation."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None or meeting.agenda_published_at is None:
        return 0
    context = {
        "meeting": meeting,
        "lines": _agenda_lines(meeting),
        "url": meeting_url(meeting),
        "reason": _transition_reason(meeting, MeetingTransition.Action.PUBLISH_AGENDA),
    }
    return _send_with_invitation("agenda_published", meeting, context, sequence=0)


def mail_supplement_published(*, meeting_id: int, numbers: list[int]) -> int:
    """To each member: the items of a tillægsdagsorden, with a link; the invitation again
    (a higher sequence), so a calendar keeps one up-to-date entry."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    supplements = meeting.transitions.filter(action=MeetingTransition.Action.PUBLISH_SUPPLEMENT)
    context = {
        "meeting": meeting,
        "lines": _agenda_lines(meeting, numbers),
        "url": meeting_url(meeting),
        "reason": _transition_reason(meeting, MeetingTransition.Action.PUBLISH_SUPPLEMENT),
    }
    return _send_with_invitation(
        "supplement_published", meeting, context, sequence=supplements.count()
    )
