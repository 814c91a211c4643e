"""The Celery app: `celery -A referat worker` starts a worker wired to Redis.

Every worker also keeps the sweep going (pdf.services.dispatch_pending: work recorded in our
tables that the broker never got or lost, and jobs whose worker died): on start-up and every
settings.DISPATCH_SWEEP_SECONDS it sends the sweep task to a queue it consumes itself, so no
separate beat is needed. The sweep is idempotent; several workers sending it do no harm.
"""

import logging
import os
import threading
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referat.settings.local")

app = Celery("referat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("referat.broker")
_sweep_stop = threading.Event()


@app.task(name="referat.health")
def health() -> str:
    """Answers "ok" when a worker takes tasks from the broker: used by health checks and tests."""
    return "ok"


def _own_queue() -> str:
    consumed = list(app.amqp.queues.consume_from or {})
    return consumed[0] if consumed else str(app.conf.task_default_queue)


def _keep_sweeping(interval: int, queue: str) -> None:
    from common.broker import send_task

    sweep = app.tasks["pdf.dispatch_pending"]
    while not _sweep_stop.is_set():
        send_task(sweep, [], what="The dispatch sweep", queue=queue)
        if _sweep_stop.wait(interval):
            return


@worker_ready.connect
def _start_sweeping(**_kwargs: Any) -> None:
    from django.conf import settings

    interval = settings.DISPATCH_SWEEP_SECONDS
    if interval <= 0:
        return
    queue = _own_queue()
    logger.info("Sending the dispatch sweep to %s now and every %s s", queue, interval)
    _sweep_stop.clear()
    threading.Thread(
        target=_keep_sweeping, args=(interval, queue), name="referat-sweep", daemon=True
    ).start()


@worker_shutdown.connect
def _stop_sweeping(**_kwargs: Any) -> None:
    _sweep_stop.set()
