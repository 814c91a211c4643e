"""Who may see and who may do what: the one module every path asks, anonymous users included.

- What content a user may read is the one rule on the managers, `Meeting.objects.visible_to`,
  `AgendaItem.objects.visible_to` and `listed_for` (meetings/models.py); the lookups here start
  from it, so a thing the user may not see answers 404, as if it did not exist.
- Which bodies a user belongs to (`bodies_with_access`), may look up with their members
  (`bodies_visible_to`) or drafts for (`bodies_editable_by`), who runs a meeting's workflow,
  who reviews its minutes, who may import.
- Who reads the review's internals (requests for changes and their comments, drafts before
  approval, reasons for reopening), and how much of an item's or a meeting's history a user
  may read (`history_scope`).
- The stub a closed item shows to those who may not read it (with its public decision,
  `closed_item_public_stub`), and the log of closed items opened by those who may.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from common.ids import parse_id
from meetings.models import (
    Addendum,
    AgendaItem,
    Attachment,
    Body,
    Case,
    Decision,
    Meeting,
    Membership,
)
from meetings.validators import normalise_case_number

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from meetings.models import AnyUser

access_log = logging.getLogger("referat.access")

# --- bodies --------------------------------------------------------------------------------


def bodies_with_access(user: AnyUser) -> QuerySet[Body]:
    """The bodies whose internal content the user may see: closed items, unpublished
    meetings, pools, reasons for reopening. Any membership of the body, or a superuser; an
    inactive or anonymous user none. Every body-level access check asks this."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    return Body.objects.filter(memberships__user=user).distinct()


def get_body_by_slug_for_user(user: AnyUser, slug: str, *, for_edit: bool = False) -> Body:
    """The body if the user may read about it (else 404, as if it did not exist) and,
    `for_edit`, manage its members (else 403)."""
    body = bodies_visible_to(user).filter(slug=slug).first()
    if body is None:
        raise Http404
    if for_edit:
        require_editor(user, body, _("Kun organets sekretær kan ændre dets medlemmer."))
    return body


def bodies_editable_by(user: AnyUser) -> QuerySet[Body]:
    """The bodies whose meetings and items the user may draft: the body's secretary, or any
    body for a superuser. Members (directors) read but do not edit."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    return Body.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.SECRETARY
    ).distinct()


def bodies_visible_to(user: AnyUser) -> QuerySet[Body]:
    """The bodies the user may look up, with who sits in them: those whose meetings the user
    may open (Meeting.objects.visible_to: published minutes for every logged-in user) and
    those the user belongs to; every body for a superuser, none for an anonymous user."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    meetings = Meeting.objects.visible_to(user).filter(body=OuterRef("pk"))
    seats = Membership.objects.filter(body=OuterRef("pk"), user=user)
    return Body.objects.filter(Q(Exists(meetings)) | Q(Exists(seats)))


