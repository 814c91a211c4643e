"""Error pages of the whole site."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# get_object_or_404's message is English and names the model ("No AgendaItem matches the
# given query."); an unknown address carries the resolver's data, not a message.
_LOOKUP_MESSAGE = re.compile(r"^No \w+ matches the given query\.$")


def not_found_message(exception: BaseException) -> str:
    """The message of a 404 that users may read: our own Danish ones, never Django's."""
    message = exception.args[0] if exception.args else ""
    if not isinstance(message, str) or _LOOKUP_MESSAGE.match(message):
        return ""
    return message


def page_not_found(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return render(request, "404.html", {"exception": not_found_message(exception)}, status=404)
