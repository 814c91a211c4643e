"""Ids from URLs and request bodies, read without trusting them."""

from __future__ import annotations

# PostgreSQL's bigint: a larger number in a query is an error of the database, not a miss.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """The id `value` stands for, or None when it cannot be one (not a whole positive number,
    or past bigint): the caller answers 404 as for an id that does not exist."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None
