"""The agenda package (dagsorden med bilag): the agenda's own pages with the attachments' PDF
pages in place, after their item or at the end, as the body has chosen.

How it is made, in the worker (see render.render_to_file):

1. `inspect` opens each attachment's stored file and counts its pages; a file that is missing,
   broken or protected by a password is not appended but noted on its separator page.
2. `fill_html` puts as many empty placeholder pages into the agenda's HTML as each attachment
   has pages. WeasyPrint then lays out the whole package at once: the table of contents, the
   item's list of Bilag and "Side X af Y" count the attachment pages as they will be, and the
   Bilag's separator headings become bookmarks nested under their item.
3. `merge` draws each attachment page onto its placeholder page, under the footer that
   WeasyPrint printed there, so the page numbers run on across the attachments. Only a page's
   content and the resources it needs are taken over (as a Form XObject): no JavaScript, open
   actions, links, form fields, embedded files or launch actions of an uploaded file can come
   along. The source files are read page by page while the result is written, never loaded
   whole.

What the job is keyed on: each attachment's identity (`PackageAttachment.fingerprint`: the
attachment, its stored name, size and modification time) is part of the content hash, so a
changed file gives a new job and an unchanged package is served from the file already made.
"""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pikepdf
from django.utils.translation import gettext as _

logger = logging.getLogger("referat.pdf")

PDF = "application/pdf"
# Markers in the agenda's HTML that the worker fills in (fill_html): the placeholder pages of
# attachment `key`, and the note on its separator page when it cannot be appended.
PAGES_MARK = '<div class="bilag-pages" data-bilag="{key}"></div>'
NOTE_MARK = '<p class="bilag-note" data-bilag="{key}"></p>'


def placeholder_id(key: str, page: int) -> str:
    """The anchor of the placeholder for page `page` of attachment `key`. The first is the
    attachment's start, which the table of contents and the item's list of Bilag point to
    (for an attachment that cannot be appended, its note on the separator page has it)."""
    return f"bilag-{key}-start" if page == 1 else f"bilag-{key}-side-{page}"


# No uploaded PDF is allowed to make the package unbounded.
MAX_PAGES_PER_ATTACHMENT = 2000


@dataclass(frozen=True)
class PackageAttachment:
    """One Bilag of the package, as the job records it (JSON)."""

    key: str  # "<item number>-<bilag number>": unique in the package, used in anchors
    item_number: int
    number: int  # Bilag N of its item
    title: str
    file: str  # the storage name under MEDIA_ROOT; "" when the attachment has no file
    content_type: str
    fingerprint: str

    @property
    def is_pdf(self) -> bool:
        return bool(self.file) and self.content_type == PDF

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PackageAttachment:
        return cls(**data)  # type: ignore[arg-type]


def file_fingerprint(*, attachment_id: int, name: str, path: Path | None) -> str:
    """What identifies a stored file without reading it: the attachment, its stored name and
    the size and modification time on disk. Uploads are never rewritten in place (a new file
    gets a new name), so this changes whenever the bytes could have."""
    if path is None:
        return f"{attachment_id}:"
    try:
        stat = path.stat()
    except OSError:
        return f"{attachment_id}:{name}:missing"
    return f"{attachment_id}:{name}:{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True)
class Inspected:
    attachment: PackageAttachment
    pages: int  # 0 when it is not appended
    note: str  # why it is not appended ("" when it is)


def _open(path: Path) -> pikepdf.Pdf:
    # No password is tried: an encrypted upload is listed with a note, never opened.
    return pikepdf.open(path, password="", attempt_recovery=True)


def inspect(attachments: Sequence[PackageAttachment], *, media_root: Path) -> list[Inspected]:
    """Count the pages of each PDF attachment, or say why it cannot be appended."""
    found = []
    for attachment in attachments:
        if not attachment.is_pdf:
            found.append(Inspected(attachment, 0, ""))
            continue
        path = media_root / attachment.file
        note = ""
        pages = 0
        try:
            with _open(path) as pdf:
                if pdf.is_encrypted:
                    note = _("Bilaget er beskyttet med adgangskode og kan ikke vedlægges.")
                else:
                    pages = len(pdf.pages)
                    if pages == 0:
                        note = _("Bilaget har ingen sider.")
                    elif pages > MAX_PAGES_PER_ATTACHMENT:
                        note = _("Bilaget har over %(max)s sider og vedlægges ikke.") % {
                            "max": MAX_PAGES_PER_ATTACHMENT
                        }
        except FileNotFoundError:
            note = _("Bilagets fil findes ikke længere.")
        except pikepdf.PasswordError:
            note = _("Bilaget er beskyttet med adgangskode og kan ikke vedlægges.")
        except (pikepdf.PdfError, OSError, ValueError):
            logger.warning("Attachment file %s could not be read as PDF", attachment.file)
            note = _("Bilaget kunne ikke læses som PDF og er ikke vedlagt.")
        if note:
            pages = 0
        found.append(Inspected(attachment, pages, note))
    return found


