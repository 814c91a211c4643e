"""Celery tasks of the import: thin adapters that take ids and call a service."""

from __future__ import annotations

from celery import shared_task


# The task keeps the name it was first registered under, so queued jobs still run.
@shared_task(name="meetings.run_import_job", acks_late=True)
def run_import_job(job_id: int) -> None:
    """Run an upload's import. Idempotent: a rerun skips the files already reported."""
    from exchange.jobs import import_job_run

    import_job_run(job_id=job_id)
