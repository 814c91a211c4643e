"""The text of an uploaded file, for the search index: PDFs through pypdf, plain text as is.

Other kinds (images, Office files) give no text; the attachment is then found by its title.
"""

from __future__ import annotations

import io
import logging
import re
from typing import BinaryIO

logger = logging.getLogger(__name__)

# More text than this adds nothing a search needs and costs index space.
MAX_TEXT_CHARS = 1_000_000
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


def extract_text(data: BinaryIO, *, content_type: str = "", name: str = "") -> str:
    """The readable text of a file, or "" when it has none or cannot be read."""
    head = data.read(5)
    data.seek(0)
    kind = content_type.split(";")[0].strip().lower()
    try:
        if head.startswith(b"%PDF") or kind == "application/pdf":
            text = _pdf_text(data)
        elif kind.startswith("text/") or name.lower().endswith((".txt", ".csv", ".md")):
            text = _plain_text(data.read(MAX_TEXT_CHARS * 4))
        else:
            return ""
    except Exception:  # a damaged or hostile file must never break an upload
        logger.warning("could not read text from attachment file %r", name, exc_info=True)
        return ""
    return _tidy(text)


def _pdf_text(data: BinaryIO) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data.read()))
    parts: list[str] = []
    total = 0
    for page in reader.pages:
        page_text = page.extract_text() or ""
        parts.append(page_text)
        total += len(page_text)
        if total >= MAX_TEXT_CHARS:
            break
    return "\n\n".join(parts)


def _plain_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _tidy(text: str) -> str:
    text = text.replace("\x00", " ")
    text = _SPACE_RE.sub(" ", text)
    text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()[:MAX_TEXT_CHARS]
