"""The exchange format referat/1 (docs/exchange-format.md): a meeting as a JSON-ready dict.

Every path that hands a meeting's content out as data (the export command, the API) builds it
here, from `AgendaItem.objects.listed_for(user)`, so a closed item the reader may not see is
reduced to its number, "Lukket", its case number and its public decision on every one of them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from exchange.allocations import allocations_to_exchange
from exchange.budget_tables import tables_to_exchange
from exchange.schema import FORMAT, STATUS_FROM_MODEL
from meetings.access import closed_item_stub, public_meetings
from meetings.models import AgendaItem, Attendance, ItemParticipation, Meeting, Membership
from meetings.selectors.items import recommendation_html, with_content
from meetings.selectors.protocol import (
    body_members,
    items_with_protocol,
    public_decision,
    vote_tally,
)

if TYPE_CHECKING:
    from meetings.models import AnyUser

# The participants with the seats they name.
ATTENDANCE_ROWS = Attendance.objects.select_related(
    "member__user", "member__party", "substitute_for__user", "substitute_for__party"
)


def item_to_exchange(
    item: AgendaItem, *, include_ids: bool = False, with_users: bool = True
) -> dict[str, Any]:
    """One item with all its content. The caller has checked the reader may see it.
    `with_users` False leaves usernames out (the public export)."""
    data: dict[str, Any] = {}
    if include_ids:
        data.update(id=item.pk, version=item.version)
    data.update(
        number=item.number,
        title=item.title,
        case_number=item.case.number if item.case else None,
        closed=item.closed,
        background=item.background,
        recommendation="",
        decision=None,
        presentation=item.presentation,
        economy=item.economy,
        attachments=[
            {"title": a.title, "internal": True} if a.internal else {"title": a.title}
            for a in item.attachments.all()
        ],
    )
    budget_tables = tables_to_exchange(item)
    if budget_tables:
        data["budget_tables"] = budget_tables
    allocations = allocations_to_exchange(item)
    if allocations:
        data["allocations"] = allocations
    rec = getattr(item, "recommendation", None)
    if rec is not None:
        data["recommendation"] = recommendation_html(rec)
        data["recommendation_unit"] = rec.unit
        data["recommendation_lead_in"] = rec.lead_in
        data["recommendation_clauses"] = [c.text for c in rec.clauses.all()]
        data["recommendation_numbered"] = rec.numbered
        data["recommendation_note"] = rec.note
    decision = getattr(item, "decision", None)
    if decision is not None:
        data["decision"] = {
            "text": decision.text,
            "outcome": decision.get_outcome_display() if decision.outcome else "",
            "decided_on": decision.decided_on.isoformat() if decision.decided_on else None,
        }
        if decision.public_text:
            data["decision"]["public_text"] = decision.public_text
    data.update(protocol_to_exchange(item, with_users=with_users))
    return data


def _moment(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def protocol_to_exchange(item: AgendaItem, *, with_users: bool = True) -> dict[str, Any]:
    """The item's protocol: who did not take part or took a seat, the votes with each
    member's ballot, the members' remarks and the additions with their approvals. Members are
    named as in the meeting's `members`; each key is left out when the item has none; without
    `with_users` an addition carries no usernames (its author and approvals). The caller has
    checked the reader may see the item (a closed item's protocol is its content)."""
    data: dict[str, Any] = {}
    participation = []
    for row in item.participations.all():
        entry: dict[str, Any] = {"member": row.member.display_name, "kind": row.kind}
        if row.kind == ItemParticipation.Kind.SUBSTITUTE and row.substitute_for is not None:
            entry["for"] = row.substitute_for.display_name
        entry["note"] = row.note
        participation.append(entry)
    if participation:
        data["participation"] = participation
    votes = [
        {
            "question": vote.question,
            "ballots": [
                {"member": b.member.display_name, "choice": b.choice} for b in vote.ballots.all()
            ],
            # Informative: the result is computed from the ballots, on import too.
            "result": "vedtaget" if vote_tally(vote).adopted else "forkastet",
        }
        for vote in item.votes.all()
    ]
    if votes:
        data["votes"] = votes
    remarks = [
        {"kind": r.kind, "member": r.member.display_name, "text": r.text}
        for r in item.remarks.all()
    ]
    if remarks:
        data["remarks"] = remarks
    addenda = []
    for a in item.addenda.all():
        addition: dict[str, Any] = {"text": a.text, "reason": a.reason}
        addition["created_at"] = _moment(a.created_at)
        if with_users:
            addition["by"] = a.created_by.get_username() if a.created_by is not None else None
        addition["approved_at"] = _moment(a.approved_at)
        if with_users:
            addition["approvals"] = [
                {"user": approval.reviewer.get_username(), "at": _moment(approval.created_at)}
                for approval in a.approvals.all()
            ]
        addenda.append(addition)
    if addenda:
        data["addenda"] = addenda
    return data


MINUTES_KEYS = ("decision", "participation", "votes", "remarks", "addenda", "allocations")


def agenda_only(entry: dict[str, Any]) -> dict[str, Any]:
    """An item as its published agenda shows it: without decision, protocol or allocations."""
    data = {key: value for key, value in entry.items() if key not in MINUTES_KEYS}
    if "decision" in entry and "id" in entry:
        data["decision"] = None
    return data


def closed_item_to_exchange(item: AgendaItem) -> dict[str, Any]:
    """A closed item for a reader who may not see it: the stub and, once written, its public
    decision (what the law wants published of a decision taken behind closed doors)."""
    data = closed_item_stub(item)
    text = public_decision(item)
    if text:
        data["decision"] = {"public_text": text}
    return data


def members_to_exchange(body_id: int, *, with_users: bool = True) -> list[dict[str, Any]]:
    """The body's seats in the body's order: name, party, role, period and the user's
    username (left out of a public export)."""
    members = []
    for seat in body_members(body_id):
        entry: dict[str, Any] = {
            "name": seat.display_name,
            "party": {"letter": seat.party.letter, "name": seat.party.name}
            if seat.party is not None
            else None,
            "role": seat.role,
            "starts_on": seat.starts_on.isoformat() if seat.starts_on else None,
            "ends_on": seat.ends_on.isoformat() if seat.ends_on else None,
        }
        if with_users:
            entry["user"] = seat.user.get_username() if seat.user is not None else None
        members.append(entry)
    return members


def _participant(attendance: Attendance) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": attendance.name,
        "role": attendance.role,
        "present": attendance.present,
    }
    seat: Membership | None = attendance.member
    if seat is not None:
        entry["member"] = seat.display_name
    if attendance.substitute_for is not None:
        entry["substitute_for"] = attendance.substitute_for.display_name
    return entry


