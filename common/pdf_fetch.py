"""What WeasyPrint may fetch while it renders our HTML: our own static files and `data:` URLs,
nothing else. Every PDF of the system (the council's minutes, "Status på puljer") renders with
this fetcher, so no text typed into the system (an item, a pool's name, a note) can make the
worker fetch a URL: no `file://`, no network, no localhost, no redirects.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the PDF's HTML resolve against this origin, which is never contacted: the
# fetcher answers it from the static files on disk.
BASE_URL = "https://referat.invalid/"


class RefusedURL(ValueError):
    """A resource the PDF may not contain: anything but our static files and data: URLs."""


class StaticOnlyURLFetcher(URLFetcher):
    """Admits `data:` URLs and files under STATIC_URL on BASE_URL's origin, read from the
    static file finders. No `file://`, no network, no redirects: everything else is refused
    (WeasyPrint then leaves the resource out and logs a warning)."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            # urllib's data: handler decodes in memory and never touches the network.
            response = request.DataHandler().data_open(request.Request(url))  # noqa: S310 - data: only
            return URLFetcherResponse(url, response.read(), dict(response.headers.items()))
        path = self._static_path(url)
        if path is None:
            self.refused.append(url[:200])
            raise RefusedURL(f"Refused to fetch {url[:200]!r}: only static files and data: URLs")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    @staticmethod
    def _static_path(url: str) -> Path | None:
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
            return None
        static_prefix = urlsplit(settings.STATIC_URL).path
        if not parts.path.startswith(static_prefix):
            return None
        relative = unquote(parts.path[len(static_prefix) :])
        normal = posixpath.normpath(relative)
        if normal.startswith(("/", "..")) or "\\" in normal or "\0" in normal:
            return None
        found = finders.find(normal)
        if not found or isinstance(found, list):
            return None
        return Path(found)
