"""Helpers the benchmarks share (not a benchmark itself: its name has no bench_ prefix)."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import QuerySet

from meetings.models import Decision, Meeting


def remove_meetings(meetings: QuerySet[Meeting]) -> None:
    """Delete a benchmark's own meetings. Imported and published minutes come with locked
    decisions; they are unlocked the way meeting_reopen does it (inside the lock trigger's
    reopening window) and then deleted, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('referat.reopening', 'on', true)")
        Decision.objects.filter(item__meeting__in=meetings).update(locked=False)
        meetings.delete()
