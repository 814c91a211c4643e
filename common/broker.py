"""Sending work to the Celery broker without letting its outage reach the user.

The work itself is recorded in our own tables first (a row saying it is pending); sending is
only a wake-up call. When Redis cannot be reached the send is given up quickly and logged,
and the periodic sweep (task `pdf.dispatch_pending`, `pdf.services.dispatch_pending`, which every
worker sends itself: referat/celery.py) sends it again later.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("referat.broker")

# A down broker is given up on after about a second instead of kombu's default retries.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3}


def send_task(task: Any, args: list[Any], *, what: str, **options: Any) -> str | None:
    """`task.apply_async(args, **options)`, or None (logged) when the broker cannot be reached.
    Returns the task id. Never raises: the work is recorded before, and the sweep sends it
    again. Tasks sent this way should have ignore_result=True, so that sending does not also
    need Celery's result store."""
    from kombu.exceptions import KombuError
    from redis.exceptions import RedisError

    try:
        result = task.apply_async(args=args, retry_policy=RETRY_POLICY, **options)
    except (KombuError, RedisError, OSError) as exc:
        logger.warning("%s could not be queued; the sweep sends it later: %s", what, exc)
        return None
    except Exception:
        # Celery has more ways to fail while Redis is away (its result store, for one, raises
        # RuntimeError); the work is recorded, so the user's request must not fail with it.
        logger.exception("%s could not be queued; the sweep sends it later", what)
        return None
    return str(result.id or "")
