"""The Celery app: `celery -A referat worker` starts a worker wired to Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referat.settings.local")

app = Celery("referat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="referat.health")
def health() -> str:
    """Answers "ok" when a worker takes tasks from the broker: used by health checks and tests."""
    return "ok"
