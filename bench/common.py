"""Helpers the benchmarks share (not a benchmark itself: its name has no bench_ prefix)."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction
from django.db.models import QuerySet

from meetings.models import Decision, Meeting


def remove_meetings(meetings: QuerySet[Meeting]) -> None:
    """Delete a benchmark's own meetings. Imported and published minutes come with locked
    decisions; they are unlocked the way meeting_reopen does it (inside the lock trigger's
    reopening window) and then deleted, in one transaction. Then the tables they were in are
    vacuumed: autovacuum would do it in time (and is off on some machines), and the next
    measurement should find the database as the first one did, not full of dead rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('referat.reopening', 'on', true)")
        Decision.objects.filter(item__meeting__in=meetings).update(locked=False)
        meetings.delete()
    tables = [
        model._meta.db_table
        for app in ("meetings", "budget")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.db_table.endswith("event")
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