def fill_html(agenda_html: str, inspected: Sequence[Inspected]) -> str:
    """The agenda's HTML with each attachment's placeholder pages and notes put in."""
    result = agenda_html
    for entry in inspected:
        key = entry.attachment.key
        pages = "".join(
            f'<div class="bilag-page" id="{placeholder_id(key, n)}"></div>'
            for n in range(1, entry.pages + 1)
        )
        note = (
            f'<p class="bilag-note" id="{placeholder_id(key, 1)}">{html.escape(entry.note)}</p>'
            if entry.note
            else ""
        )
        result = result.replace(PAGES_MARK.format(key=key), pages, 1)
        result = result.replace(NOTE_MARK.format(key=key), note, 1)
    return result


def placeholder_pages(anchors_by_page: Sequence[Sequence[str]]) -> dict[str, int]:
    """Placeholder anchor → 0-based page index, from each laid-out page's anchors."""
    found: dict[str, int] = {}
    for index, anchors in enumerate(anchors_by_page):
        for anchor in anchors:
            if anchor.startswith("bilag-") and ("-side-" in anchor or anchor.endswith("-start")):
                found[anchor] = index
    return found


def _place(target: pikepdf.Page, source: pikepdf.Page) -> None:
    """Draw `source` (an attachment page) under the placeholder page's own content (its
    footer), the placeholder taking the attachment page's size. Rotation and user units of
    the source are applied by the Form XObject."""
    form = source.as_form_xobject(handle_transformations=True)
    llx, lly, urx, ury = (float(v) for v in form.BBox)
    matrix = form.get("/Matrix")
    width, height = urx - llx, ury - lly
    if matrix is not None:
        a, b, c, d = (float(v) for v in list(matrix)[:4])
        width, height = abs(a * width + c * height), abs(b * width + d * height)
    box = pikepdf.Array([0, 0, width, height])
    target.obj.MediaBox = box
    for name in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        if name in target.obj:
            del target.obj[name]
    target.add_underlay(form, pikepdf.Rectangle(0, 0, width, height))


def _drop_conformance_claims(pdf: pikepdf.Pdf) -> None:
    """An uploaded PDF's pages carry no tags, and their fonts and colours are as they came:
    the package no longer claims PDF/A or PDF/UA once such a page is in it."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key in ("pdfaid:part", "pdfaid:conformance", "pdfuaid:part"):
            if key in meta:
                del meta[key]


@contextlib.contextmanager
def _sources(
    inspected: Sequence[Inspected], media_root: Path
) -> Iterator[list[tuple[Inspected, pikepdf.Pdf]]]:
    opened: list[tuple[Inspected, pikepdf.Pdf]] = []
    try:
        for entry in inspected:
            if entry.pages:
                opened.append((entry, _open(media_root / entry.attachment.file)))
        yield opened
    finally:
        for _entry, pdf in opened:
            pdf.close()


def merge(
    main: Path,
    inspected: Sequence[Inspected],
    *,
    placeholders: dict[str, int],
    media_root: Path,
    target: Path,
) -> int:
    """Write the package to `target`: the agenda's PDF at `main` with every attachment page
    drawn onto its placeholder. Returns the page count. The sources stay open until the
    result is written, because their page contents are copied from the files as it is."""
    with pikepdf.open(main) as out, _sources(inspected, media_root) as sources:
        appended = 0
        for entry, source in sources:
            key = entry.attachment.key
            for number, page in enumerate(source.pages, start=1):
                index = placeholders.get(placeholder_id(key, number))
                if index is None:
                    raise RuntimeError(f"No placeholder page for page {number} of Bilag {key}")
                _place(out.pages[index], page)
                appended += 1
        if appended:
            _drop_conformance_claims(out)
        out.save(
            target,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return len(out.pages)


def total_placeholder_pages(inspected: Sequence[Inspected]) -> int:
    return sum(entry.pages for entry in inspected)
