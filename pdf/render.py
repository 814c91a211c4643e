"""HTML to PDF with WeasyPrint, fetching nothing but our own static files and `data:` URLs.

The documents are rendered as PDF/A-3a and PDF/UA-1 at once: tagged (a structure tree with
headings, lists, tables and figures with their alternative text), every font embedded, an sRGB
output intent, the title shown by viewers (DisplayDocTitle), XMP metadata with the title, both
conformance claims (with the PDF/A extension schema that declares PDF/UA's) and the document
language from `<html lang="da">`. WeasyPrint writes one variant's claim; the PDF/UA part is
added to the same XMP packet here. The output is deterministic: no creation date, and a file
identifier derived from the content, so the same HTML always gives the same bytes.

The agenda package (`render_to_file` with attachments) is laid out with placeholder pages for
the attachments and merged by pdf/package.py; once an uploaded PDF's pages are in it, it no
longer claims PDF/A or PDF/UA (their pages are as they came).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from xml.etree import ElementTree

import weasyprint
from django.contrib.staticfiles import finders

from common.files import move_into_place
from common.pdf_fetch import BASE_URL, StaticOnlyURLFetcher
from pdf import package
from pdf.tagging import complete_tagging_of_file

logger = logging.getLogger("referat.pdf")

PDF_VARIANT = "pdf/a-3a"
PDF_UA_PART = "1"
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
    return f"{version('weasyprint')}|{PDF_VARIANT}+ua-{PDF_UA_PART}|{digest.hexdigest()}"


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP_NAMESPACES = {
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
# PDF/A admits only the XMP schemas it predefines or that the file declares: this declares
# pdfuaid, then claims PDF/UA-1 with it.
_PDFUA_RDF = f"""<rdf:RDF xmlns:rdf="{_RDF}">
<rdf:Description rdf:about="" xmlns:pdfaExtension="{_XMP_NAMESPACES["pdfaExtension"]}"
 xmlns:pdfaSchema="{_XMP_NAMESPACES["pdfaSchema"]}"
 xmlns:pdfaProperty="{_XMP_NAMESPACES["pdfaProperty"]}">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{_XMP_NAMESPACES["pdfuaid"]}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="{_XMP_NAMESPACES["pdfuaid"]}">
<pdfuaid:part>{PDF_UA_PART}</pdfuaid:part>
</rdf:Description>
</rdf:RDF>"""  # noqa: E501


def _with_pdfua_claim(document: weasyprint.Document) -> None:
    """Add the PDF/UA-1 claim to the one rdf:RDF of the XMP packet WeasyPrint writes."""
    for prefix, uri in _XMP_NAMESPACES.items():
        ElementTree.register_namespace(prefix, uri)
    generate = document.metadata.generate_rdf_metadata

    def generate_with_pdfua(*args: object) -> bytes:
        # Both are our own XML: WeasyPrint's packet and the constant above.
        rdf = ElementTree.fromstring(generate(*args))  # noqa: S314
        rdf.extend(ElementTree.fromstring(_PDFUA_RDF))  # noqa: S314
        return ElementTree.tostring(rdf)

    document.metadata.generate_rdf_metadata = generate_with_pdfua


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


def _layout(html: str, fetcher: StaticOnlyURLFetcher) -> weasyprint.Document:
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT, pdf_tags=True
    )
    _with_pdfua_claim(document)
    return document


def _write(document: weasyprint.Document, target: Path) -> None:
    """Write the tagged PDF, then complete its tagging for PDF/UA (pdf/tagging.py)."""
    document.write_pdf(target, pdf_variant=PDF_VARIANT, pdf_tags=True, pdf_identifier=True)
    complete_tagging_of_file(target)


def render_pdf(html: str, *, on_progress: ProgressCallback | None = None) -> RenderResult:
    """Render the HTML as a tagged PDF/A-3a and PDF/UA-1 document. Pure: no database, no files
    written."""
    started = time.perf_counter()
    fetcher = StaticOnlyURLFetcher()
    with _progress(on_progress, estimate_pages(html)), tempfile.TemporaryDirectory() as work:
        document = _layout(html, fetcher)
        written = Path(work) / "document.pdf"
        _write(document, written)
        pdf = written.read_bytes()
    if fetcher.refused:
        logger.warning("PDF rendering refused %d resource(s)", len(fetcher.refused))
    return RenderResult(
        pdf=pdf,
        page_count=len(document.pages),
        seconds=time.perf_counter() - started,
        refused_urls=fetcher.refused,
    )


@dataclass(frozen=True)
class FileResult:
    page_count: int
    seconds: float
    appended_pages: int


def render_to_file(
    html: str,
    *,
    target: Path,
    attachments: Sequence[package.PackageAttachment] = (),
    media_root: Path,
    on_progress: ProgressCallback | None = None,
) -> FileResult:
    """Render the HTML to `target` (written beside it and moved into place), with the
    attachments' PDF pages merged in where the HTML placed them (the agenda package).

    Memory stays bounded by the agenda's own layout: the attachments are counted first,
    their pages laid out as empty placeholders, and their content copied from the stored
    files while the result is written."""
    started = time.perf_counter()
    fetcher = StaticOnlyURLFetcher()
    inspected = package.inspect(attachments, media_root=media_root)
    full_html = package.fill_html(html, inspected)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _progress(on_progress, estimate_pages(html) + package.total_placeholder_pages(inspected)):
        document = _layout(full_html, fetcher)
        page_count = len(document.pages)
        if not attachments:
            with tempfile.NamedTemporaryFile(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
            ) as handle:
                pass
            _write(document, Path(handle.name))
            move_into_place(Path(handle.name), target)
            return FileResult(page_count, time.perf_counter() - started, 0)
        placeholders = package.placeholder_pages([list(page.anchors) for page in document.pages])
        with tempfile.TemporaryDirectory(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        ) as work:
            main = Path(work) / "agenda.pdf"
            _write(document, main)
            del document  # the layout is the largest thing held; the merge needs none of it
            merged = Path(work) / "package.pdf"
            page_count = package.merge(
                main, inspected, placeholders=placeholders, media_root=media_root, target=merged
            )
            move_into_place(merged, target)
    if fetcher.refused:
        logger.warning("PDF rendering refused %d resource(s)", len(fetcher.refused))
    return FileResult(
        page_count, time.perf_counter() - started, package.total_placeholder_pages(inspected)
    )
