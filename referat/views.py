"""Error pages of the whole site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.http import not_found_message


def page_not_found(request: HttpRequest, exception: BaseException) -> HttpResponse:
    message = not_found_message(exception)
    if request.path.startswith("/api/"):
        # An address no route of the API matches: answered as the API answers a 404.
        detail = message or _("Findes ikke, eller du har ikke adgang til det.")
        return JsonResponse({"detail": detail}, status=404)
    return render(request, "404.html", {"exception": message}, status=404)
