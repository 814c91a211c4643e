"""The political protocol in an import (docs/exchange-format.md, "Members and the protocol"):
a meeting's `members`, the seats its participants take, and per item who took part, the votes,
the members' remarks and the additions with their approvals.

Members are named, not numbered: a name in a meeting refers to the body's seat of that name.
On import a seat is found by name within the body (or by its user's username), and created
from the file's `members` entry when the body has none; a name no entry describes becomes a
plain member's seat. An existing seat is never changed by an import: its party, role, period
and user stay as the body's secretary keeps them. Users are never created: a username that does
not exist (or is not active) here leaves the seat without a user, an addition without an
author and drops that user's approval of an addition (its `approved_at` is kept).

An import by a body's secretary (not the administrator) gives no user a secretary's seat, as
the secretary could not by hand (meetings/services/members.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from common.bulk import copy_new, reserve_ids
from meetings.errors import ExchangeError
from meetings.models import (
    Addendum,
    AddendumApproval,
    Ballot,
    ItemParticipation,
    Meeting,
    Membership,
    Party,
    Remark,
    Vote,
)

ITEM_KEYS = ("participation", "votes", "remarks", "addenda")


def _key(name: str) -> str:
    return name.strip().casefold()


def _date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ExchangeError(f"Datoen “{raw}” findes ikke.") from exc


def _moment(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ExchangeError(f"Tidspunktet “{raw}” er ikke en gyldig dato og tid.") from exc


# --- checks before anything is written -------------------------------------------------------


def check_protocol(data: dict[str, Any]) -> None:
    """Refuse, in Danish, a meeting whose protocol contradicts itself (the schema has checked
    its shape): a member named twice, a substitute without the seat they took, a vote by a
    member who did not take part in the item, a member voting twice."""
    where = f"{data['body']} {data['starts_at'][:10]}"
    names = [_key(m["name"]) for m in data.get("members", [])]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ExchangeError(f"{where}: medlemmet “{twice[0]}” står to gange under members.")
    for member in data.get("members", []):
        starts, ends = _date(member.get("starts_on")), _date(member.get("ends_on"))
        if starts and ends and ends < starts:
            raise ExchangeError(
                f"{where}: medlemsperioden for {member['name']} slutter, før den begynder."
            )
    seated = [_key(p["member"]) for p in data.get("participants", []) if p.get("member")]
    twice = sorted({n for n in seated if seated.count(n) > 1})
    if twice:
        raise ExchangeError(f"{where}: medlemmet “{twice[0]}” står to gange blandt deltagerne.")
    for person in data.get("participants", []):
        if person.get("substitute_for") and not person.get("member"):
            raise ExchangeError(
                f"{where}: stedfortræderen {person['name']} skal være et medlem (member)."
            )
    for item in data["items"]:
        _check_item(item, f"{where}, punkt {item['number']}")


def _check_item(item: dict[str, Any], where: str) -> None:
    not_there: dict[str, str] = {}
    for row in item.get("participation", []):
        member = _key(row["member"])
        if member in not_there:
            raise ExchangeError(f"{where}: {row['member']} står to gange under participation.")
        if (row["kind"] == ItemParticipation.Kind.SUBSTITUTE) != bool(row.get("for")):
            raise ExchangeError(
                f"{where}: {row['member']}: en stedfortræder skal have “for” (den plads, der "
                f"blev taget), og kun en stedfortræder har det."
            )
        not_there[member] = row["kind"]
    for number, vote in enumerate(item.get("votes", []), start=1):
        voters = [_key(b["member"]) for b in vote["ballots"]]
        twice = sorted({n for n in voters if voters.count(n) > 1})
        if twice:
            raise ExchangeError(f"{where}, afstemning {number}: “{twice[0]}” stemmer to gange.")
        for ballot in vote["ballots"]:
            kind = not_there.get(_key(ballot["member"]))
            if kind in (ItemParticipation.Kind.ABSENT, ItemParticipation.Kind.DISQUALIFIED):
                raise ExchangeError(
                    f"{where}, afstemning {number}: {ballot['member']} deltog ikke i "
                    f"behandlingen ({kind}) og kan ikke stemme."
                )
    remarks = [(r["kind"], _key(r["member"])) for r in item.get("remarks", [])]
    if len(set(remarks)) != len(remarks):
        raise ExchangeError(f"{where}: et medlem har to bemærkninger af samme art.")


# --- seats -----------------------------------------------------------------------------------


def _names_in(data: dict[str, Any]) -> list[str]:
    """Every member name the meeting's participants and protocol use, in order."""
    names: list[str] = []
    for person in data.get("participants", []):
        names += [person[k] for k in ("member", "substitute_for") if person.get(k)]
    for item in data["items"]:
        for row in item.get("participation", []):
            names += [row["member"], *([row["for"]] if row.get("for") else [])]
        for vote in item.get("votes", []):
            names += [b["member"] for b in vote["ballots"]]
        names += [r["member"] for r in item.get("remarks", [])]
    return names


