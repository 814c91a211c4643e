"""HTTP helpers shared by every app's views: caching rules for pages that may show closed
content and for public pages, the htmx answer to a lapsed session, and the Danish message of
a 404."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote, urlsplit

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.http import http_date

NO_STORE = "no-store, no-cache, must-revalidate, private, max-age=0"


def no_store(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Pages that may show closed content must never be kept by a browser or proxy cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        _never_cache(response)
        return response

    return wrapped


def _never_cache(response: HttpResponseBase) -> None:
    add_never_cache_headers(response)
    response["Cache-Control"] = NO_STORE


def mark_closed_content(response: HttpResponseBase) -> HttpResponseBase:
    """Mark a response as carrying a closed item's content (or anything else internal to a
    body): `public_cache` then never lets a shared cache keep it, whoever asked."""
    response.closed_content = True  # type: ignore[attr-defined]
    return response


def public_cache(
    max_age: int,
    *,
    last_modified: Callable[..., dt.datetime | None] | None = None,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """For pages everyone may read: an anonymous visitor's answer is cacheable, anyone
    else's never.

    An anonymous, successful response that carries no closed content (the view did not
    `mark_closed_content` it) and sets no cookie gets an ETag (a hash of its body, so it
    changes exactly when what the visitor reads changes), Last-Modified (from
    `last_modified(request, *args, **kwargs)`, e.g. the newest publication shown) and
    `Cache-Control: public, max-age=…`; a conditional request that still matches is answered
    304 without the body. A logged-in user's response may show what only they may read: it
    gets `no-store`, so neither the browser's disk nor a proxy keeps it, and every response
    varies on Cookie, so a shared cache never hands the public copy to a logged-in reader or
    the other way round.
    """

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Cookie"])
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                _never_cache(response)
                return response
            if not _shareable(request, response):
                _never_cache(response)
                return response
            body = b"" if response.streaming else bytes(response.content)  # type: ignore[attr-defined]
            response["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
            modified = last_modified(request, *args, **kwargs) if last_modified else None
            if modified is not None:
                response["Last-Modified"] = http_date(modified.timestamp())
            response["Cache-Control"] = f"public, max-age={max_age}"
            conditional = get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=int(modified.timestamp()) if modified is not None else None,
                response=response,  # type: ignore[arg-type]  # any response will do
            )
            return conditional if conditional is not None else response

        return wrapped

    return decorator


def _shareable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether an anonymous response may go into a shared cache: a 200 with a body we can
    hash, no closed content, no cookie of its own (a CSRF token or a message is the visitor's
    alone; CsrfViewMiddleware adds its cookie after the view, so ask whether it will)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not getattr(response, "closed_content", False)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and request.method in ("GET", "HEAD")
    )


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
