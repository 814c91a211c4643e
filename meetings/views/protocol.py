"""The protocol's pages. For the secretary, per item: who did not take part (fraværende,
inhabil, a substitute), the quick entry of a member who left or came, votes entered by party
with exceptions, and a closed item's public decision — on the item editor and on a page of
their own. For the members, on the review page: their protokoltilførsel, and the approval of
an addition (tilføjelse) that the secretary appends to an approved item.

Thin views: they find the item through meetings/access.py, read the form with
meetings/forms/protocol.py and call meetings/services/protocol.py. A refused form comes back
with the Danish message beside what was typed; htmx requests get the protocol region, others
the whole page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.http import login_required_partial, no_store
from common.ids import parse_id
from meetings.access import get_item_for_user, may_edit_body, user_has_body_access
from meetings.errors import DomainError, InvalidInput, http_status
from meetings.forms.protocol import (
    BALLOT_CHOICES,
    PARTICIPATION_CHOICES,
    QUICK_MODES,
    one_line_breaks,
    participation_from_post,
    quick_absence_from_post,
    substitute_rows,
    vote_from_post,
)
from meetings.locks import EDITABLE_STATUSES, item_is_locked
from meetings.models import (
    Addendum,
    AgendaItem,
    Ballot,
    Membership,
    Party,
    Remark,
    Vote,
)
from meetings.selectors.protocol import (
    ItemRoll,
    Tally,
    body_members,
    item_roll,
    items_with_protocol,
    member_label,
    printed_protocol,
    public_decision,
    seated_at_meeting,
    tally_sentence,
    vote_tally,
)
from meetings.services import protocol as protocol_service
from meetings.views.review import render_review

# --- the secretary's protocol of an item -------------------------------------------------------


def _protocol_item(request: HttpRequest, pk: int, *, for_edit: bool = False) -> AgendaItem:
    return get_item_for_user(
        request.user,
        pk,
        for_edit=for_edit,
        message=_("Kun organets sekretær fører protokollen."),
    )


def _present_parties(roll: ItemRoll) -> list[Party]:
    parties: dict[int, Party] = {}
    for member in roll.present:
        if member.party is not None:
            parties.setdefault(member.party.pk, member.party)
    return sorted(parties.values(), key=lambda p: p.letter)


def protocol_context(
    request: HttpRequest,
    item: AgendaItem,
    *,
    posted: Mapping[str, Any] | None = None,
    form_name: str = "",
    error: str = "",
    announcement: str = "",
    back: str = "",
) -> dict[str, Any]:
    """What the protocol region shows: the forms, filled from the item as it stands, or for
    the form `form_name` that was refused, with what was typed (`posted`) and the message."""
    # The item as it stands now, with its protocol (the caller's may predate a save).
    item = items_with_protocol(
        AgendaItem.objects.select_related("meeting__body", "case", "decision").filter(pk=item.pk)
    ).get()
    meeting = item.meeting
    editable = (
        meeting.status in EDITABLE_STATUSES
        and may_edit_body(request.user, meeting.body)
        and not item_is_locked(item)
    )
    seated = seated_at_meeting(meeting)
    printed = printed_protocol(
        item, seated=seated, with_pending=user_has_body_access(request.user, meeting)
    )
    roll = printed.roll

    def typed(name: str) -> Mapping[str, Any] | None:
        return posted if posted is not None and form_name == name else None

    context: dict[str, Any] = {
        "item": item,
        "meeting": meeting,
        "editable": editable,
        "printed": printed,
        "form_name": form_name,
        "error": error,
        "announcement": announcement,
        "closed": item.closed,
        "public_text": public_decision(item),
        # Where a form posted without JavaScript returns: the item editor or this page.
        "back": back or ("editor" if request.POST.get("back") == "editor" else "page"),
    }
    # A refusal whose form the region does not show (the item was approved meanwhile, or an
    # open item was sent a public decision) is said at the top.
    context["error_on_top"] = bool(error) and (
        not editable or (form_name == "public" and not item.closed)
    )
    if not editable:
        return context

    # Who took part.
    p_typed = typed("participation")
    absent_now = {a.member.pk: a for a in roll.absent}
    participation_rows = []
    for member in seated:
        if p_typed is not None:
            value = p_typed.get(f"part-{member.pk}", "")
            note = p_typed.get(f"note-{member.pk}", "")
        else:
            absence = absent_now.get(member.pk)
            value = absence.kind if absence else ""
            note = absence.note if absence else ""
        participation_rows.append(
            {"member": member, "label": member_label(member), "value": value, "note": note}
        )
    if p_typed is not None:
        sub_pairs = substitute_rows(p_typed)
    else:
        sub_pairs = [(s.member.pk, s.substitute_for.pk) for s in roll.substitutions]
    sub_pairs = [pair for pair in sub_pairs if pair != (None, None)] + [(None, None)]
    seated_ids = {m.pk for m in seated}
    candidates = [
        m
        for m in body_members(meeting.body_id)
        if m.pk not in seated_ids and m.role != Membership.Role.SECRETARY
    ]
    context.update(
        {
            "participation_rows": participation_rows,
            "participation_choices": PARTICIPATION_CHOICES,
            "substitute_rows": [
                {"n": n, "member": member_id, "seat": seat_id}
                for n, (member_id, seat_id) in enumerate(sub_pairs)
            ],
            "substitute_candidates": [(m.pk, member_label(m)) for m in candidates],
            "seats": [(m.pk, member_label(m)) for m in seated],
        }
    )

    # Quick entry.
    q_typed = typed("quick") or {}
    context.update(
        {
            "quick_modes": QUICK_MODES,
            "quick": {
                "member": parse_id(q_typed.get("quick-member")),
                "mode": q_typed.get("quick-mode", "efter"),
                "from": q_typed.get("quick-from", item.number),
                "to": q_typed.get("quick-to", ""),
            },
        }
    )

    # Votes.
    v_typed = typed("vote") or {}
    context.update(
        {
            "ballot_choices": BALLOT_CHOICES,
            "party_rows": [
                {
                    "party": party,
                    "count": sum(1 for m in roll.present if m.party_id == party.pk),
                    "value": v_typed.get(f"party-{party.pk}", ""),
                }
                for party in _present_parties(roll)
            ],
            "member_rows": [
                {
                    "member": member,
                    "label": member_label(member),
                    "value": v_typed.get(f"ballot-{member.pk}", ""),
                }
                for member in roll.present
            ],
            "vote_question": v_typed.get("question", ""),
            "vote_text": v_typed.get("vote-text", ""),
        }
    )
    pd_typed = typed("public")
    if pd_typed is not None:
        context["public_text"] = pd_typed.get("public_text", "")
    return context


def _protocol_response(
    request: HttpRequest, item: AgendaItem, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    context = protocol_context(request, item, **kwargs)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "meetings/partials/protocol_editor.html", context, status=status)
    return render(request, "meetings/item_protocol.html", context, status=status)


def _saved(request: HttpRequest, item: AgendaItem, message: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _protocol_response(request, item, announcement=message)
    messages.success(request, message)
    if request.POST.get("back") == "editor":
        return HttpResponseRedirect(reverse("meetings:item_edit", args=[item.pk]) + "#protokol")
    return HttpResponseRedirect(reverse("meetings:item_protocol", args=[item.pk]))


def _refused(
    request: HttpRequest, item: AgendaItem, form_name: str, exc: DomainError
) -> HttpResponse:
    return _protocol_response(
        request,
        item,
        status=http_status(exc),
        posted=request.POST,
        form_name=form_name,
        error=str(exc),
    )


@login_required
@require_GET
@no_store
def item_protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's protocol: the secretary's forms while the item takes edits, else as printed."""
    item = _protocol_item(request, pk)
    return _protocol_response(request, item)


