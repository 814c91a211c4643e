"""PostgreSQL advisory locks that say "a live process is working on this".

A session-level advisory lock is released by PostgreSQL itself when the session ends, so a
worker killed mid-job frees it at once: a job marked running whose lock is free has lost its
worker (after a short grace for the moments around taking and releasing it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def advisory_lock(namespace: int, key: int) -> Iterator[bool]:
    """Try to take the lock (namespace, key) for the block; yields whether it was taken."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        locked = bool(cursor.fetchone()[0])
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])


def is_locked(namespace: int, key: int) -> bool:
    """Whether another session holds the lock right now."""
    with advisory_lock(namespace, key) as taken:
        return not taken