def bodies_followed_by(user: AnyUser) -> QuerySet[Body]:
    """The bodies whose published agendas and minutes the user may follow (front page, feeds,
    calendars): every public body, for anyone, anonymous visitors included; and for a
    logged-in user every body they may look up (`bodies_visible_to`). An internal body is, to
    an anonymous visitor, a body that does not exist."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.filter(public=True)
    return Body.objects.filter(Q(public=True) | Q(pk__in=bodies_visible_to(user).values("pk")))


def get_followed_body(user: AnyUser, slug: str) -> Body:
    """The body by its slug if the user may follow it (else 404, as if it did not exist)."""
    body = bodies_followed_by(user).filter(slug=slug).first()
    if body is None:
        raise Http404
    return body


def get_body_for_user(user: AnyUser, pk: int | str | None) -> Body:
    """The body if the user may look it up (else 404, as if it did not exist)."""
    body = None
    if (body_id := parse_id(pk)) is not None:
        body = bodies_visible_to(user).filter(pk=body_id).first()
    if body is None:
        raise Http404
    return body


def may_edit_body(user: AnyUser, body: Body | int) -> bool:
    """The body's secretary or a superuser: drafts its meetings and items, its budget tables,
    pools and allocations."""
    body_id = body if isinstance(body, int) else body.pk
    return bodies_editable_by(user).filter(pk=body_id).exists()


def require_editor(actor: AnyUser, body: Body, message: str | None = None) -> None:
    """PermissionDenied (Danish) unless the actor may draft for the body."""
    if not may_edit_body(actor, body):
        raise PermissionDenied(
            message
            or _("Kun sekretæren for %(body)s kan oprette og redigere møder og punkter.")
            % {"body": body.name}
        )


# --- meetings and items, as a user may reach them -------------------------------------------


def get_meeting_for_user(
    user: AnyUser, pk: int | str | None, *, for_edit: bool = False, agenda: bool = False
) -> Meeting:
    """The meeting if the user may read its minutes (else 404, as if it did not exist) and,
    `for_edit`, draft it (else 403). With `agenda`, a meeting whose agenda alone the user
    may read is found too: for the paths that show only what an agenda shows (the meeting
    page withholds decisions and the protocol itself), never for the review, the protocol or
    the history."""
    meeting = None
    if (meeting_id := parse_id(pk)) is not None:
        meetings = (
            Meeting.objects.visible_to(user) if agenda else Meeting.objects.minutes_visible_to(user)
        )
        meeting = meetings.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    if for_edit:
        require_editor(user, meeting.body, _("Kun organets sekretær kan redigere dagsordenen."))
    return meeting


def minutes_visible(user: AnyUser, meeting: Meeting) -> bool:
    """Whether the user may read the meeting's minutes: its decisions, attendance, the
    protocol and public decisions of closed items (published minutes, or the user's body)."""
    return Meeting.objects.minutes_visible_to(user).filter(pk=meeting.pk).exists()


def get_item_for_user(
    user: AnyUser,
    pk: int | str | None,
    *,
    for_edit: bool = False,
    agenda: bool = False,
    message: str | None = None,
) -> AgendaItem:
    """The item if the user may read its content and its minutes (else 404, as if it did not
    exist) and, `for_edit`, draft it (else 403 with `message`). With `agenda`, an item of a
    published agenda is found too, for paths that show only agenda content (see
    get_meeting_for_user)."""
    item = None
    if (item_id := parse_id(pk)) is not None:
        items = (
            AgendaItem.objects.visible_to(user)
            if agenda
            else AgendaItem.objects.minutes_visible_to(user)
        )
        item = items.select_related("meeting__body", "case").filter(pk=item_id).first()
    if item is None:
        raise Http404
    if for_edit:
        require_editor(
            user, item.meeting.body, message or _("Kun organets sekretær kan redigere punktet.")
        )
    return item


def get_attachment_for_user(user: AnyUser, pk: int) -> Attachment:
    """The attachment if the user may read its item's content, and an internal one only for
    the body (else 404)."""
    if parse_id(pk) is None:
        raise Http404
    attachment = Attachment.objects.visible_to(user).select_related("item").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def get_case_for_user(user: AnyUser, key: str) -> Case:
    """The case a URL names (any form of case number, old "17-22360" links too) if one of its
    items has reached the user; else 404, with the Danish reason for a malformed number. A
    case none of whose items the user may see is, for that user, a case that does not exist."""
    try:
        number = normalise_case_number(key)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    case = Case.objects.filter(number=number).first()
    if case is None or not AgendaItem.objects.listed_for(user).filter(case=case).exists():
        raise Http404
    return case


def get_addendum_for_user(user: AnyUser, pk: int | str | None) -> Addendum:
    """The addition if the user may read its item's content (else 404)."""
    addendum = None
    if (addendum_id := parse_id(pk)) is not None:
        addendum = (
            Addendum.objects.filter(item__in=AgendaItem.objects.minutes_visible_to(user))
            .select_related("item__meeting__body")
            .filter(pk=addendum_id)
            .first()
        )
    if addendum is None:
        raise Http404
    return addendum


# --- the workflow -----------------------------------------------------------------------------


REVIEWER_ROLES = (
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.MEMBER,
    Membership.Role.SUBSTITUTE,
)


def user_is_secretary(user: AnyUser, meeting: Meeting) -> bool:
    """The body's secretary: drafts, runs the workflow, never approves."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        body_id=meeting.body_id, user=user, role=Membership.Role.SECRETARY
    ).exists()


def user_runs_workflow(user: AnyUser, meeting: Meeting) -> bool:
    """May send for review, publish and reopen: the body's secretary, or a superuser."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return user_is_secretary(user, meeting)


def user_has_body_access(user: AnyUser, meeting: Meeting) -> bool:
    """May read what is internal to the body: its closed items, and the reasons given for
    reopening its minutes (free text that may well be about a closed item)."""
    return bodies_with_access(user).filter(pk=meeting.body_id).exists()


def user_sees_review_internals(user: AnyUser, meeting: Meeting) -> bool:
    """May read the review's internals: requests for changes and their comments, verdicts of
    earlier rounds, the drafts before approval and the reasons for reopening. The body's own
    (members, secretary) and superusers; everyone else reads only the minutes as published
    and the verdicts they carry. The review page, its API and the history ask this."""
    return user_has_body_access(user, meeting)


class HistoryScope(enum.Enum):
    """How much of an item's or a meeting's recorded history a reader gets."""

    # Nothing: anonymous and inactive users read no history.
    NONE = "none"
    # The states the public could read: the content at each publication and the changes
    # between published states, closed content as its stub, no verdicts, comments, drafts or
    # reasons for reopening.
    PUBLISHED = "published"
    # Every recorded change, closed content and review comments included.
    FULL = "full"


def history_scope(user: AnyUser, meeting: Meeting) -> HistoryScope:
    """How much of the history of this meeting (and of its items) the user may read. The
    caller must have found the meeting or item through the visibility rule; this only decides
    what of its past is shown: everything for those who read its closed content and the
    review's internals, the published states for anyone else logged in, nothing for the
    anonymous."""
    if not user.is_authenticated or not user.is_active:
        return HistoryScope.NONE
    if user_has_body_access(user, meeting) and user_sees_review_internals(user, meeting):
        return HistoryScope.FULL
    return HistoryScope.PUBLISHED


def _reviewer_memberships(meeting: Meeting) -> QuerySet[Membership]:
    """The seats of the body whose holders may approve: chair and members, active users."""
    return (
        Membership.objects.filter(body_id=meeting.body_id, role__in=REVIEWER_ROLES)
        .filter(user__is_active=True)
        .select_related("user")
    )


def _attending_memberships(meeting: Meeting) -> QuerySet[Membership]:
    """Of the reviewer seats, those whose holders attended the meeting — or all of them (but
    substitutes) when attendance names no member or user."""
    memberships = _reviewer_memberships(meeting)
    recorded = meeting.attendances.filter(Q(user__isnull=False) | Q(member__isnull=False))
    if recorded.exists():
        present = recorded.filter(present=True)
        return memberships.filter(
            Q(pk__in=present.values("member_id"))
            | Q(user_id__in=present.filter(member__isnull=True).values("user_id"))
        )
    # A substitute signs only for a meeting where they took a seat.
    return memberships.exclude(role=Membership.Role.SUBSTITUTE)


def _by_name(users: Iterable[User]) -> list[User]:
    return sorted(users, key=lambda u: (u.get_full_name() or u.username).casefold())


def meeting_reviewers(meeting: Meeting) -> list[User]:
    """The users who approve the meeting's decisions.

    The chair alone when the body is set to need only its chair; otherwise the body's members
    (chair and members, never the secretary) who attended the meeting — or all of them when
    attendance is not recorded against users. When no member attended (every one sent afbud),
    the member the secretary named to sign (`Meeting.signer`, see `meeting_needs_signer`),
    while that user still holds a seat. Inactive users never review.
    """
    if meeting.body.review_by_chair_only:
        chairs = _reviewer_memberships(meeting).filter(role=Membership.Role.CHAIR)
        return _by_name(m.user for m in chairs if m.user is not None)
    attending = [m.user for m in _attending_memberships(meeting) if m.user is not None]
    if attending:
        return _by_name(attending)
    signer = _seated_signer(meeting)
    return [signer] if signer is not None else []


def meeting_needs_signer(meeting: Meeting) -> bool:
    """True when the minutes have nobody to approve them because no member of the body
    attended the meeting: the secretary then names who signs (a member of the body)."""
    if meeting.body.review_by_chair_only:
        return False
    return not _attending_memberships(meeting).exists()


def meeting_signer(meeting: Meeting) -> User | None:
    """The member named to sign the minutes, while the naming is in force: no member
    attended, and the named user still holds a seat of the body."""
    if meeting.signer_id is None or not meeting_needs_signer(meeting):
        return None
    return _seated_signer(meeting)


def _seated_signer(meeting: Meeting) -> User | None:
    if meeting.signer_id is None:
        return None
    seat = _reviewer_memberships(meeting).filter(user_id=meeting.signer_id).first()
    return seat.user if seat is not None else None


def signer_candidates(meeting: Meeting) -> list[User]:
    """Who may be named to sign the minutes: the body's chair and members (active users)."""
    return _by_name(m.user for m in _reviewer_memberships(meeting) if m.user is not None)


def secretaries_of(meeting: Meeting) -> list[User]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            memberships__body_id=meeting.body_id,
            memberships__role=Membership.Role.SECRETARY,
            is_active=True,
        ).order_by("pk")
    )