@login_required_partial
@require_POST
@no_store
def participation_save(request: HttpRequest, pk: int) -> HttpResponse:
    item = _protocol_item(request, pk, for_edit=True)
    try:
        absent, substitutes = participation_from_post(request.POST, seated_at_meeting(item.meeting))
        protocol_service.item_participation_set(
            actor=request.user, item=item, absent=absent, substitutes=substitutes
        )
    except DomainError as exc:
        return _refused(request, item, "participation", exc)
    return _saved(request, item, _("Deltagelsen i punkt %(n)s er gemt.") % {"n": item.number})


@login_required_partial
@require_POST
@no_store
def absence_quick(request: HttpRequest, pk: int) -> HttpResponse:
    """ "X forlod mødet efter punkt 6" / "X kom under punkt 3": the items it concerns."""
    item = _protocol_item(request, pk, for_edit=True)
    meeting = item.meeting
    seated = seated_at_meeting(meeting)
    numbers = list(meeting.items.order_by("number").values_list("number", flat=True))
    try:
        quick = quick_absence_from_post(request.POST, seated, numbers)
        notes = {
            "efter": _("forlod mødet efter punkt %(n)s"),
            "fra": _("kom under punkt %(n)s"),
        }
        mode = request.POST.get("quick-mode", "")
        note = notes[mode] % {"n": quick.first} if mode in notes else ""
        done = protocol_service.member_absent_from_items(
            actor=request.user,
            meeting=meeting,
            member_id=quick.member_id,
            numbers=quick.numbers,
            note=note,
        )
    except DomainError as exc:
        return _refused(request, item, "quick", exc)
    name = next(member_label(m) for m in seated if m.pk == quick.member_id)
    if done:
        message = _("%(name)s er registreret som fraværende i punkt %(numbers)s.") % {
            "name": name,
            "numbers": ", ".join(map(str, done)),
        }
    else:
        message = _("%(name)s var allerede registreret i punkt %(numbers)s.") % {
            "name": name,
            "numbers": ", ".join(map(str, quick.numbers)),
        }
    return _saved(request, item, message)


