"""The secretary's pages: new meeting, the agenda (add, move, remove), the item editor with
autosave, attachments, case suggestions and who else has an item open.

Views parse the form, call a service and render a page or an htmx partial. Autosave and
heartbeat answer a lapsed session with 401 and a partial (never a redirect to the login page),
so the browser keeps the text and says what happened.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.http import login_required_partial, no_store
from meetings.access import (
    bodies_editable_by,
    case_title,
    cases_matching_titles,
    get_attachment_for_user,
    get_item_for_user,
    get_meeting_for_user,
)
from meetings.errors import DomainError, MeetingLocked, StaleVersion, http_status
from meetings.forms.drafting import (
    MEMBER_CHOICES,
    AttachmentForm,
    ItemCreateForm,
    ItemForm,
    MeetingForm,
    default_attendance,
    guests_text,
    item_initial,
    members_from_post,
    parse_guests,
    seats_to_take,
)
from meetings.locks import EDITABLE_STATUSES, item_is_locked, locked_message
from meetings.models import AgendaItem, Attachment, Body, Case, Meeting, Membership
from meetings.sanitize import sanitize_html
from meetings.selectors.items import with_sections
from meetings.services import attachments as attachment_service
from meetings.services import items as item_service
from meetings.services import meetings as meeting_service
from meetings.validators import normalise_case_number
from meetings.views.agenda import standard_items_choice
from meetings.views.pages import agenda_context
from meetings.views.protocol import protocol_context

# --- Meetings --------------------------------------------------------------------------------


def _memberships(body: Body | None) -> list[Membership]:
    """The body's seats for the participants list: members with or without a user, in the
    body's order (a seat of a deactivated user is left out)."""
    if body is None:
        return []
    return list(
        Membership.objects.filter(body=body)
        .exclude(user__is_active=False)
        .select_related("user", "party")
        .order_by("position", "pk")
    )


def _chosen_body(bodies: Any, raw: str | None) -> Body | None:
    """The body a form names by id, if it is one of these; a tampered value names none."""
    try:
        pk = int(raw or "")
    except ValueError:
        return None
    return bodies.filter(pk=pk).first()


def _member_rows(
    memberships: list[Membership], chosen: dict[int, str], taken: dict[int, int] | None = None
) -> list[dict[str, Any]]:
    """One row a seat: its select (present, afbud, not there) and, but for the secretary, the
    seat it takes as a substitute (`taken`: seat id → seat id)."""
    taken = taken or {}
    seats = seats_to_take(memberships)
    return [
        {
            "membership": m,
            "name": m.display_name,
            "field": f"member-{m.pk}",
            "value": chosen.get(m.pk, default_attendance(m)),
            "subst_field": f"subst-{m.pk}",
            "subst_value": taken.get(m.pk),
            "seats": (
                [s for s in seats if s.pk != m.pk] if m.role != Membership.Role.SECRETARY else []
            ),
        }
        for m in memberships
    ]


def _meeting_form_page(
    request: HttpRequest, *, meeting: Meeting | None, bodies: Any
) -> HttpResponse:
    saved: Meeting | None = None  # the meeting as someone else saved it (a conflict)
    if request.method == "POST":
        form = MeetingForm(request.POST, bodies=bodies)
        body = _chosen_body(bodies, request.POST.get("body"))
        memberships = _memberships(body)
        attendees, chosen = members_from_post(request.POST, memberships)
        taken = {
            a.member_id: a.substitute_for_id
            for a in attendees
            if a.member_id is not None and a.substitute_for_id is not None
        }
        if form.is_valid():
            attendees += parse_guests(form.cleaned_data["guests"])
            try:
                if meeting is None:
                    meeting = meeting_service.meeting_create(
                        actor=request.user,
                        body=form.cleaned_data["body"],
                        starts_at=form.cleaned_data["starts_at"],
                        location=form.cleaned_data["location"],
                        attendees=attendees,
                        add_standard_items=form.cleaned_data["add_standard_items"],
                    )
                    messages.success(request, _("Mødet er oprettet. Tilføj nu punkterne."))
                else:
                    meeting = meeting_service.meeting_update(
                        actor=request.user,
                        meeting=meeting,
                        version=form.cleaned_data["version"] or 0,
                        starts_at=form.cleaned_data["starts_at"],
                        location=form.cleaned_data["location"],
                        attendees=attendees,
                    )
                    messages.success(request, _("Mødet er gemt."))
                return redirect(meeting.get_absolute_url())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except StaleVersion as exc:
                # The user's text stays in the form; the saved meeting is shown beside it, and
                # the form now names the saved version, so saving again keeps the user's.
                saved = exc.current
                form.add_error(None, str(exc))
                data = request.POST.copy()
                data["version"] = str(saved.version if saved else 0)
                form.data = data
            except DomainError as exc:
                form.add_error(None, str(exc))
    else:
        if meeting is not None:
            attendances = list(meeting.attendances.all())
            body = meeting.body
            form = MeetingForm(
                initial={
                    "body": body,
                    "starts_at": timezone.localtime(meeting.starts_at),
                    "location": meeting.location,
                    "guests": guests_text(attendances),
                    "version": meeting.version,
                },
                bodies=bodies,
            )
            by_member = {a.member_id: a for a in attendances if a.member_id}
            memberships = _memberships(body)
            chosen = {
                m.pk: (
                    "none"
                    if m.pk not in by_member
                    else "present"
                    if by_member[m.pk].present
                    else "absent"
                )
                for m in memberships
            }
            taken = {
                a.member_id: a.substitute_for_id
                for a in attendances
                if a.member_id is not None and a.substitute_for_id is not None
            }
        else:
            slug = request.GET.get("body", "").replace("\x00", "")
            body = bodies.filter(slug=slug).first() if slug else None
            if body is None and bodies.count() == 1:
                body = bodies.first()
            form = MeetingForm(initial={"body": body}, bodies=bodies)
            memberships = _memberships(body)
            chosen = {}
            taken = {}
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "meeting": meeting,
            "saved": saved,
            "saved_attendances": list(saved.attendances.all()) if saved else [],
            "member_rows": _member_rows(memberships, chosen, taken),
            "member_choices": MEMBER_CHOICES,
            **standard_items_choice(body, request.POST if request.method == "POST" else None),
        },
    )


