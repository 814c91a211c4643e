"""HTML to PDF with WeasyPrint, fetching nothing but our own static files and `data:` URLs.

The documents are rendered as PDF/A-3a: tagged (a structure tree with headings, lists and
tables), every font embedded, an sRGB output intent, XMP metadata with the title, and the
document language from `<html lang="da">`. The output is deterministic: no creation date, and
a file identifier derived from the content, so the same HTML always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import weasyprint
from django.contrib.staticfiles import finders

from common.pdf_fetch import BASE_URL, StaticOnlyURLFetcher

logger = logging.getLogger("referat.pdf")

PDF_VARIANT = "pdf/a-3a"
STYLESHEET = "pdf/minutes.css"
# Budget tables print with the same stylesheet as on the web.
STYLESHEETS = (STYLESHEET, "css/budget.css")

ProgressCallback = Callable[[int], None]


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
