"""Every domain exception of Referat, and nothing else.

A service raises one of these kinds with a Danish message meant for the user. Each kind has one
HTTP status (`http_status`), which the API (api/errors.py) and the HTML views answer with.

| kind | means | HTTP |
|---|---|---|
| DomainError | a move refused in the current state (an empty meeting sent for review) | 409 |
| InvalidInput | what was sent is wrong (an empty reason, an amount that is not a number) | 400 |
| NotAllowed | the user may see this but may not do it | 403 |
| StaleVersion | someone else saved since the user's version was read | 409 |
| Incomplete | the minutes lack decisions; the user may send them anyway | 409 |
| MeetingLocked, DecisionLocked | approved content takes no edits until a reopen | 423 |

What a user may not know exists is not an error of the domain: it is a 404 of the caller's
lookup (meetings/access.py). Field errors of a form stay django's ValidationError with a dict of
messages, so a form or the API can put each message next to its field.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A move the domain does not allow now; its message is Danish and meant for the user."""


class InvalidInput(DomainError):
    """What the user sent cannot be taken as it is (the message says what to change)."""


class NotAllowed(DomainError):
    """The user may see the thing but may not make this change."""


class StaleVersion(DomainError):
    """The thing was saved by someone else since the user's version was read. `current` is the
    thing as it is now (an item, for example), so the user can see both texts and merge."""

    def __init__(self, message: str, *, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class MeetingLocked(DomainError):
    """The meeting is approved or published: its items no longer take edits."""


class DecisionLocked(MeetingLocked):
    """The item's decision is approved by every reviewer and locked (meetings/services/review.py);
    only a reopen of the minutes unlocks it. See meetings/locks.py."""


class StaleContent(DomainError):
    """The reviewer approved a version of the item that is no longer the current one."""


class Incomplete(DomainError):
    """The minutes lack something the secretary must either add or knowingly send without: the
    message names the items. `send_anyway` is the way on that the user may choose."""


class ExchangeError(InvalidInput):
    """A file or payload in the exchange format (or legacy minutes read into it) that cannot be
    taken: the message names the meeting, item or field."""


def http_status(exc: DomainError) -> int:
    """The HTTP status of a domain error's kind (the table above)."""
    if isinstance(exc, MeetingLocked):
        return 423
    if isinstance(exc, InvalidInput):
        return 400
    if isinstance(exc, NotAllowed):
        return 403
    return 409