@login_required
@no_store
def meeting_create(request: HttpRequest) -> HttpResponse:
    bodies = bodies_editable_by(request.user).order_by("name")
    if not bodies.exists():
        raise PermissionDenied(_("Kun et organs sekretær kan oprette møder."))
    return _meeting_form_page(request, meeting=None, bodies=bodies)


@login_required
@no_store
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, for_edit=True)
    bodies = Body.objects.filter(pk=meeting.body_id)
    if meeting.status not in EDITABLE_STATUSES:
        messages.error(request, _("Mødet er godkendt og kan ikke længere ændres."))
        return redirect(meeting.get_absolute_url())
    return _meeting_form_page(request, meeting=meeting, bodies=bodies)


@login_required
@require_GET
def meeting_participants(request: HttpRequest) -> HttpResponse:
    """The member list of the chosen body, when the body select changes (htmx)."""
    body = _chosen_body(bodies_editable_by(request.user), request.GET.get("body"))
    return render(
        request,
        "meetings/partials/participants.html",
        {
            "member_rows": _member_rows(_memberships(body), {}),
            "member_choices": MEMBER_CHOICES,
            **standard_items_choice(body, None, oob=True),
        },
    )


# --- The agenda --------------------------------------------------------------------------------


def _agenda_response(
    request: HttpRequest, meeting: Meeting, *, status: int = 200, **extra: Any
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(meeting.get_absolute_url() + "#dagsorden")
    return render(
        request,
        "meetings/partials/agenda_region.html",
        agenda_context(request, meeting, **extra),
        status=status,
    )


def _domain_message(request: HttpRequest, exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@login_required_partial
@require_POST
@no_store
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, for_edit=True)
    form = ItemCreateForm(request.POST)
    if form.is_valid():
        try:
            item = item_service.item_create(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                case_number=form.cleaned_data["case_number"],
                closed=form.cleaned_data["closed"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("Punktet er tilføjet."))
            return _agenda_response(
                request,
                meeting,
                announcement=_("Punkt %(n)s: %(title)s er tilføjet.")
                % {"n": item.number, "title": item.title},
                focus_field="title",
            )
    if not request.htmx:  # type: ignore[attr-defined]
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    return _agenda_response(request, meeting, status=400, create_form=form, focus_field="title")


@login_required_partial
@require_POST
@no_store
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, for_edit=True)
    direction = request.POST.get("direction", "")
    position = {"up": item.number - 1, "down": item.number + 1}.get(direction)
    if position is None:
        raise Http404
    announcement = ""
    try:
        item_service.item_move(actor=request.user, item=item, position=position)
        item.refresh_from_db(fields=["number"])
        announcement = _("Punktet “%(title)s” er nu punkt %(n)s.") % {
            "title": item.title,
            "n": item.number,
        }
    except (DomainError, ValidationError) as exc:
        announcement = _domain_message(request, exc)
    # Keep the keyboard where it was; at the top or bottom the other button is the live one.
    last = AgendaItem.objects.filter(meeting_id=item.meeting_id).count()
    if direction == "up" and item.number == 1:
        direction = "down"
    elif direction == "down" and item.number == last:
        direction = "up"
    return _agenda_response(
        request,
        item.meeting,
        announcement=announcement,
        focus_pk=item.pk,
        focus_dir=direction,
    )


@login_required_partial
@require_POST
@no_store
def meeting_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Drag and drop: the whole order at once, as comma-separated item ids."""
    meeting = get_meeting_for_user(request.user, pk, for_edit=True)
    try:
        ordered = [int(x) for x in request.POST.get("order", "").split(",") if x.strip()]
        item_service.item_reorder(actor=request.user, meeting=meeting, ordered_ids=ordered)
        announcement = _("Rækkefølgen er gemt.")
        status = 200
    except ValueError:
        announcement, status = _("Rækkefølgen kunne ikke læses."), 400
    except (DomainError, ValidationError) as exc:
        announcement, status = _domain_message(request, exc), 400
    return _agenda_response(request, meeting, status=status, announcement=announcement)


@login_required_partial
@require_POST
@no_store
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, for_edit=True)
    meeting = item.meeting
    try:
        item_service.item_remove(actor=request.user, item=item)
        announcement = _("Punkt %(n)s: %(title)s er fjernet.") % {
            "n": item.number,
            "title": item.title,
        }
    except (DomainError, ValidationError) as exc:
        announcement = _domain_message(request, exc)
    return _agenda_response(request, meeting, announcement=announcement)


# --- The item editor ---------------------------------------------------------------------------


def _item_for_editor(pk: int, request: HttpRequest) -> AgendaItem:
    item = get_item_for_user(request.user, pk, for_edit=True)
    return with_sections(AgendaItem.objects.select_related("meeting__body")).get(pk=item.pk)


@login_required
@no_store
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_editor(pk, request)
    if item.meeting.status not in EDITABLE_STATUSES:
        messages.error(
            request,
            _("Mødet er %(status)s, så punktet kan ikke længere redigeres.")
            % {"status": item.meeting.get_status_display().lower()},
        )
        return redirect(item.get_absolute_url())
    if item_is_locked(item):
        messages.error(request, locked_message())
        return redirect(item.get_absolute_url())
    item_service.presence_touch(actor=request.user, item=item)
    form = ItemForm(initial=item_initial(item))
    return render(
        request,
        "meetings/item_edit.html",
        {
            "item": item,
            "meeting": item.meeting,
            "form": form,
            "attachment_form": AttachmentForm(),
            "others": item_service.presence_others(actor=request.user, item=item),
            "protocol_html": render_to_string(
                "meetings/partials/protocol_editor.html",
                protocol_context(request, item, back="editor"),
                request=request,
            ),
        },
    )


def _conflict_rows(mine: dict[str, Any], current: AgendaItem, form: ItemForm) -> list[Any]:
    theirs = item_initial(current)
    rows = []
    for name in ItemForm.TEXT_FIELDS:
        my_value = str(mine.get(name, "") or "")
        their_value = str(theirs.get(name, "") or "")
        if name in ItemForm.HTML_FIELDS:
            my_value, their_value = sanitize_html(my_value), sanitize_html(their_value)
        if my_value.strip() == their_value.strip():
            continue
        rows.append(
            {
                "name": name,
                "label": form.fields[name].label,
                "html": name in ItemForm.HTML_FIELDS,
                "mine": my_value,
                "theirs": their_value,
            }
        )
    return rows


@login_required_partial
@require_POST
@no_store
def item_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the editor on top of the version it holds. 200: saved (the new version comes back
    out of band); 400: field errors; 409: someone saved in between — both texts; 423: locked."""
    item = get_item_for_user(request.user, pk, for_edit=True)
    form = ItemForm(request.POST)
    template = "meetings/partials/autosave_result.html"
    if not form.is_valid():
        return render(request, template, {"form": form, "state": "invalid"}, status=400)
    try:
        item = item_service.item_update(
            actor=request.user,
            item=item,
            version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )
    except StaleVersion as exc:
        current = exc.current
        return render(
            request,
            template,
            {
                "state": "conflict",
                "message": str(exc),
                "current": current,
                "rows": _conflict_rows(form.cleaned_data, current, form),
            },
            status=409,
        )
    except MeetingLocked as exc:
        return render(request, template, {"state": "locked", "message": str(exc)}, status=423)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = {"decision": "decision_outcome"}.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
        return render(request, template, {"form": form, "state": "invalid"}, status=400)
    except DomainError as exc:
        return render(
            request, template, {"state": "error", "message": str(exc)}, status=http_status(exc)
        )
    item_service.presence_touch(actor=request.user, item=item)
    return render(
        request,
        template,
        {
            "state": "saved",
            "item": item,
            "saved_at": timezone.localtime(),
            "error_fields": [name for name in ItemForm.base_fields if name != "version"],
        },
    )


@login_required_partial
@require_POST
def item_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's heartbeat: I am here; who else is?"""
    item = get_item_for_user(request.user, pk, for_edit=True)
    item_service.presence_touch(actor=request.user, item=item)
    return render(
        request,
        "meetings/partials/presence.html",
        {"others": item_service.presence_others(actor=request.user, item=item)},
    )


# --- Attachments -------------------------------------------------------------------------------


def _attachments_response(
    request: HttpRequest, item: AgendaItem, form: AttachmentForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(reverse("meetings:item_edit", args=[item.pk]) + "#bilag")
    return render(
        request,
        "meetings/partials/attachments.html",
        {
            "item": item,
            "attachments": Attachment.objects.filter(item=item).order_by("position", "pk"),
            "attachment_form": form,
            **extra,
        },
        status=status,
    )


@login_required_partial
@require_POST
@no_store
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, for_edit=True)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _attachments_response(request, item, form, status=400)
    try:
        attachment = attachment_service.attachment_add(
            actor=request.user,
            item=item,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            internal=form.cleaned_data["internal"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _attachments_response(request, item, form, status=400)
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _attachments_response(request, item, form, status=http_status(exc))
    return _attachments_response(
        request,
        item,
        AttachmentForm(),
        announcement=_("Bilaget “%(title)s” er vedhæftet.") % {"title": attachment.title}
        + (f" {_('Teksten i bilaget kan søges om lidt.')}" if attachment.text_pending else ""),
    )


@login_required_partial
@require_POST
@no_store
def attachment_internal(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an attachment internal, or shown with its item again."""
    attachment = get_attachment_for_user(request.user, pk)
    item = get_item_for_user(request.user, attachment.item_id, for_edit=True)
    internal = request.POST.get("internal") == "1"
    try:
        attachment_service.attachment_set_internal(
            actor=request.user, attachment=attachment, internal=internal
        )
    except DomainError as exc:
        form = AttachmentForm()
        form.add_error(None, str(exc))
        return _attachments_response(request, item, form, status=http_status(exc))
    return _attachments_response(
        request,
        item,
        AttachmentForm(),
        announcement=(
            _("Bilaget “%(title)s” vises nu kun for organet.")
            if internal
            else _("Bilaget “%(title)s” vises nu med punktet.")
        )
        % {"title": attachment.title},
    )


@login_required_partial
@require_POST
@no_store
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request.user, pk)
    item = get_item_for_user(request.user, attachment.item_id, for_edit=True)
    form = AttachmentForm()
    try:
        attachment_service.attachment_remove(actor=request.user, attachment=attachment)
        announcement = _("Bilaget “%(title)s” er fjernet.") % {"title": attachment.title}
    except DomainError as exc:
        announcement = str(exc)
    return _attachments_response(request, item, form, announcement=announcement)


# --- Case numbers as you type ----------------------------------------------------------------


@login_required_partial
@require_GET
@no_store
def case_suggest(request: HttpRequest) -> HttpResponse:
    """Existing cases matching what is typed, each with its history as the user may see it."""
    raw = (request.GET.get("case_number") or "").strip()
    context: dict[str, Any] = {"query": raw, "cases": [], "new_number": "", "error": ""}
    if len(raw) >= 2:
        number_prefix = raw.replace("-", "/").replace(" ", "")
        history = (
            AgendaItem.objects.listed_for(request.user)
            .select_related("meeting__body")
            .order_by("-meeting__starts_at", "-number")
        )
        matching = Case.objects.filter(number__startswith=number_prefix).union(
            cases_matching_titles(request.user, raw)
        )
        cases = list(
            Case.objects.filter(pk__in=[c.pk for c in matching.order_by("-number")[:8]])
            .prefetch_related(Prefetch("items", queryset=history, to_attr="history"))
            .order_by("-number")
        )
        for case in cases:
            case.shown_title = case_title(case, case.history)  # type: ignore[attr-defined]
        context["cases"] = cases
        try:
            normal = normalise_case_number(raw)
        except ValidationError as exc:
            if "/" in number_prefix and len(number_prefix) >= 4:
                context["error"] = exc.messages[0]
        else:
            if not any(case.number == normal for case in cases):
                context["new_number"] = normal
    return render(request, "meetings/partials/case_suggestions.html", context)
