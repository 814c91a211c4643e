"""The one way a file of ours is written to disk."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    """Write the file under a temporary name beside it, sync it and move it into place: a
    reader never sees half a file, and a second run simply replaces the first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    move_into_place(Path(tmp_name), target)


def move_into_place(written: Path, target: Path) -> None:
    """Sync a file written beside `target` (same file system) and move it into place; the
    file is removed if that fails, so no half-made file is left behind."""
    try:
        with written.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(written, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(written)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
