"""What the services of meetings share: the acting user's type and the row lock on a meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from meetings.models import Meeting

if TYPE_CHECKING:
    from meetings.models import AnyUser

    Actor: TypeAlias = AnyUser
else:
    Actor = object


def lock_meeting(meeting_id: int) -> Meeting:
    """Lock the meeting row: changes to one meeting's agenda (numbers) and status happen one at
    a time."""
    return Meeting.objects.select_for_update().select_related("body").get(pk=meeting_id)
