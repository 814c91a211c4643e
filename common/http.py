"""HTTP helpers shared by every app's views: caching rules for pages that may show closed
content, the htmx answer to a lapsed session, and the Danish message of a 404."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote, urlsplit

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


def no_store(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Pages that may show closed content must never be kept by a browser or proxy cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response

    return wrapped


def login_required_partial(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """For htmx endpoints: a lapsed session answers 401 with a Danish partial, not a redirect."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            next_url = request.headers.get("HX-Current-URL", "") or "/"
            return render(
                request,
                "meetings/partials/session_expired.html",
                {"login_url": f"{reverse('login')}?next={_path_only(next_url)}"},
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapped


def _path_only(url: str) -> str:
    parts = urlsplit(url)
    return quote(parts.path or "/")


# get_object_or_404's message is English and names the model ("No AgendaItem matches the
# given query."); an unknown address carries the resolver's data, not a message.
_LOOKUP_MESSAGE = re.compile(r"^No \w+ matches the given query\.$")


def not_found_message(exception: BaseException) -> str:
    """The message of a 404 that users may read: our own Danish ones, never Django's."""
    message = exception.args[0] if exception.args else ""
    if not isinstance(message, str) or _LOOKUP_MESSAGE.match(message):
        return ""
    return message
