"""HTML to PDF with WeasyPrint, fetching nothing but our own static files and `data:` URLs.

The documents are rendered as PDF/A-3a: tagged (a structure tree with headings, lists and
tables), every font embedded, an sRGB output intent, XMP metadata with the title, and the
document language from `<html lang="da">`. The output is deterministic: no creation date, and
a file identifier derived from the content, so the same HTML always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import posixpath
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("referat.pdf")

# Relative URLs in the PDF's HTML resolve against this origin, which is never contacted: the
# fetcher answers it from the static files on disk.
BASE_URL = "https://referat.invalid/"
PDF_VARIANT = "pdf/a-3a"
STYLESHEET = "pdf/minutes.css"
# Budget tables print with the same stylesheet as on the web.
STYLESHEETS = (STYLESHEET, "css/budget.css")

ProgressCallback = Callable[[int], None]


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


@cache
def renderer_fingerprint() -> str:
    """WeasyPrint's version, the PDF variant and the stylesheet's bytes: a change to any of
    them changes every content hash."""
    digest = hashlib.sha256()
    for name in STYLESHEETS:
        css = finders.find(name)
        digest.update(Path(css).read_bytes() if isinstance(css, str) else b"")
    return f"{version('weasyprint')}|{PDF_VARIANT}|{digest.hexdigest()}"


@dataclass(frozen=True)
class RenderResult:
    pdf: bytes
    page_count: int
    seconds: float
    refused_urls: list[str]


class _ProgressHandler(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") into a
    percentage: steps 1-4 up to 15 %, the layout pages up to 80 % (against an estimate of the
    page count), writing the PDF to 95 %."""

    def __init__(self, callback: ProgressCallback, expected_pages: int) -> None:
        super().__init__(level=logging.INFO)
        self.callback = callback
        self.expected_pages = max(expected_pages, 1)
        self.current = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        value = self.current
        if message.startswith("Step 5") and record.args:
            page = int(str(record.args[0])) if isinstance(record.args, tuple) else 0
            value = 15 + min(65, 65 * page // self.expected_pages)
        elif message.startswith("Step 6"):
            value = 85
        elif message.startswith("Step 7"):
            value = 92
        elif message.startswith(("Step 1", "Step 2", "Step 3", "Step 4")):
            value = 5 + 3 * int(message[5])
        if value > self.current:
            self.current = value
            try:
                self.callback(value)
            except Exception:  # progress is a nicety; it must never break the rendering
                logger.warning("PDF progress could not be recorded", exc_info=True)


@contextmanager
def _progress(callback: ProgressCallback | None, expected_pages: int) -> Iterator[None]:
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(callback, expected_pages) if callback else None
    old_level, old_propagate = progress_logger.level, progress_logger.propagate
    progress_logger.propagate = False  # one line per page is not for the worker's log
    if handler is not None:
        progress_logger.setLevel(logging.INFO)
        progress_logger.addHandler(handler)
    try:
        yield
    finally:
        if handler is not None:
            progress_logger.removeHandler(handler)
        progress_logger.setLevel(old_level)
        progress_logger.propagate = old_propagate


def estimate_pages(html: str) -> int:
    """A rough page count for the progress bar: about 3,500 characters of HTML a page."""
    return max(2, len(html) // 3500)


def render_pdf(html: str, *, on_progress: ProgressCallback | None = None) -> RenderResult:
    """Render the HTML as a tagged PDF/A-3a document. Pure: no database, no files written."""
    started = time.perf_counter()
    fetcher = StaticOnlyURLFetcher()
    with _progress(on_progress, estimate_pages(html)):
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            pdf_variant=PDF_VARIANT, pdf_tags=True
        )
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, pdf_identifier=True)
    if fetcher.refused:
        logger.warning("PDF rendering refused %d resource(s)", len(fetcher.refused))
    return RenderResult(
        pdf=pdf,
        page_count=len(document.pages),
        seconds=time.perf_counter() - started,
        refused_urls=fetcher.refused,
    )
