"""The lock on approved decisions, for every path that edits an item.

When every reviewer has approved an item, meetings/services/review.py locks its decision, and the
database refuses any change to the item's content and money (migrations
0005_review_decision_lock_triggers and 0014_locks_need_a_recorded_reopen here, and the budget
app's 0005_lock_budget_of_approved_items) until `meeting_reopen`, which the database lets unlock
only in the transaction that records the reopen. An edit path checks first with
`ensure_item_editable` (a friendly refusal before anything is tried) and wraps its writes in
`locked_edits_refused` (the trigger's refusal, e.g. after an approval that landed in between,
as the same Danish error):

    @locked_edits_refused()
    @transaction.atomic
    def item_update(...):
        ensure_item_editable(item)
        ...

Both raise `meetings.errors.DecisionLocked`, a `MeetingLocked`: HTTP 423 in the API. A meeting
that is approved or published takes no edits at all (`ensure_meeting_editable`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import DatabaseError
from django.utils.translation import gettext as _

from meetings.errors import DecisionLocked, MeetingLocked
from meetings.models import Decision, Meeting

if TYPE_CHECKING:
    from meetings.models import AgendaItem

# The SQLSTATE the lock triggers raise.
DECISION_LOCKED_SQLSTATE = "RF423"


def locked_message() -> str:
    return _(
        "Beslutningen er godkendt og låst. Den kan kun ændres, hvis sekretæren genåbner "
        "referatet med en begrundelse."
    )


def is_lock_violation(exc: BaseException) -> bool:
    """True when a database error is the lock trigger's refusal."""
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) == DECISION_LOCKED_SQLSTATE:
            return True
        seen = seen.__cause__
    return False


@contextmanager
def locked_edits_refused() -> Iterator[None]:
    """Turn the database's refusal to change a locked item into `DecisionLocked`.

    Use it around (or as a decorator outside) the transaction that writes: the failed
    transaction is rolled back, and no further query may run in it.
    """
    try:
        yield
    except DatabaseError as exc:
        if is_lock_violation(exc):
            raise DecisionLocked(locked_message()) from exc
        raise


def item_is_locked(item: AgendaItem | int) -> bool:
    """True when the item's decision is approved and locked (the trigger would refuse edits)."""
    item_id = item if isinstance(item, int) else item.pk
    return Decision.objects.filter(item_id=item_id, locked=True).exists()


def ensure_item_editable(item: AgendaItem | int) -> None:
    """Raise DecisionLocked before an edit of a locked item is even tried."""
    if item_is_locked(item):
        raise DecisionLocked(locked_message())


# Under review the items still take edits, except those whose decision every reviewer has
# approved; reopened minutes take edits again.
EDITABLE_STATUSES = (Meeting.Status.DRAFT, Meeting.Status.IN_REVIEW, Meeting.Status.REOPENED)


def ensure_meeting_editable(meeting: Meeting) -> None:
    """The one place that decides whether a meeting's agenda and texts still take edits."""
    if meeting.status not in EDITABLE_STATUSES:
        raise MeetingLocked(
            _(
                "Mødet er %(status)s, så punkterne kan ikke længere redigeres. "
                "Et godkendt referat skal genåbnes, før det kan ændres."
            )
            % {"status": meeting.get_status_display().lower()}
        )
