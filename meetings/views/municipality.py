"""The municipality's settings page (superusers) and its logo, served by the app itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meetings.forms.municipality import MunicipalityForm
from meetings.models import Municipality
from meetings.services.municipality import municipality_update


@login_required
def municipality_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied(_("Kun en administrator kan ændre kommunens oplysninger."))
    municipality = Municipality.current()
    if request.method == "POST":
        form = MunicipalityForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                municipality_update(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    address=form.cleaned_data["address"],
                    logo=form.cleaned_data["logo"] or None,
                    remove_logo=form.cleaned_data["remove_logo"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Kommunens oplysninger er gemt."))
                return redirect("meetings:municipality_settings")
    else:
        form = MunicipalityForm(
            initial={"name": municipality.name, "address": municipality.address}
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "meetings/municipality_settings.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


@require_GET
def municipality_logo(request: HttpRequest) -> FileResponse:
    """The logo for anyone, public pages included: it is what the municipality shows."""
    municipality = Municipality.current()
    if not municipality.logo or municipality.logo_content_type not in ("image/png", "image/jpeg"):
        raise Http404(_("Kommunen har intet logo."))
    try:
        handle = municipality.logo.open("rb")
    except OSError:
        raise Http404(_("Kommunen har intet logo.")) from None
    response = FileResponse(handle, content_type=municipality.logo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "public, max-age=300"
    return response
