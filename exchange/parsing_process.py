"""Reading and parsing one file, in whichever process does it: never the database."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exchange.legacy import ReadFile

logger = logging.getLogger(__name__)

Read = tuple[str, "ReadFile | None", str, "int | None"]


def read_one(name_content: tuple[str, bytes]) -> Read:
    """Read and parse one file; a file that cannot be imported comes back as its message.

    Minutes vary more than any parser foresees: a file that trips the parser up in a way it
    does not know to report is refused like any other bad file (and logged for us), so that
    the other files of the import go on."""
    from exchange.legacy import ImportFileError, read_minutes_file

    name, content = name_content
    try:
        read = read_minutes_file(name, content)
    except ImportFileError as exc:
        return name, None, exc.message, exc.line
    except Exception as exc:  # the parser's own bug, not the file's: see the docstring
        logger.exception("reading %s failed", name)
        return (
            name,
            None,
            f"Filen kunne ikke læses: indlæsningen stødte på en uventet fejl "
            f"({exc.__class__.__name__}). Filen er ikke importeret; meld den gerne til os.",
            None,
        )
    return name, read, "", None
