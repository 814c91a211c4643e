"""Site-wide middleware: Danish for everyone (English for whoever chooses it), and no cache
keeps what was made for a logged-in user."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import add_never_cache_headers

NO_STORE = "no-store, no-cache, must-revalidate, private, max-age=0"


class ChosenLanguageMiddleware:
    """Activate the language the user chose (the set_language cookie), else Danish.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: municipal
    PCs often run English browsers, and the minutes must still read "Mandag d. 23. april".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreByDefaultMiddleware:
    """A response made for a logged-in user, or by the API, may carry a closed item's content:
    unless its view set its own Cache-Control, no browser or proxy cache may keep it. (Pages
    mark themselves with common.http.no_store as well; this is the net under every path,
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
