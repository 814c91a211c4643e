"""Celery tasks of the budget app: thin adapters that take ids and call a service."""

from __future__ import annotations

import logging

from celery import shared_task

from budget.services import PoolReportBusy, pool_report_render

logger = logging.getLogger("referat.budget")


@shared_task(name="budget.render_pool_status_report", acks_late=True, ignore_result=True)
def render_pool_status_report(report_id: int) -> None:
    """Render the "Status på puljer" PDF of a report row; safe to run twice."""
    try:
        pool_report_render(report_id=report_id)
    except PoolReportBusy:
        logger.info("Pool report %s is being rendered by another worker", report_id)