def _ballots(
    request: HttpRequest, item: AgendaItem
) -> tuple[str, dict[str, list[int]], list[Membership]]:
    """The vote as typed, over the members who took part in the item: its question and the
    member ids of each choice."""
    roll = item_roll(item, seated=seated_at_meeting(item.meeting))
    entry = vote_from_post(request.POST, roll.present, _present_parties(roll))
    ballots = protocol_service.ballots_by_party(roll.present, entry.party_choices, entry.exceptions)
    return entry.question, ballots, roll.present


@login_required_partial
@require_POST
@no_store
def vote_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a vote entered by party ("A og V for, Ø imod") with exceptions per member."""
    item = _protocol_item(request, pk, for_edit=True)
    try:
        question, ballots, _present = _ballots(request, item)
        vote = protocol_service.vote_record(
            actor=request.user,
            item=item,
            question=question,
            for_ids=ballots[Ballot.Choice.FOR],
            against_ids=ballots[Ballot.Choice.AGAINST],
            abstain_ids=ballots[Ballot.Choice.ABSTAIN],
        )
    except DomainError as exc:
        return _refused(request, item, "vote", exc)
    vote = Vote.objects.prefetch_related("ballots__member__party").get(pk=vote.pk)
    return _saved(
        request,
        item,
        _("Afstemning %(n)s er registreret. %(sentence)s")
        % {"n": vote.position, "sentence": tally_sentence(vote_tally(vote))},
    )


@login_required_partial
@require_POST
@no_store
def vote_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The tally and result of the vote as entered so far, before it is recorded (htmx)."""
    item = _protocol_item(request, pk, for_edit=True)
    context: dict[str, Any] = {"item": item}
    try:
        _question, ballots, present = _ballots(request, item)
    except InvalidInput as exc:
        context["problem"] = str(exc)
    else:
        by_id = {m.pk: m for m in present}
        tally = Tally({choice: [by_id[i] for i in ids] for choice, ids in ballots.items()})
        context.update({"tally": tally, "sentence": tally_sentence(tally)})
        context["counts"] = [(label, tally.count(choice)) for choice, label in BALLOT_CHOICES]
    return render(request, "meetings/partials/vote_preview.html", context)


@login_required_partial
@require_POST
@no_store
def vote_remove(request: HttpRequest, pk: int) -> HttpResponse:
    vote = (
        Vote.objects.filter(pk=parse_id(pk) or 0)
        .filter(item__in=AgendaItem.objects.minutes_visible_to(request.user))
        .first()
    )
    if vote is None:
        raise Http404(_("Afstemningen findes ikke."))
    item = _protocol_item(request, vote.item_id, for_edit=True)
    try:
        protocol_service.vote_delete(actor=request.user, vote=vote)
    except DomainError as exc:
        return _refused(request, item, "votes", exc)
    return _saved(request, item, _("Afstemning %(n)s er slettet.") % {"n": vote.position})


