"""The agenda's routine: a body's standard items (its settings page), "Kopiér fra forrige
møde" and taking up a postponed item on a draft agenda.

Views parse the form, call a service (meetings/services/agenda.py) and answer with the agenda
region (htmx) or a redirect with a message. A refusal is shown in Danish above the agenda.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.http import login_required_partial, no_store
from common.ids import parse_id
from meetings.access import bodies_with_access, get_meeting_for_user, require_editor
from meetings.errors import DomainError, http_status
from meetings.forms.agenda import StandardItemsForm
from meetings.models import AgendaItem, Body, Meeting
from meetings.selectors.agenda import previous_meeting
from meetings.services import agenda as agenda_service
from meetings.services.publication import body_set_public
from meetings.views.pages import agenda_context

# --- The body's standard items --------------------------------------------------------------


def standard_items_choice(
    body: Body | None, data: QueryDict | None, *, oob: bool = False
) -> dict[str, Any]:
    """The new-meeting form's "Tilføj standardpunkter": checked when the body has standard
    items, unless the user unticked it in the form sent back (`data`)."""
    titles = agenda_service.standard_item_titles(body) if body is not None else []
    checked = bool(titles) if data is None else bool(data.get("add_standard_items"))
    return {
        "standard_items_body": body,
        "standard_items_titles": titles,
        "standard_items_checked": checked,
        "standard_items_oob": oob,
    }


@login_required
@no_store
def body_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The body's settings: its standard items. For its secretary (and superusers); members
    are refused, and a body the user has nothing to do with is not found."""
    body = bodies_with_access(request.user).filter(slug=slug).first()
    if body is None:
        raise Http404(_("Organet findes ikke."))
    require_editor(
        request.user,
        body,
        _("Kun sekretæren for %(body)s kan ændre organets standardpunkter.") % {"body": body.name},
    )
    if request.method == "POST" and "public" in request.POST:
        body_set_public(actor=request.user, body=body, public=request.POST["public"] == "1")  # type: ignore[arg-type]
        messages.success(
            request,
            _("%(body)s er nu et offentligt organ.") % {"body": body.name}
            if request.POST["public"] == "1"
            else _("%(body)s er nu et internt organ.") % {"body": body.name},
        )
        return redirect("meetings:body_settings", slug=body.slug)
    if request.method == "POST":
        form = StandardItemsForm(request.POST)
        if form.is_valid():
            try:
                agenda_service.body_set_standard_items(
                    actor=request.user, body=body, titles=form.titles()
                )
                agenda_service.body_set_attachment_placement(
                    actor=request.user,
                    body=body,
                    placement=form.cleaned_data["attachment_placement"]
                    or body.attachment_placement,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else "standard_items", errors)
            else:
                messages.success(request, _("Indstillingerne er gemt."))
                return redirect("meetings:body_settings", slug=body.slug)
    else:
        form = StandardItemsForm(
            initial={
                "standard_items": "\n".join(body.standard_items or []),
                "attachment_placement": body.attachment_placement,
            }
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "meetings/body_settings.html", {"body": body, "form": form}, status=status
    )


# --- On a draft agenda --------------------------------------------------------------------------


def _answer(
    request: HttpRequest, meeting: Meeting, *, message: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return redirect(meeting.get_absolute_url() + "#dagsorden")
    meeting = get_meeting_for_user(request.user, meeting.pk)
    return render(
        request,
        "meetings/partials/agenda_region.html",
        agenda_context(
            request,
            meeting,
            announcement=error or message,
            routine_message=message,
            routine_error=error,
        ),
        status=status,
    )


def _refusal(exc: DomainError | ValidationError) -> tuple[str, int]:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages), 400
    return str(exc), http_status(exc)


def _date(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y")


@login_required_partial
@require_POST
@no_store
def meeting_copy_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Kopiér fra forrige møde: the meeting the button named (`source`), else the body's
    previous meeting with items."""
    meeting = get_meeting_for_user(request.user, pk, for_edit=True)
    source: Meeting | None
    if (source_id := parse_id(request.POST.get("source"))) is not None:
        source = Meeting.objects.visible_to(request.user).filter(pk=source_id).first()
    else:
        source = previous_meeting(meeting)
    if source is None:
        return _answer(
            request,
            meeting,
            error=_("%(body)s har intet tidligere møde med punkter at kopiere fra.")
            % {"body": meeting.body.name},
            status=409,
        )
    try:
        added = agenda_service.meeting_copy_items_from(
            actor=request.user, meeting=meeting, source=source
        )
    except (DomainError, ValidationError) as exc:
        error, status = _refusal(exc)
        return _answer(request, meeting, error=error, status=status)
    if not added:
        message = _(
            "Ingen punkter er kopieret: alle punkter fra mødet d. %(date)s står allerede på "
            "dagsordenen."
        ) % {"date": _date(source)}
    else:
        message = ngettext(
            "%(count)s punkt er kopieret fra mødet d. %(date)s.",
            "%(count)s punkter er kopieret fra mødet d. %(date)s.",
            len(added),
        ) % {"count": len(added), "date": _date(source)}
    return _answer(request, meeting, message=message)


@login_required_partial
@require_POST
@no_store
def item_take_up(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Udsatte punkter — Tilføj: the postponed item comes back on this agenda."""
    meeting = get_meeting_for_user(request.user, pk, for_edit=True)
    earlier = (
        AgendaItem.objects.visible_to(request.user)
        .select_related("meeting")
        .filter(pk=item_pk)
        .first()
    )
    if earlier is None:
        raise Http404(_("Punktet findes ikke."))
    try:
        item = agenda_service.item_take_up_postponed(
            actor=request.user, meeting=meeting, item=earlier
        )
    except (DomainError, ValidationError) as exc:
        error, status = _refusal(exc)
        return _answer(request, meeting, error=error, status=status)
    message = _("Punkt %(old)s fra mødet d. %(date)s er taget op igen som punkt %(new)s.") % {
        "old": earlier.number,
        "date": _date(earlier.meeting),
        "new": item.number,
    }
    return _answer(request, meeting, message=message)