def _items_for(meeting: Meeting, user: AnyUser | None, *, public: bool) -> QuerySet[AgendaItem]:
    base = AgendaItem.objects.filter(meeting=meeting)
    if user is not None:
        base = AgendaItem.objects.listed_for(user).filter(meeting=meeting)
    return (
        items_with_protocol(with_content(base, attachments_for=user, public=public))
        .prefetch_related("allocations__pool")
        .order_by("number")
    )


def meeting_to_exchange(
    meeting: Meeting,
    *,
    user: AnyUser | None = None,
    public: bool = False,
    include_ids: bool = False,
    members: list[dict[str, Any]] | None = None,
    minutes: bool = True,
) -> dict[str, Any]:
    """One meeting in the exchange format.

    With `user`, closed items are reduced for a reader who may not see them; with
    `public=True` every closed item is reduced, whoever asks. Without either (the
    administrator's full export) everything is included. `members` is the body's seats as
    members_to_exchange gives them, when the caller already has them. `minutes=False` gives
    the agenda alone, for a reader who may not read the minutes yet: no participants, and no
    decision or protocol on any item.
    """
    data: dict[str, Any] = {}
    if include_ids:
        data["id"] = meeting.pk
    data.update(
        body=meeting.body.name,
        starts_at=timezone.localtime(meeting.starts_at).isoformat(),
        location=meeting.location,
        participants=[_participant(a) for a in ATTENDANCE_ROWS.filter(meeting=meeting)]
        if minutes
        else [],
        status=STATUS_FROM_MODEL[Meeting.Status(meeting.status)],
    )
    if members is None:
        members = members_to_exchange(meeting.body_id, with_users=not public)
    if members:
        data["members"] = members
    if meeting.imported_from and meeting.source_checksum:
        data["source"] = {"name": meeting.imported_from, "checksum": meeting.source_checksum}
    items = []
    for item in _items_for(meeting, user, public=public):
        hidden = (item.closed and public) or not getattr(item, "content_visible", True)
        entry = (
            closed_item_to_exchange(item)
            if hidden
            else item_to_exchange(item, include_ids=include_ids, with_users=not public)
        )
        items.append(entry if minutes else agenda_only(entry))
    data["items"] = items
    return data


def meetings_to_exchange(
    meetings: QuerySet[Meeting], *, user: AnyUser | None = None, public: bool = False
) -> dict[str, Any]:
    """The meetings in the exchange format. `public=True` keeps only published meetings and
    reduces every closed item: what anyone may have."""
    if public:
        meetings = public_meetings(meetings)
    members: dict[int, list[dict[str, Any]]] = {}
    out = []
    for meeting in meetings.select_related("body").order_by("starts_at", "body__name"):
        if meeting.body_id not in members:
            members[meeting.body_id] = members_to_exchange(meeting.body_id, with_users=not public)
        out.append(
            meeting_to_exchange(meeting, user=user, public=public, members=members[meeting.body_id])
        )
    return {"format": FORMAT, "meetings": out}
