"""Celery tasks of the budget app: thin adapters that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from budget.services import pool_report_render


@shared_task(name="budget.render_pool_status_report", acks_late=True)
def render_pool_status_report(report_id: int) -> None:
    """Render the "Status på puljer" PDF of a report row; safe to run twice."""
    pool_report_render(report_id=report_id)