def usernames_in(data: dict[str, Any]) -> set[str]:
    found = {m["user"] for m in data.get("members", []) if m.get("user")}
    for item in data["items"]:
        for addendum in item.get("addenda", []):
            if addendum.get("by"):
                found.add(addendum["by"])
            found |= {a["user"] for a in addendum.get("approvals", [])}
    return found


@dataclass
class SeatBook:
    """The seats of the imported meetings' bodies by name, and the users the file names."""

    by_body: dict[int, dict[str, Membership]] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    def seat(self, meeting: Meeting, name: str) -> Membership:
        return self.by_body[meeting.body_id][_key(name)]

    def user_id(self, username: str | None) -> int | None:
        user = self.users.get(username or "")
        return user.pk if user is not None else None


def seats_for(meetings: Iterable[tuple[Meeting, dict[str, Any]]], *, restricted: bool) -> SeatBook:
    """Find or create the seats the meetings name (see the module's docstring). Meetings
    without members or protocol cost nothing here."""
    wanted: dict[int, tuple[list[dict[str, Any]], list[str]]] = {}
    usernames: set[str] = set()
    for meeting, data in meetings:
        names = _names_in(data)
        if not (names or data.get("members") or any(i.get("addenda") for i in data["items"])):
            continue
        entries, referenced = wanted.setdefault(meeting.body_id, ([], []))
        entries += data.get("members", [])
        referenced += names
        usernames |= usernames_in(data)
    book = SeatBook()
    if not wanted:
        return book
    book.users = {
        u.get_username(): u
        for u in get_user_model().objects.filter(username__in=usernames, is_active=True)
    }
    for body_id in sorted(wanted):
        entries, referenced = wanted[body_id]
        book.by_body[body_id] = _body_seats(body_id, entries, referenced, book, restricted)
    return book


def _body_seats(
    body_id: int,
    entries: list[dict[str, Any]],
    referenced: list[str],
    book: SeatBook,
    restricted: bool,
) -> dict[str, Membership]:
    # Two imports of the same body's new members wait for each other here (until commit), so
    # neither creates a seat the other has just created.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('referat.import_members'), %s)", [body_id]
        )
    existing = list(
        Membership.objects.filter(body_id=body_id)
        .select_related("user", "party")
        .order_by("position", "pk")
    )
    by_name: dict[str, Membership] = {}
    for seat in existing:
        by_name.setdefault(_key(seat.display_name), seat)
    by_user = {seat.user_id: seat for seat in existing if seat.user_id is not None}
    position = max((seat.position for seat in existing), default=0)

    def create(entry: dict[str, Any]) -> Membership:
        nonlocal position
        role = entry.get("role") or Membership.Role.MEMBER
        user = book.users.get(entry.get("user") or "")
        if user is not None and (user.pk in by_user or (restricted and role == "sekretær")):
            user = None
        name = entry["name"].strip()
        if user is not None and name == (user.get_full_name() or user.get_username()):
            name = ""  # the seat follows its user's name, as one made by hand
        position += 1
        seat = Membership.objects.create(
            body_id=body_id,
            user=user,
            name=name,
            party=_party(entry.get("party")),
            role=role,
            starts_on=_date(entry.get("starts_on")),
            ends_on=_date(entry.get("ends_on")),
            position=position,
        )
        if user is not None:
            by_user[user.pk] = seat
        return seat

    for entry in entries:
        key = _key(entry["name"])
        if key in by_name:
            continue
        user = book.users.get(entry.get("user") or "")
        if user is not None and user.pk in by_user:
            by_name[key] = by_user[user.pk]
        else:
            by_name[key] = create(entry)
    for name in referenced:
        if _key(name) not in by_name:
            by_name[_key(name)] = create({"name": name})
    return by_name


