"""The text of an uploaded file, for the search index: PDFs and plain text (common/documents.py).

Other kinds (images, Office files) give no text; the attachment is then found by its title.
"""

from __future__ import annotations

import logging
import re
from typing import BinaryIO

from common.documents import decode_text, pdf_pages_text

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
    return "\n\n".join(pdf_pages_text(data.read(), max_chars=MAX_TEXT_CHARS))


def _plain_text(raw: bytes) -> str:
    text = decode_text(raw)
    return raw.decode("utf-8", errors="replace") if text is None else text


def _tidy(text: str) -> str:
    text = text.replace("\x00", " ")
    text = _SPACE_RE.sub(" ", text)
    text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()[:MAX_TEXT_CHARS]
