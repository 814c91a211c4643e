"""Text out of files: a PDF's pages (pdfplumber) and plain text in UTF-8 or Windows-1252.

One reader for the import of legacy minutes and for the search index of attachments, so a
PDF reads the same wherever it comes in."""

from __future__ import annotations

import io


class UnreadablePdf(ValueError):
    """The bytes are not a PDF that can be read (damaged, encrypted, or not a PDF at all)."""


def decode_text(raw: bytes) -> str | None:
    """The text of plain-text bytes in UTF-8 (with or without a BOM) or Windows-1252; None
    when they are neither."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def pdf_pages_text(content: bytes, *, max_chars: int | None = None) -> list[str]:
    """The text of each page, read with the tolerance the minutes' parser expects; pages after
    `max_chars` characters are not read. Raises UnreadablePdf."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    pages: list[str] = []
    total = 0
    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            for page in pdf.pages:
                text = page.extract_text(x_tolerance=1.5) or ""
                pages.append(text)
                total += len(text)
                page.close()
                if max_chars is not None and total >= max_chars:
                    break
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise UnreadablePdf(str(exc)) from exc
    return pages
