"""Helpers the benchmarks share (not a benchmark itself: its name has no bench_ prefix)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import QuerySet

from meetings.models import Meeting
from meetings.services.review import meeting_reopen

CLEANER = "benchmark-oprydning"


def remove_meetings(meetings: QuerySet[Meeting]) -> None:
    """Delete a benchmark's own meetings. Imported and published minutes come with locked
    decisions; they are reopened first (meeting_reopen, the one way the database unlocks them,
    by a superuser of the benchmark's own that is gone again afterwards) and then deleted, in
    one transaction. Then the tables they were in are vacuumed: autovacuum would do it in time
    (and is off on some machines), and the next measurement should find the database as the
    first one did, not full of dead rows."""
    with transaction.atomic():
        locked = meetings.filter(items__decision__locked=True).distinct()
        if locked.exists():
            cleaner, _created = get_user_model().objects.get_or_create(
                username=CLEANER, defaults={"is_superuser": True, "is_active": True}
            )
            for meeting in locked:
                meeting_reopen(meeting=meeting, actor=cleaner, reason="Benchmarkens oprydning")
        meetings.delete()
        get_user_model().objects.filter(username=CLEANER).delete()
    tables = [
        model._meta.db_table
        for app in ("meetings", "budget")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.db_table.endswith("event")
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
