"""The project: settings, URLs and the Celery app, which is loaded with Django."""

from referat.celery import app as celery_app

__all__ = ("celery_app",)
