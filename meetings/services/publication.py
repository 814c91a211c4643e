"""Publishing the agenda (dagsorden) before the meeting, and items added later as a supplement
(tillægsdagsorden): a step of its own, recorded like the review's moves.

From the moment an agenda is published, those outside the body (and, for a public body, the
anonymous public) read its items' agenda content; decisions, attendance and the protocol only
once the minutes are published (the rule is on the managers, meetings/models.py). An item
added after the agenda went out stays with the body until the secretary publishes it as a
supplement. Kommunestyrelsesloven § 8 wants the material out four weekdays before the
meeting: publishing later asks for a reason, which is kept with the transition.

Only the body's secretary (or a superuser) publishes. The members get an e-mail with the
agenda and a calendar invitation after the change has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from meetings import mail
from meetings.access import user_runs_workflow
from meetings.deadlines import is_late, publication_deadline
from meetings.errors import DomainError, InvalidInput
from meetings.models import AgendaItem, Body, Meeting, MeetingTransition
from meetings.services._common import lock_meeting

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REASON_MAX_LENGTH = 2000


def _clean_reason(meeting: Meeting, reason: str, *, what: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Begrundelsen må højst være %(max)d tegn; den er %(n)d.")
            % {"max": REASON_MAX_LENGTH, "n": len(reason)}
        )
    if is_late(meeting) and not reason:
        raise InvalidInput(
            _(
                "%(what)s offentliggøres senere end fire hverdage før mødet (fristen var "
                "%(deadline)s). Skriv en begrundelse; den gemmes i mødets historik."
            )
            % {
                "what": what,
                "deadline": date_format(publication_deadline(meeting), "j. F Y"),
            }
        )
    return reason


def _require_runner(actor: User, meeting: Meeting) -> None:
    if not user_runs_workflow(actor, meeting):
        raise PermissionDenied(_("Kun organets sekretær kan offentliggøre dagsordenen."))


def _record(meeting: Meeting, *, action: str, actor: User, reason: str) -> None:
    MeetingTransition.objects.create(
        meeting=meeting,
        action=action,
        from_status=meeting.status,
        to_status=meeting.status,
        by=actor,
        reason=reason,
    )


@transaction.atomic
def body_set_public(*, actor: User, body: Body, public: bool) -> Body:
    """Make the body public (its published agendas and minutes for everyone, anonymous
    visitors included) or internal again. Only a superuser: it opens the body's published
    past to the world at once."""
    if not (actor.is_authenticated and actor.is_active and actor.is_superuser):
        raise PermissionDenied(
            _("Kun en administrator kan gøre et organ offentligt eller internt.")
        )
    with pghistory.context(user=actor.pk, service="body_set_public"):
        body = Body.objects.select_for_update().get(pk=body.pk)
        body.public = public
        body.save(update_fields=["public"])
    return body


def unpublished_items(meeting: Meeting) -> list[AgendaItem]:
    """Items of a published agenda that have not gone out yet (added since): the supplement
    the secretary may publish."""
    if meeting.agenda_published_at is None:
        return []
    return list(meeting.items.filter(agenda_published_at__isnull=True).order_by("number"))


@transaction.atomic
def meeting_publish_agenda(*, meeting: Meeting, actor: User, reason: str = "") -> Meeting:
    """Publish the meeting's agenda with all its items (once; later items go out with
    `meeting_publish_supplement`). Refused for minutes already published (they are public
    already), for an empty agenda, and when late without a reason. Records the transition
    and, after commit, sends the members the agenda and a calendar invitation."""
    with pghistory.context(user=actor.pk, service="meeting_publish_agenda"):
        meeting = lock_meeting(meeting.pk)
        _require_runner(actor, meeting)
        if meeting.agenda_published_at is not None:
            raise DomainError(
                _(
                    "Dagsordenen blev offentliggjort %(when)s. Nye punkter offentliggøres "
                    "som tillægsdagsorden."
                )
                % {"when": date_format(timezone.localtime(meeting.agenda_published_at), "j. F Y")}
            )
        if meeting.status == Meeting.Status.PUBLISHED:
            raise DomainError(_("Referatet er offentliggjort; dagsordenen er dermed offentlig."))
        if not meeting.items.exists():
            raise DomainError(_("Dagsordenen har ingen punkter endnu."))
        reason = _clean_reason(meeting, reason, what=_("Dagsordenen"))
        now = timezone.now()
        _record(meeting, action=MeetingTransition.Action.PUBLISH_AGENDA, actor=actor, reason=reason)
        meeting.items.update(agenda_published_at=now)
        meeting.agenda_published_at = now
        meeting.save(update_fields=["agenda_published_at", "updated_at"])
        transaction.on_commit(partial(mail.mail_agenda_published, meeting_id=meeting.pk))
        _render_public_agenda(meeting)
        return meeting


@transaction.atomic
def meeting_publish_supplement(*, meeting: Meeting, actor: User, reason: str = "") -> Meeting:
    """Publish the items added since the agenda went out, as a tillægsdagsorden: each is
    marked as such wherever it is shown. Refused before the agenda is published, when there is
    nothing new, and when late without a reason. The members get the supplement by e-mail."""
    with pghistory.context(user=actor.pk, service="meeting_publish_supplement"):
        meeting = lock_meeting(meeting.pk)
        _require_runner(actor, meeting)
        if meeting.agenda_published_at is None:
            raise DomainError(_("Offentliggør først dagsordenen."))
        new = meeting.items.filter(agenda_published_at__isnull=True)
        numbers = list(new.order_by("number").values_list("number", flat=True))
        if not numbers:
            raise DomainError(_("Der er ingen nye punkter at offentliggøre."))
        reason = _clean_reason(meeting, reason, what=_("Tillægsdagsordenen"))
        _record(
            meeting, action=MeetingTransition.Action.PUBLISH_SUPPLEMENT, actor=actor, reason=reason
        )
        new.update(agenda_published_at=timezone.now(), supplementary=True)
        meeting.save(update_fields=["updated_at"])
        transaction.on_commit(
            partial(mail.mail_supplement_published, meeting_id=meeting.pk, numbers=numbers)
        )
        _render_public_agenda(meeting)
        return meeting


def _render_public_agenda(meeting: Meeting) -> None:
    """Queue the public agenda PDF through the renderer named in settings (the PDF app sits
    above this one); the job reaches the worker after commit, or is rolled back with it."""
    renderer: Callable[[Meeting], object] = import_string(settings.PUBLIC_AGENDA_RENDERER)
    renderer(meeting)
