"""Pages of the review workflow: a meeting's review page, the forms that approve, ask for
changes and move the minutes, "Mine opgaver", and the history of an item or a meeting.

Thin views: they find the meeting or item through the visibility rule, call a service of
meetings/services/review.py and redirect, or show the page again with the error and what was typed.
Every page that may show closed content is sent with Cache-Control: no-store, and opening a
closed item is logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.http import no_store
from common.ids import parse_id
from meetings.access import (
    HistoryScope,
    get_item_for_user,
    get_meeting_for_user,
    history_scope,
    log_closed_items_opened,
    may_edit_body,
    meeting_needs_signer,
    meeting_reviewers,
    meeting_signer,
    signer_candidates,
    user_has_body_access,
    user_runs_workflow,
    user_sees_review_internals,
)
from meetings.errors import DomainError, Incomplete, http_status
from meetings.locks import EDITABLE_STATUSES
from meetings.models import REMARK_MAX_LENGTH, AgendaItem, Decision, Meeting, Membership, Remark
from meetings.selectors.history import item_history, meeting_history
from meetings.selectors.protocol import (
    PrintedAddendum,
    PrintedProtocol,
    addenda_awaiting,
    item_signers,
    items_with_protocol,
    printed_protocol,
    seated_at_meeting,
)
from meetings.selectors.review import meeting_decision_reviews, tasks_for
from meetings.services.review import (
    decision_approve,
    decision_request_changes,
    meeting_name_signer,
    meeting_transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def log_closed_opened(request: HttpRequest, items: list[AgendaItem], via: str) -> None:
    """Record that the user opened the closed ones among these items."""
    if items:
        log_closed_items_opened(
            request.user,
            meeting_id=items[0].meeting_id,
            numbers=[item.number for item in items if item.closed],
            via=via,
        )


def _acting_user(request: HttpRequest) -> User:
    """The logged-in user (every view here is behind login_required)."""
    return cast("User", request.user)


def _actions(meeting: Meeting, user: Any, is_reviewer: bool) -> list[str]:
    status = Meeting.Status
    actions = []
    if user_runs_workflow(user, meeting):
        if meeting.status in (status.DRAFT, status.REOPENED):
            actions.append("submit_for_review")
        if meeting.status == status.APPROVED:
            actions.append("publish")
        if meeting.status in (status.IN_REVIEW, status.APPROVED, status.PUBLISHED):
            actions.append("reopen")
    if meeting.status == status.IN_REVIEW and (is_reviewer or user_runs_workflow(user, meeting)):
        actions.append("approve")
    return actions


@dataclass
class AddendumRow:
    printed: PrintedAddendum
    waiting_for: list[str]  # names of the signers who have yet to approve
    can_approve: bool


@dataclass
class RemarkBox:
    """A member's own remark of one kind on one item: what the box holds, and the saved one."""

    kind: str
    slug: str  # for element ids
    label: str
    saved: Remark | None
    text: str
    error: str = ""


@dataclass
class ReviewProtocol:
    """An item's protocol on the review page, and what the reader may do with it."""

    printed: PrintedProtocol
    addenda: list[AddendumRow] = field(default_factory=list)
    remark_boxes: list[RemarkBox] = field(default_factory=list)
    can_add_addendum: bool = False
    addendum_text: str = ""
    addendum_reason: str = ""
    addendum_error: str = ""

    @property
    def empty(self) -> bool:
        return self.printed.empty and not self.addenda


def _own_seat(user: Any, meeting: Meeting) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(body_id=meeting.body_id, user=user)
        .exclude(role=Membership.Role.SECRETARY)
        .first()
    )


