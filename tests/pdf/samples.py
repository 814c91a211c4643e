"""Meetings built from the real minutes in exchange/demo_minutes/, for PDF tests and benches.

The samples go through the legacy-minutes importer (parser → exchange format → database), so
the PDF gets what the system really holds: long paragraphs, sub-headings, lists, tables of
amounts, recommendations with "at …" clauses, decisions and attachment lists.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from exchange.legacy import read_minutes_file
from exchange.load import save_exchange_meeting
from meetings.models import Body, Meeting, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SAMPLE_DIR = settings.BASE_DIR / "exchange" / "demo_minutes"
LARGEST_SAMPLE = "direktionen-2018-04-23"


@cache
def _exchange(name: str) -> dict[str, Any]:
    path = SAMPLE_DIR / f"{name}.txt"
    return read_minutes_file(path.name, path.read_bytes()).meetings[0]


def closed_secret(number: int) -> str:
    """Confidential text given to a closed item: what must never reach a public PDF."""
    return f"Fortrolig personalesag nr. {number} om omplacering af en chef i ØDC"


def create_meeting(
    *,
    body: Body,
    samples: tuple[str, ...] = (LARGEST_SAMPLE,),
    repeat: int = 1,
    closed_numbers: tuple[int, ...] = (),
    status: str = "published",
    starts_at: dt.datetime | None = None,
    archive_by: User | None = None,
) -> Meeting:
    """A meeting of `body` with the items of the given samples, repeated `repeat` times (one
    long agenda package). Items numbered in `closed_numbers`, and the "Lukket" items of the
    published samples (whose content was never printed), become closed items with
    confidential content.

    Published minutes come in as an archive import by `archive_by` (by default the body's
    secretary), as the municipality's old minutes do; `status="draft"` gives a draft."""
    if status not in ("draft", "published"):
        raise ValueError(f"create_meeting makes drafts or published minutes, not {status!r}")
    first = copy.deepcopy(_exchange(samples[0]))
    items: list[dict[str, Any]] = []
    for _round in range(repeat):
        for name in samples:
            for source in _exchange(name)["items"]:
                item = copy.deepcopy(source)
                item["number"] = len(items) + 1
                if item["title"] == "Lukket" or item["number"] in closed_numbers:
                    secret = closed_secret(item["number"])
                    if item["title"] == "Lukket":
                        item["title"] = secret
                    item["closed"] = True
                    item["background"] = f"<p>{html.escape(secret)}.</p>" + (
                        item.get("background") or ""
                    )
                items.append(item)
    first.update(
        body=body.name,
        status=status,
        items=items,
        source={"name": "", "checksum": ""},
    )
    if starts_at is not None:
        first["starts_at"] = starts_at.isoformat()
    if status == "draft":
        return save_exchange_meeting(first).meeting
    if archive_by is None:
        archive_by = (
            Membership.objects.select_related("user")
            .get(body=body, role=Membership.Role.SECRETARY)
            .user
        )
    return save_exchange_meeting(first, archive_by=archive_by).meeting
