"""A body's members page: the seats (name, user, party, role, period) for every reader of the
body, and for its secretary the forms that add, change, end and remove them, and add a party.

Thin views: the body is found through meetings/access.py, the services of
meetings/services/members.py decide, and a refused form comes back with what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.http import no_store
from common.ids import parse_id
from meetings.access import get_body_by_slug_for_user, may_edit_body
from meetings.errors import DomainError, http_status
from meetings.forms.members import MemberForm, PartyForm, member_initial
from meetings.models import Body, Membership, Party
from meetings.services import members as member_service


def _seats(body: Body) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(body=body)
        .select_related("user", "party")
        .order_by("position", "pk")
    )


def _may_manage(user: Any, member: Membership) -> bool:
    """The secretary manages every seat but a secretary's, which is an administrator's."""
    return member.role != Membership.Role.SECRETARY or bool(user.is_superuser)


def _members_page(
    request: HttpRequest,
    body: Body,
    *,
    member_form: MemberForm | None = None,
    party_form: PartyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = may_edit_body(request.user, body)
    today = timezone.localdate()
    seats = list(_seats(body))
    rows = [
        {
            "member": m,
            "current": m.serves_on(today),
            "may_manage": can_edit and _may_manage(request.user, m),
        }
        for m in seats
    ]
    context: dict[str, Any] = {"body": body, "rows": rows, "can_edit": can_edit}
    if can_edit:
        context["member_form"] = member_form or MemberForm(
            may_give_secretary=request.user.is_superuser
        )
        context["party_form"] = party_form or PartyForm()
        context["parties"] = list(Party.objects.all())
    return render(request, "meetings/members/body_members.html", context, status=status)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@no_store
def body_members(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the body's members. POST (the secretary): add a member."""
    if request.method != "POST":
        return _members_page(request, get_body_by_slug_for_user(request.user, slug))
    body = get_body_by_slug_for_user(request.user, slug, for_edit=True)
    form = MemberForm(request.POST, may_give_secretary=request.user.is_superuser)
    if form.is_valid():
        try:
            member = member_service.member_add(
                actor=request.user, body=body, data=form.member_input()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return _members_page(request, body, member_form=form, status=http_status(exc))
        else:
            messages.success(
                request,
                _("%(name)s er tilføjet som medlem af %(body)s.")
                % {"name": member.display_name, "body": body.name},
            )
            return redirect(reverse("meetings:body_members", args=[body.slug]))
    return _members_page(request, body, member_form=form, status=400)


def _member_of(body: Body, pk: int) -> Membership:
    member = _seats(body).filter(pk=parse_id(pk) or 0).first()
    if member is None:
        raise Http404(_("Medlemmet findes ikke i %(body)s.") % {"body": body.name})
    return member


@login_required
@no_store
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a seat: name, user, party, role, period (an end date ends the seat)."""
    body = get_body_by_slug_for_user(request.user, slug, for_edit=True)
    member = _member_of(body, pk)
    options: dict[str, Any] = {
        "may_give_secretary": request.user.is_superuser,
        "current_user_id": member.user_id,
    }
    status = 200
    if request.method == "POST":
        form = MemberForm(request.POST, **options)
        if form.is_valid():
            try:
                member = member_service.member_update(
                    actor=request.user, member=member, data=form.member_input()
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = http_status(exc)
            else:
                messages.success(request, _("%(name)s er gemt.") % {"name": member.display_name})
                return redirect(reverse("meetings:body_members", args=[body.slug]))
        status = status if status != 200 else 400
    else:
        form = MemberForm(initial=member_initial(member), **options)
    return render(
        request,
        "meetings/members/member_edit.html",
        {
            "body": body,
            "member": member,
            "form": form,
            "may_manage": _may_manage(request.user, member),
        },
        status=status,
    )


@login_required
@require_POST
@no_store
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a seat that no protocol names; one that is named must end instead."""
    body = get_body_by_slug_for_user(request.user, slug, for_edit=True)
    member = _member_of(body, pk)
    name = member.display_name
    try:
        member_service.member_remove(actor=request.user, member=member)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("meetings:member_edit", args=[body.slug, member.pk]))
    messages.success(
        request, _("%(name)s er fjernet fra %(body)s.") % {"name": name, "body": body.name}
    )
    return redirect(reverse("meetings:body_members", args=[body.slug]))


@login_required
@require_POST
@no_store
def party_add(request: HttpRequest, slug: str) -> HttpResponse:
    """A new party (partibogstav and name), made from a body's members page."""
    body = get_body_by_slug_for_user(request.user, slug, for_edit=True)
    form = PartyForm(request.POST)
    if form.is_valid():
        try:
            party = member_service.party_create(
                actor=request.user,
                letter=form.cleaned_data["letter"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Partiet %(party)s er oprettet.") % {"party": party})
            return redirect(reverse("meetings:body_members", args=[body.slug]) + "#medlem-ny")
    return _members_page(request, body, party_form=form, status=400)
