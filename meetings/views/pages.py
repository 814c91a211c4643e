"""Read-only pages: meetings by body and year, a meeting as the minutes read, a case's items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.http import no_store, public_cache
from meetings.access import (
    bodies_editable_by,
    case_title,
    get_attachment_for_user,
    get_case_for_user,
    get_meeting_for_user,
    log_closed_items_opened,
    may_edit_body,
    meeting_needs_signer,
    meeting_signer,
    minutes_visible,
    user_has_body_access,
    user_runs_workflow,
)
from meetings.forms.drafting import ItemCreateForm
from meetings.forms.search import SearchForm, page_number
from meetings.locks import EDITABLE_STATUSES
from meetings.models import AgendaItem, Body, Meeting
from meetings.search import search_items
from meetings.selectors.agenda import agenda_routine
from meetings.selectors.items import (
    meeting_items_for_display,
    with_sections,
    withhold_unpublished_minutes,
)
from meetings.selectors.protocol import (
    attach_protocol,
    attendance_label,
    items_with_protocol,
    meeting_attendances,
)
from meetings.selectors.publication import publication_state
from meetings.views import public


def meeting_list(request: HttpRequest) -> HttpResponseBase:
    """ "/": the public front page for an anonymous visitor, the meeting list for a user."""
    if not request.user.is_authenticated:
        return public.front_page(request)
    return _meeting_list(request)


@login_required
@no_store
def _meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.visible_to(request.user).select_related("body")
    bodies = Body.objects.filter(meetings__in=meetings).distinct().order_by("name")
    body_slug = request.GET.get("body", "")
    selected_body = None
    if body_slug:
        selected_body = bodies.filter(slug=body_slug).first()
        if selected_body is None:
            raise Http404(_("Organet “%(slug)s” findes ikke.") % {"slug": body_slug})
        meetings = meetings.filter(body=selected_body)
    years = list(
        meetings.annotate(year=ExtractYear("starts_at", tzinfo=None))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    year_raw = request.GET.get("year", "")
    selected_year: int | None = None
    if year_raw:
        if year_raw.isdecimal() and 1900 <= int(year_raw) <= 2999:
            selected_year = int(year_raw)
            meetings = meetings.filter(starts_at__year=selected_year)
        else:
            messages.error(
                request,
                _("“%(year)s” er ikke et gyldigt årstal; alle år vises.") % {"year": year_raw},
            )
    meetings = meetings.annotate(item_count=Count("items")).order_by("-starts_at")
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": meetings,
            "bodies": bodies,
            "selected_body": selected_body,
            "years": years,
            "selected_year": selected_year,
            "can_create": bodies_editable_by(request.user).exists(),
        },
    )


def _items_with_protocol(
    request: HttpRequest, meeting: Meeting, *, shows_minutes: bool | None = None
) -> list[AgendaItem]:
    """The meeting's items as the user may read them, each visible one with its printed
    protocol (additions awaiting approval only for the body). Of an agenda whose minutes the
    user may not read yet, the items come without decisions and protocol."""
    if shows_minutes is None:
        shows_minutes = minutes_visible(request.user, meeting)
    items = withhold_unpublished_minutes(
        items_with_protocol(meeting_items_for_display(meeting, request.user)),
        request.user,
        readable={meeting.pk} if shows_minutes else set(),
    )
    if not shows_minutes:
        return items
    attach_protocol(items, meeting, with_pending=user_has_body_access(request.user, meeting))
    return items


def agenda_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    """What the meeting page's agenda region needs; shared by the page and every agenda
    partial, so a move or removal re-renders exactly what the page shows."""
    items = extra.pop("items", None)
    if items is None:
        items = _items_with_protocol(request, meeting)
    can_edit = meeting.status in EDITABLE_STATUSES and may_edit_body(request.user, meeting.body)
    return {
        "meeting": meeting,
        "items": items,
        "can_edit": can_edit,
        "create_form": extra.pop("create_form", None) or (ItemCreateForm() if can_edit else None),
        **agenda_routine(request.user, meeting, items, can_edit=can_edit),
        **extra,
    }


@public_cache(max_age=public.PAGE_MAX_AGE)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as its reader may read it, at one address for everyone: the agenda once it
    is published, the minutes once they are; closed items as "Lukket" outside the body."""
    return render_meeting(request, get_meeting_for_user(request.user, pk, agenda=True))


def render_meeting(
    request: HttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> HttpResponse:
    """The meeting page; `typed` is what the user sent with a refused form (kept, not lost)."""
    shows_minutes = minutes_visible(request.user, meeting)
    items = _items_with_protocol(request, meeting, shows_minutes=shows_minutes)
    opened_closed = [
        item.number for item in items if item.closed and getattr(item, "content_visible", False)
    ]
    if opened_closed:
        log_closed_items_opened(
            request.user, meeting_id=meeting.pk, numbers=opened_closed, via="meeting"
        )
    context = agenda_context(request, meeting, items=items)
    context["minutes_visible"] = shows_minutes
    context["is_member"] = user_has_body_access(request.user, meeting)
    context["publication"] = publication_state(request.user, meeting)
    if shows_minutes:
        context["attendances"] = attendances = meeting_attendances(meeting)
        context["participants"] = [attendance_label(a) for a in attendances if a.present]
        context["absentees"] = [attendance_label(a) for a in attendances if not a.present]
    # Minutes no member attended are signed by a member the secretary names (the public reads
    # who signed on the signature page of the PDF).
    needs_signer = shows_minutes and request.user.is_authenticated and meeting_needs_signer(meeting)
    context["signer"] = meeting_signer(meeting) if needs_signer else None
    context["signer_wanted"] = (
        needs_signer
        and context["signer"] is None
        and meeting.status in (Meeting.Status.DRAFT, Meeting.Status.REOPENED)
        and user_runs_workflow(request.user, meeting)
    )
    context["typed"] = typed or {}
    return render(request, "meetings/meeting_detail.html", context, status=status)


@public_cache(max_age=public.PAGE_MAX_AGE)
def case_detail(request: HttpRequest, key: str) -> HttpResponse:
    case = get_case_for_user(request.user, key)
    items = withhold_unpublished_minutes(
        with_sections(
            AgendaItem.objects.listed_for(request.user).filter(case=case),
            attachments_for=request.user,
        )
        .select_related("meeting__body")
        .order_by("-meeting__starts_at", "-number"),
        request.user,
    )
    for item in items:
        item.local_date = timezone.localdate(item.meeting.starts_at)  # type: ignore[attr-defined]
    bodies = sorted({item.meeting.body.name for item in items})
    return render(
        request,
        "meetings/case_detail.html",
        {"case": case, "case_title": case_title(case, items), "items": items, "bodies": bodies},
    )


@no_store
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_attachment_for_user(request.user, pk)
    if not attachment.file:
        raise Http404(_("Bilaget har ingen fil."))
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_cache(max_age=public.PAGE_MAX_AGE)
def search(request: HttpRequest) -> HttpResponse:
    """Staff search every past decision, and the public every published agenda and minutes;
    a case number goes straight to its case."""
    form = SearchForm(request.GET or None, user=request.user)
    page = None
    if form.is_bound and form.is_valid():
        page = search_items(
            request.user,
            form.cleaned_data["q"],
            form.filters(page=page_number(request.GET.get("page"))),
        )
        if page.case is not None and not page.filters.narrows:
            return redirect(page.case.get_absolute_url())
    return render(request, "meetings/search.html", {"form": form, "page": page})