# --- import -------------------------------------------------------------------------------------


def bodies_user_may_import(user: User) -> set[str] | None:
    """Names (casefolded) of the bodies whose minutes the user may import; None = every body."""
    if user.is_superuser:
        return None
    return {n.casefold() for n in bodies_editable_by(user).values_list("name", flat=True)}


def user_may_import(user: User) -> bool:
    allowed = bodies_user_may_import(user)
    return allowed is None or bool(allowed)


# --- cases --------------------------------------------------------------------------------------


def case_title(case: Case, listed: Iterable[AgendaItem]) -> str:
    """What a case is called for a reader: the title of the newest of its items whose content
    the reader may see (`listed` as `AgendaItem.objects.listed_for(user)` gives them, newest
    first), else the case's own neutral title, else nothing. Never a closed or unpublished
    item's title."""
    for item in listed:
        if getattr(item, "content_visible", False):
            return item.title
    return case.title


def cases_matching_titles(user: AnyUser, text: str) -> QuerySet[Case]:
    """Cases with an item whose title holds `text`, among the items whose content the user may
    see: a word of a hidden title finds nothing."""
    items = AgendaItem.objects.visible_to(user).filter(title__icontains=text)
    return Case.objects.filter(items__in=items).distinct()


# --- the public -------------------------------------------------------------------------------


