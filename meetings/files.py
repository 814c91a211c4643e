"""What an uploaded attachment really is, read from its bytes.

The browser's Content-Type and the file name are claims; the first bytes (and, for Office
files, the zip's table of contents) decide. A file whose name says one type and whose bytes
say another is refused, so a renamed script or archive is never served as a PDF.
"""

from __future__ import annotations

import zipfile

from django.core.files.uploadedfile import UploadedFile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"

EXTENSIONS = {
    "pdf": PDF,
    "docx": DOCX,
    "xlsx": XLSX,
    "doc": DOC,
    "xls": XLS,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "gif": GIF,
}
ACCEPT = ",".join(f".{ext}" for ext in EXTENSIONS)
"""For <input type=file accept=…>: a hint to the browser, never the check."""

_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


def _from_bytes(upload: UploadedFile, extension: str) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(_OLE2):
        # Word and Excel 97–2003 share the container; the name tells which of the two.
        return {"doc": DOC, "xls": XLS}.get(extension)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
    return None


def sniff_attachment_type(upload: UploadedFile) -> str | None:
    """The content type of an allowed attachment, or None when the file is not one."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        return None
    actual = _from_bytes(upload, extension)
    if actual is None or actual != claimed:
        return None
    return actual
