"""The secretary publishes the agenda, and later items as a tillægsdagsorden, from the
meeting page (meetings/services/publication.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.http import no_store
from meetings.access import get_meeting_for_user
from meetings.errors import DomainError, http_status
from meetings.services.publication import meeting_publish_agenda, meeting_publish_supplement
from meetings.views.pages import render_meeting


@login_required
@require_POST
@no_store
def meeting_publish_agenda_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    reason = request.POST.get("reason", "")
    supplement = request.POST.get("what") == "supplement"
    try:
        if supplement:
            meeting_publish_supplement(meeting=meeting, actor=request.user, reason=reason)  # type: ignore[arg-type]
        else:
            meeting_publish_agenda(meeting=meeting, actor=request.user, reason=reason)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc))
        typed = {"reason": reason, "what": "supplement" if supplement else "agenda"}
        return render_meeting(request, meeting, status=http_status(exc), typed=typed)
    messages.success(
        request,
        _("Tillægsdagsordenen er offentliggjort, og medlemmerne har fået besked.")
        if supplement
        else _(
            "Dagsordenen er offentliggjort, og medlemmerne har fået den med en kalenderinvitation."
        ),
    )
    return HttpResponseRedirect(meeting.get_absolute_url())