def public_meetings(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Of these meetings, those whose minutes are public: published ones. What anyone outside
    the body may have, closed items reduced to their stub."""
    return meetings.filter(status=Meeting.Status.PUBLISHED)


# --- closed items -----------------------------------------------------------------------------

CLOSED_TITLE = "Lukket"


def closed_item_stub(item: AgendaItem) -> dict[str, Any]:
    """What a closed item shows to those who may not read it: its number, "Lukket" and its
    case number, nothing else."""
    return {
        "number": item.number,
        "title": CLOSED_TITLE,
        "case_number": item.case.number if item.case else None,
        "closed": True,
    }


def closed_item_public_stub(item: AgendaItem) -> dict[str, Any]:
    """The stub of a closed item with its public decision: what the body decided behind closed
    doors, as the public may read it (Kommunestyrelsesloven § 20), and nothing else."""
    try:
        decision: Decision | None = item.decision
    except Decision.DoesNotExist:
        decision = None
    return {
        **closed_item_stub(item),
        "public_decision": decision.public_text if decision is not None else "",
    }


def log_closed_items_opened(
    user: AnyUser, *, meeting_id: int, numbers: Iterable[int], via: str
) -> None:
    """Record that the user read closed items (one log line for every path that shows them)."""
    numbers = sorted(set(numbers))
    if numbers:
        access_log.info(
            "closed items opened: user=%s meeting=%s items=%s via=%s",
            user.pk,
            meeting_id,
            numbers,
            via,
        )
