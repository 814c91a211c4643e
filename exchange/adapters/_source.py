"""One file as the adapters see it: its bytes, and, read once and only when asked for, its
text (a PDF's pages, or decoded text), its XML tree, read leniently and safely, or its HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from common.documents import UnreadablePdf, decode_text, pdf_pages_text

# A character reference XML 1.0 does not allow (eDoc writes a form feed as &#xC;): a strict
# parser refuses the whole file for it.
_BAD_CHAR_REF_RE = re.compile(
    rb"&#(?:x0*(?:[0-8bcef]|1[0-9a-f])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));", re.I
)
_BAD_CHARS_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class SourceError(ValueError):
    """The file cannot be read as what it claims to be (Danish message)."""


@dataclass
class Source:
    name: str
    content: bytes
    # What reading the file leniently cost, for the report (Danish).
    repairs: list[str] = field(default_factory=list)

    @cached_property
    def head(self) -> bytes:
        return self.content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")

    @property
    def is_pdf(self) -> bool:
        return self.content.startswith(b"%PDF") or b"%PDF-" in self.content[:1024]

    @property
    def looks_like_markup(self) -> bool:
        return self.head.startswith(b"<")

    @cached_property
    def pages(self) -> list[str]:
        """A PDF's pages as text; raises SourceError for a PDF that cannot be read."""
        try:
            return pdf_pages_text(self.content)
        except UnreadablePdf as exc:
            raise SourceError("Filen er ikke en læsbar PDF.") from exc

    @property
    def printed_pages(self) -> list[str]:
        """The pages of a PDF, or of its text version (pdftotext ends each page with a form
        feed); raises SourceError for a PDF that cannot be read."""
        if self.is_pdf:
            return self.pages
        pages = (self.text or "").split("\f")
        return pages[:-1] if len(pages) > 1 and not pages[-1].strip() else pages

    @cached_property
    def text(self) -> str | None:
        """The text of a PDF (pages joined by a form feed) or of a text file; None for
        markup and for bytes that are no text."""
        if self.is_pdf:
            return "\n\f\n".join(self.pages)
        if self.looks_like_markup or b"\x00" in self.content[:4096]:
            # A NUL is no text (a Word file, a zip archive), whatever it decodes to.
            return None
        return decode_text(self.content)

    @cached_property
    def xml(self) -> etree._Element | None:
        """The XML tree, or None when the file is no XML. Read safely (no entities resolved,
        no DTD loaded, nothing fetched from the network) and leniently: character
        references XML 1.0 forbids are dropped, and the report says so."""
        if not self.head.startswith(b"<?xml") and not re.match(rb"<[A-Za-z_]", self.head):
            return None
        if re.match(rb"<(?:!doctype\s+html|html)\b", self.head, re.I):
            return None
        data = self.content
        bad = len(_BAD_CHAR_REF_RE.findall(data)) + len(_BAD_CHARS_RE.findall(data))
        if bad:
            data = _BAD_CHARS_RE.sub(b" ", _BAD_CHAR_REF_RE.sub(b" ", data))
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            recover=False,
        )
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            return None
        if bad:
            self.repairs.append(
                f"Filen er ikke gyldig XML: den indeholder {bad} tegn, som XML 1.0 ikke "
                f"tillader (f.eks. &#xC;, et sideskift). Tegnene er sprunget over, og resten "
                f"er læst."
            )
        return root

    @cached_property
    def html(self) -> str | None:
        if not self.looks_like_markup or self.xml is not None:
            return None
        text = decode_text(self.content)
        if text is None or not re.search(r"<(?:html|body|div|table)\b", text[:20000], re.I):
            return None
        return text


def xml_text(element: etree._Element | None, path: str, default: str = "") -> str:
    """The text of the first element at `path` below `element` (CDATA included)."""
    if element is None:
        return default
    found = element.find(path)
    if found is None:
        return default
    return "".join(found.itertext()).strip()
