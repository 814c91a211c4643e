"""What a separate parsing process runs: reading and parsing only, never the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meetings.importer.legacy import ReadFile

Read = tuple[str, "ReadFile | None", str, "int | None"]


def read_one(name_content: tuple[str, bytes]) -> Read:
    """Read and parse one file; a file that cannot be imported comes back as its message."""
    from meetings.importer.legacy import ImportFileError, read_minutes_file

    name, content = name_content
    try:
        return name, read_minutes_file(name, content), "", None
    except ImportFileError as exc:
        return name, None, exc.message, exc.line