@login_required_partial
@require_POST
@no_store
def public_decision_save(request: HttpRequest, pk: int) -> HttpResponse:
    """A closed item's public decision: what the public reads under "Punkt N: Lukket"."""
    item = _protocol_item(request, pk, for_edit=True)
    try:
        protocol_service.public_decision_set(
            actor=request.user,
            item=item,
            text=one_line_breaks(request.POST.get("public_text", "")),
        )
    except DomainError as exc:
        return _refused(request, item, "public", exc)
    return _saved(
        request, item, _("Den offentlige beslutning for punkt %(n)s er gemt.") % {"n": item.number}
    )


# --- the members' remarks and the additions, on the review page --------------------------------


def _to_review(item: AgendaItem, anchor: str = "beslutning") -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("meetings:meeting_review", args=[item.meeting_id]) + f"#{anchor}-{item.number}"
    )


@login_required
@require_POST
@no_store
def remark_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's own protokoltilførsel (or mindretalsudtalelse), before approving."""
    item = get_item_for_user(request.user, pk)
    kind = request.POST.get("kind", Remark.Kind.DISSENT)
    text = one_line_breaks(request.POST.get("text", ""))
    try:
        protocol_service.remark_save(
            actor=request.user,  # type: ignore[arg-type]
            item=item,
            kind=kind,
            text=text,
        )
    except DomainError as exc:
        return render_review(
            request,
            item.meeting,
            status=http_status(exc),
            typed={
                "remark_item": item.pk,
                "remark_kind": kind,
                "remark_text": text,
                "remark_error": str(exc),
            },
        )
    label = Remark.Kind(kind).label
    messages.success(
        request,
        _("Din %(kind)s til punkt %(n)s er gemt.") % {"kind": label.lower(), "n": item.number},
    )
    return _to_review(item, "protokol")


@login_required
@require_POST
@no_store
def remark_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    remark = (
        Remark.objects.filter(pk=parse_id(pk) or 0)
        .filter(item__in=AgendaItem.objects.minutes_visible_to(request.user))
        .select_related("item__meeting")
        .first()
    )
    if remark is None:
        raise Http404(_("Teksten findes ikke."))
    item = remark.item
    try:
        protocol_service.remark_delete(actor=request.user, remark=remark)
    except DomainError as exc:
        messages.error(request, str(exc))
        return render_review(request, item.meeting, status=http_status(exc))
    messages.success(
        request,
        _("Din %(kind)s til punkt %(n)s er trukket tilbage.")
        % {"kind": remark.get_kind_display().lower(), "n": item.number},
    )
    return _to_review(item, "protokol")


@login_required
@require_POST
@no_store
def addendum_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary appends a correction (tilføjelse) to an approved item."""
    item = get_item_for_user(
        request.user, pk, for_edit=True, message=_("Kun organets sekretær kan tilføje rettelser.")
    )
    text = one_line_breaks(request.POST.get("text", ""))
    reason = one_line_breaks(request.POST.get("reason", ""))
    try:
        protocol_service.addendum_add(
            actor=request.user,  # type: ignore[arg-type]
            item=item,
            text=text,
            reason=reason,
        )
    except DomainError as exc:
        return render_review(
            request,
            item.meeting,
            status=http_status(exc),
            typed={
                "addendum_item": item.pk,
                "addendum_text": text,
                "addendum_reason": reason,
                "addendum_error": str(exc),
            },
        )
    messages.success(
        request,
        _(
            "Tilføjelsen til punkt %(n)s er gemt. Den trykkes, når de medlemmer, der godkendte "
            "punktet, har godkendt den."
        )
        % {"n": item.number},
    )
    return _to_review(item, "protokol")


@login_required
@require_POST
@no_store
def addendum_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member who signed the item approves an addition to it."""
    addendum = (
        Addendum.objects.filter(pk=parse_id(pk) or 0)
        .filter(item__in=AgendaItem.objects.minutes_visible_to(request.user))
        .select_related("item__meeting")
        .first()
    )
    if addendum is None:
        raise Http404(_("Tilføjelsen findes ikke."))
    item = addendum.item
    try:
        protocol_service.addendum_approve(
            actor=request.user,  # type: ignore[arg-type]
            addendum=addendum,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return render_review(request, item.meeting, status=http_status(exc))
    messages.success(
        request, _("Du har godkendt tilføjelsen til punkt %(n)s.") % {"n": item.number}
    )
    if request.POST.get("back") == "tasks":
        return HttpResponseRedirect(reverse("meetings:tasks"))
    return _to_review(item, "protokol")