def _review_protocol(
    request: HttpRequest,
    meeting: Meeting,
    items: list[AgendaItem],
    typed: dict[str, Any],
) -> None:
    """Give each item the reader may see its protocol (`item.review_protocol`): the remarks,
    votes and additions, the member's own protokoltilførsel box while the item takes edits
    and the member took part in it, and the additions the member may approve."""
    user = request.user
    visible = [i for i in items if getattr(i, "content_visible", False)]
    if not visible:
        return
    with_pending = user_has_body_access(user, meeting)
    seated = seated_at_meeting(meeting)
    seat = _own_seat(user, meeting)
    may_edit = may_edit_body(user, meeting.body)
    meeting_editable = meeting.status in EDITABLE_STATUSES
    fetched = {
        i.pk: i
        for i in items_with_protocol(
            AgendaItem.objects.filter(pk__in=[i.pk for i in visible])
        ).select_related("decision")
    }
    for item in visible:
        full = fetched[item.pk]
        printed = printed_protocol(full, seated=seated, with_pending=with_pending)
        locked = getattr(_decision_of(full), "locked", False)
        protocol = ReviewProtocol(printed=replace(printed, addenda=[]))
        if printed.addenda:
            signers = item_signers(full)
            for entry in printed.addenda:
                approved_by = {a.reviewer_id for a in entry.addendum.approvals.all()}
                protocol.addenda.append(
                    AddendumRow(
                        entry,
                        sorted(
                            (_name(u) for u in signers if u.pk not in approved_by),
                            key=str.casefold,
                        ),
                        not entry.approved
                        and user.pk in {u.pk for u in signers}
                        and user.pk not in approved_by,
                    )
                )
        if seat is not None and meeting_editable and not locked:
            own = {r.kind: r for r in full.remarks.all() if r.member_id == seat.pk}
            # A protokoltilførsel is for those who took part in the item.
            kinds = [(Remark.Kind.MINORITY, "minority")]
            if seat.pk in printed.roll.present_ids:
                kinds.insert(0, (Remark.Kind.DISSENT, "dissent"))
            for kind, slug in kinds:
                mine = typed.get("remark_item") == item.pk and typed.get("remark_kind") == kind
                if mine:
                    typed["placed"] = True
                saved = own.get(kind)
                shown = saved.text if saved else ""
                protocol.remark_boxes.append(
                    RemarkBox(
                        kind=kind,
                        slug=slug,
                        label=str(Remark.Kind(kind).label),
                        saved=saved,
                        text=typed.get("remark_text", "") if mine else shown,
                        error=typed.get("remark_error", "") if mine else "",
                    )
                )
        if may_edit and locked:
            protocol.can_add_addendum = True
            if typed.get("addendum_item") == item.pk:
                typed["placed"] = True
                protocol.addendum_text = typed.get("addendum_text", "")
                protocol.addendum_reason = typed.get("addendum_reason", "")
                protocol.addendum_error = typed.get("addendum_error", "")
        item.review_protocol = protocol  # type: ignore[attr-defined]


def _decision_of(item: AgendaItem) -> Decision | None:
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def render_review(
    request: HttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    typed: dict[str, Any] | None = None,
) -> HttpResponse:
    """The review page, with what the user typed into a form that was refused (`typed`)."""
    rows = meeting_decision_reviews(meeting, request.user)
    typed = dict(typed or {})
    _review_protocol(request, meeting, [item for item, _review in rows], typed)
    # A remark or an addition refused where its form is not shown (by someone who may not
    # write it, or on an item that does not take it): the message and the text above the items.
    if not typed.get("placed"):
        error = typed.get("remark_error") or typed.get("addendum_error")
        if error:
            typed["unplaced_error"] = error
            typed["unplaced_text"] = "\n\n".join(
                t
                for t in (
                    typed.get("remark_text", ""),
                    typed.get("addendum_text", ""),
                    typed.get("addendum_reason", ""),
                )
                if t.strip()
            )
    log_closed_opened(
        request,
        [item for item, _review in rows if getattr(item, "content_visible", False)],
        "review",
    )
    reviewers = meeting_reviewers(meeting)
    is_reviewer = any(r.pk == request.user.pk for r in reviewers)
    for _item, review in rows:
        if review is not None:
            review.my_verdict = review.verdict_of(request.user)
            review.my_diff = review.diff_for(request.user)
    needs_signer = meeting_needs_signer(meeting)
    may_name_signer = (
        needs_signer
        and meeting.status in (Meeting.Status.DRAFT, Meeting.Status.REOPENED)
        and user_runs_workflow(request.user, meeting)
    )
    return render(
        request,
        "meetings/review.html",
        {
            "meeting": meeting,
            "rows": rows,
            "reviewers": reviewers,
            "signer": meeting_signer(meeting) if needs_signer else None,
            "needs_signer": needs_signer,
            "signer_candidates": signer_candidates(meeting) if may_name_signer else [],
            "may_name_signer": may_name_signer,
            "is_reviewer": is_reviewer,
            "can_review": is_reviewer and meeting.status == Meeting.Status.IN_REVIEW,
            "actions": _actions(meeting, request.user, is_reviewer),
            "transitions": meeting.transitions.select_related("by", "signer"),
            "show_internals": user_sees_review_internals(request.user, meeting),
            "typed": typed or {},
            "max_remark": REMARK_MAX_LENGTH,
            "max_remark_label": f"{REMARK_MAX_LENGTH:,}".replace(",", "."),
        },
        status=status,
    )


