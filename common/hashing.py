"""The one way a content hash is made: SHA-256 over text, as hex. Review approvals bind to it
(the canonical JSON of an item's content) and PDFs are stored under it (their HTML and what
else decides their bytes)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal content gives equal text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def checksum(data: bytes) -> str:
    """SHA-256 (hex) of a file's bytes: how an imported file is recognised when it comes again."""
    return hashlib.sha256(data).hexdigest()


def content_hash(*parts: str) -> str:
    """SHA-256 (hex) of the parts, each closed by a NUL so that no two lists of parts give the
    same bytes; a single part is hashed as it is."""
    if len(parts) == 1:
        return hashlib.sha256(parts[0].encode("utf-8")).hexdigest()
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()
