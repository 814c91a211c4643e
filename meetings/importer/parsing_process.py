"""What a separate parsing process runs: reading and parsing only, never the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meetings.importer.legacy import ReadFile

Read = tuple[str, "ReadFile | None", str, "int | None"]


def read_one(name_content: tuple[str, bytes]) -> Read:
    """Read and parse one file, its rich text sanitised (see sanitize_exchange_meetings); a
    file that cannot be imported comes back as its message."""
    from meetings.importer.legacy import ImportFileError, read_minutes_file
    from meetings.importer.load import sanitize_exchange_meetings

    name, content = name_content
    try:
        read = read_minutes_file(name, content)
    except ImportFileError as exc:
        return name, None, exc.message, exc.line
    sanitize_exchange_meetings(read.meetings)
    return name, read, "", None


def read_many(names_contents: list[tuple[str, bytes]]) -> list[Read]:
    """read_one for several files: one round trip to the parsing process for them all."""
    return [read_one(name_content) for name_content in names_contents]
