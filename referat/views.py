"""Error pages of the whole site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common.http import not_found_message


def page_not_found(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return render(request, "404.html", {"exception": not_found_message(exception)}, status=404)
