"""Site-wide response headers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

NO_STORE = "no-store, no-cache, must-revalidate, private, max-age=0"


class NoStoreByDefaultMiddleware:
    """A response made for a logged-in user, or by the API, may carry a closed item's content:
    unless its view set its own Cache-Control, no browser or proxy cache may keep it. (Pages
    mark themselves with meetings.views.no_store as well; this is the net under every path,
    including those added later.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            response["Cache-Control"] = NO_STORE
        return response