def _party(data: dict[str, Any] | None) -> Party | None:
    if not data:
        return None
    letter = data["letter"].strip()
    party = Party.objects.filter(letter__iexact=letter).first()
    if party is None:
        party = Party.objects.create(letter=letter, name=(data.get("name") or letter).strip())
    return party


# --- rows ------------------------------------------------------------------------------------


def attendance_seats(
    meeting: Meeting, person: dict[str, Any], book: SeatBook
) -> tuple[int | None, int | None, int | None]:
    """(member_id, substitute_for_id, user_id) of a participant."""
    if not person.get("member"):
        return None, None, None
    seat = book.seat(meeting, person["member"])
    taken = person.get("substitute_for")
    seat_for = book.seat(meeting, taken).pk if taken else None
    return seat.pk, seat_for, seat.user_id


def copy_protocol(rows: list[tuple[int, Meeting, dict[str, Any]]], book: SeatBook) -> None:
    """Insert the protocol of new items: `rows` are (item id, meeting, item data). Done before
    the items' decisions, which may come locked."""
    with_protocol = [r for r in rows if any(r[2].get(k) for k in ITEM_KEYS)]
    if not with_protocol:
        return
    copy_new(
        ItemParticipation,
        ["item_id", "member_id", "kind", "substitute_for_id", "note"],
        (
            (
                item_id,
                book.seat(meeting, row["member"]).pk,
                row["kind"],
                book.seat(meeting, row["for"]).pk if row.get("for") else None,
                row.get("note", "").strip(),
            )
            for item_id, meeting, item in with_protocol
            for row in item.get("participation", [])
        ),
    )
    votes = [
        (item_id, meeting, position, vote)
        for item_id, meeting, item in with_protocol
        for position, vote in enumerate(item.get("votes", []), start=1)
    ]
    vote_ids = reserve_ids(Vote, len(votes))
    copy_new(
        Vote,
        ["id", "item_id", "position", "question"],
        (
            (vote_id, item_id, position, vote["question"].strip())
            for vote_id, (item_id, _meeting, position, vote) in zip(vote_ids, votes, strict=True)
        ),
    )
    copy_new(
        Ballot,
        ["vote_id", "member_id", "choice"],
        (
            (vote_id, book.seat(meeting, ballot["member"]).pk, ballot["choice"])
            for vote_id, (_item_id, meeting, _position, vote) in zip(vote_ids, votes, strict=True)
            for ballot in vote["ballots"]
        ),
    )
    remarks = [
        (item_id, remark, book.seat(meeting, remark["member"]))
        for item_id, meeting, item in with_protocol
        for remark in item.get("remarks", [])
    ]
    copy_new(
        Remark,
        ["item_id", "kind", "member_id", "text", "created_by_id"],
        (
            (item_id, remark["kind"], seat.pk, remark["text"].strip(), seat.user_id)
            for item_id, remark, seat in remarks
        ),
    )
    addenda = [
        (item_id, addendum)
        for item_id, _meeting, item in with_protocol
        for addendum in item.get("addenda", [])
    ]
    addendum_ids = reserve_ids(Addendum, len(addenda))
    copy_new(
        Addendum,
        ["id", "item_id", "text", "reason", "created_at", "created_by_id", "approved_at"],
        (
            (
                addendum_id,
                item_id,
                a["text"].strip(),
                a["reason"].strip(),
                _moment(a["created_at"]),
                book.user_id(a.get("by")),
                _moment(a.get("approved_at")),
            )
            for addendum_id, (item_id, a) in zip(addendum_ids, addenda, strict=True)
        ),
    )
    now = timezone.now()
    approvals: dict[tuple[int, int], dt.datetime] = {}
    for addendum_id, (_item_id, a) in zip(addendum_ids, addenda, strict=True):
        for approval in a.get("approvals", []):
            reviewer_id = book.user_id(approval["user"])
            if reviewer_id is not None:
                at = _moment(approval.get("at")) or now
                approvals.setdefault((addendum_id, reviewer_id), at)
    copy_new(
        AddendumApproval,
        ["addendum_id", "reviewer_id", "created_at"],
        ((addendum_id, reviewer_id, at) for (addendum_id, reviewer_id), at in approvals.items()),
    )