@login_required
@require_GET
@no_store
def meeting_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes' decisions with each reviewer's verdict, the forms to approve or ask for
    changes (reviewers) and to move the minutes on (secretary)."""
    return render_review(request, get_meeting_for_user(request.user, pk))


@login_required
@require_POST
@no_store
def meeting_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        meeting = meeting_transition(
            meeting=meeting,
            actor=_acting_user(request),
            action=action,
            reason=reason,
            send_anyway=request.POST.get("send_anyway") == "1",
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        typed: dict[str, Any] = {"reason": reason, "incomplete": isinstance(exc, Incomplete)}
        return render_review(request, meeting, status=http_status(exc), typed=typed)
    messages.success(
        request,
        _("Referatet har nu status “%(status)s”.") % {"status": meeting.get_status_display()},
    )
    return HttpResponseRedirect(reverse("meetings:meeting_review", args=[meeting.pk]))


@login_required
@require_POST
@no_store
def meeting_signer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary names who signs minutes that no member attended."""
    meeting = get_meeting_for_user(request.user, pk)
    chosen = request.POST.get("signer", "")
    try:
        meeting = meeting_name_signer(
            meeting=meeting, actor=_acting_user(request), signer_id=parse_id(chosen)
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return render_review(request, meeting, status=http_status(exc), typed={"signer": chosen})
    signer = meeting.signer
    if signer is not None:
        messages.success(
            request,
            _("%(name)s underskriver referatet og godkender det.")
            % {"name": signer.get_full_name() or signer.get_username()},
        )
    return HttpResponseRedirect(reverse("meetings:meeting_review", args=[meeting.pk]))


@login_required
@require_POST
@no_store
def item_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    try:
        decision_approve(
            item=item,
            actor=_acting_user(request),
            text_hash=request.POST.get("text_hash") or None,
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return render_review(request, item.meeting, status=http_status(exc))
    messages.success(request, _("Du har godkendt punkt %(number)s.") % {"number": item.number})
    return HttpResponseRedirect(
        reverse("meetings:meeting_review", args=[item.meeting_id]) + f"#beslutning-{item.number}"
    )


@login_required
@require_POST
@no_store
def item_request_changes_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    comment = request.POST.get("comment", "")
    try:
        decision_request_changes(item=item, actor=_acting_user(request), comment=comment)
    except DomainError as exc:
        messages.error(request, str(exc))
        return render_review(
            request,
            item.meeting,
            status=http_status(exc),
            typed={"comment_item": item.pk, "comment": comment},
        )
    messages.success(
        request,
        _("Din kommentar til punkt %(number)s er sendt til sekretæren.") % {"number": item.number},
    )
    return HttpResponseRedirect(
        reverse("meetings:meeting_review", args=[item.meeting_id]) + f"#beslutning-{item.number}"
    )


@login_required
@require_GET
@no_store
def item_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The recorded changes of the item, for those who may see the item: all of them for the
    body, the published states for anyone else."""
    item = get_item_for_user(request.user, pk)
    log_closed_opened(request, [item], "history")
    return render(
        request,
        "meetings/history.html",
        {
            "item": item,
            "meeting": item.meeting,
            "entries": item_history(item, user=request.user),
            "published_only": history_scope(request.user, item.meeting) is HistoryScope.PUBLISHED,
        },
    )


@login_required
@require_GET
@no_store
def meeting_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's own changes, attendance and status moves (no item content): all of them
    for the body, the published states for anyone else."""
    meeting = get_meeting_for_user(request.user, pk)
    return render(
        request,
        "meetings/history.html",
        {
            "item": None,
            "meeting": meeting,
            "entries": meeting_history(meeting, user=request.user),
            "published_only": history_scope(request.user, meeting) is HistoryScope.PUBLISHED,
        },
    )


@login_required
@require_GET
@no_store
def tasks(request: HttpRequest) -> HttpResponse:
    """Mine opgaver: what awaits the user's approval, comments to act on, minutes to publish."""
    groups = tasks_for(request.user)
    for group in groups:
        log_closed_opened(
            request,
            [r.item for r in group.to_approve] + [r.item for r in group.changes_requested],
            "tasks",
        )
    return render(
        request,
        "meetings/tasks.html",
        {"groups": groups, "addenda": addenda_awaiting(request.user)},
    )
