"""Reading the political protocol (beslutningsprotokol): who sat at a meeting and took part in
each item, how each vote went, and the lines the minutes print for them.

The tally and result of a vote are computed here from the ballots, never stored. Callers must
have checked that the user may see the item (meetings/access.py); a closed item's votes and
participation are its content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    Addendum,
    AddendumApproval,
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    DecisionApproval,
    ItemParticipation,
    Meeting,
    Membership,
    Remark,
    Vote,
)
from meetings.selectors.review import ReviewPart, register_review_part

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from meetings.models import AnyUser

# The roles that hold a seat and vote; the secretary keeps the protocol but has no vote.
SEATED_ROLES = (
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.MEMBER,
    Membership.Role.SUBSTITUTE,
)


def member_label(member: Membership) -> str:
    """ "Anne Hansen (A)": the name and, when there is one, the party letter."""
    letter = member.party_letter
    return f"{member.display_name} ({letter})" if letter else member.display_name


def body_members(body_id: int) -> list[Membership]:
    """The body's seats, in the body's order, with their users and parties."""
    return list(
        Membership.objects.filter(body_id=body_id)
        .select_related("user", "party")
        .order_by("position", "pk")
    )


def seated_at_meeting(meeting: Meeting) -> list[Membership]:
    """The members who sat at the meeting: those recorded present (a substitute in the seat of
    the member who sent afbud), or — when the attendance names no member — every member whose
    seat covers the meeting's date. Never the secretary."""
    recorded = list(
        Attendance.objects.filter(meeting=meeting, member__isnull=False).select_related(
            "member__user", "member__party"
        )
    )
    if recorded:
        members = [a.member for a in recorded if a.present and a.member is not None]
    else:
        day = meeting.starts_at.date()
        members = [m for m in body_members(meeting.body_id) if m.serves_on(day)]
        members = [m for m in members if m.role != Membership.Role.SUBSTITUTE]
    return [m for m in members if m.role in SEATED_ROLES]


@dataclass(frozen=True)
class Absence:
    member: Membership
    kind: str  # ItemParticipation.Kind.ABSENT or DISQUALIFIED
    note: str

    @property
    def kind_label(self) -> str:
        return str(ItemParticipation.Kind(self.kind).label)


@dataclass(frozen=True)
class Substitution:
    member: Membership
    substitute_for: Membership


@dataclass
class ItemRoll:
    """Who took part in one item: `present` vote; `absent` did not (fraværende or inhabil);
    `substitutions` took a seat for the item."""

    present: list[Membership] = field(default_factory=list)
    absent: list[Absence] = field(default_factory=list)
    substitutions: list[Substitution] = field(default_factory=list)

    @property
    def present_ids(self) -> set[int]:
        return {m.pk for m in self.present}


PARTICIPATION_RELATIONS = (
    "member__user",
    "member__party",
    "substitute_for__user",
    "substitute_for__party",
)


def item_roll(item: AgendaItem, *, seated: Sequence[Membership] | None = None) -> ItemRoll:
    """Who took part in the item, from the meeting's attendance and the item's participation.
    `seated` (seated_at_meeting of the item's meeting) saves a query per item of a meeting."""
    if seated is None:
        seated = seated_at_meeting(item.meeting)
    prefetched = getattr(item, "_prefetched_objects_cache", {}).get("participations")
    if prefetched is not None:  # items_with_protocol fetched them for a whole meeting
        rows = sorted(prefetched, key=lambda r: r.pk)
    else:
        rows = list(
            ItemParticipation.objects.filter(item=item).select_related(*PARTICIPATION_RELATIONS)
        )
    out = {r.member_id for r in rows if r.kind != ItemParticipation.Kind.SUBSTITUTE}
    out |= {
        r.substitute_for_id
        for r in rows
        if r.kind == ItemParticipation.Kind.SUBSTITUTE and r.substitute_for_id is not None
    }
    roll = ItemRoll()
    roll.present = [m for m in seated if m.pk not in out]
    seen = roll.present_ids
    for row in rows:
        if row.kind == ItemParticipation.Kind.SUBSTITUTE and row.substitute_for is not None:
            roll.substitutions.append(Substitution(row.member, row.substitute_for))
            if row.member_id not in seen:
                roll.present.append(row.member)
                seen.add(row.member_id)
        else:
            roll.absent.append(Absence(row.member, row.kind, row.note))
    return roll


@dataclass(frozen=True)
class Tally:
    """The count of a vote, by choice, with the members and their parties."""

    voters: dict[str, list[Membership]]

    def count(self, choice: str) -> int:
        return len(self.voters.get(choice, []))

    @property
    def adopted(self) -> bool:
        """Vedtaget when more voted for than against; a tie falls (the proposal is not carried)."""
        return self.count(Ballot.Choice.FOR) > self.count(Ballot.Choice.AGAINST)

    @property
    def result_label(self) -> str:
        return _("vedtaget") if self.adopted else _("forkastet")

    def by_party(self, choice: str) -> list[tuple[str, int]]:
        """[("A", 5), ("V", 3)]: the party letters and counts of one choice, members without
        a party by name."""
        counts: dict[str, int] = {}
        for member in self.voters.get(choice, []):
            key = member.party_letter or member.display_name
            counts[key] = counts.get(key, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def as_json(self) -> dict[str, Any]:
        return {
            choice.value: {
                "count": self.count(choice),
                "members": [m.pk for m in self.voters.get(choice, [])],
                "parties": dict(self.by_party(choice)),
            }
            for choice in Ballot.Choice
        }


def vote_tally(vote: Vote) -> Tally:
    voters: dict[str, list[Membership]] = {c.value: [] for c in Ballot.Choice}
    for ballot in vote.ballots.all():
        voters[ballot.choice].append(ballot.member)
    return Tally(voters)


def vote_sentence(vote: Vote) -> str:
    """The vote as the minutes print it: "For stemte: A (5), V (3). Imod stemte: Ø (2).
    Undlod: –. Forslaget blev vedtaget." """
    return tally_sentence(vote_tally(vote))


def tally_sentence(tally: Tally) -> str:
    """A tally as the minutes print it (see vote_sentence)."""

    def listed(choice: str) -> str:
        parts = tally.by_party(choice)
        return ", ".join(f"{key} ({count})" for key, count in parts) if parts else "–"

    return _(
        "For stemte: %(for)s. Imod stemte: %(against)s. Undlod: %(abstain)s. "
        "Forslaget blev %(result)s."
    ) % {
        "for": listed(Ballot.Choice.FOR),
        "against": listed(Ballot.Choice.AGAINST),
        "abstain": listed(Ballot.Choice.ABSTAIN),
        "result": tally.result_label,
    }


def absence_sentence(absence: Absence) -> str:
    """ "Anne Hansen (A) deltog ikke i behandlingen af punktet (inhabil: ejer naboejendommen).\""""
    reason = absence.kind_label.lower()
    if absence.note:
        reason = f"{reason}: {absence.note}"
    return _("%(member)s deltog ikke i behandlingen af punktet (%(reason)s).") % {
        "member": member_label(absence.member),
        "reason": reason,
    }


def substitution_sentence(sub: Substitution) -> str:
    return _("%(member)s deltog som stedfortræder for %(seat)s.") % {
        "member": member_label(sub.member),
        "seat": member_label(sub.substitute_for),
    }


def items_with_protocol(items: QuerySet[AgendaItem]) -> QuerySet[AgendaItem]:
    """Prefetch what the protocol of each item reads (who did not take part, votes with
    ballots, remarks, addenda), so that a meeting's protocol costs the same few queries
    whatever its number of items."""
    return items.prefetch_related(
        Prefetch(
            "participations",
            queryset=ItemParticipation.objects.select_related(*PARTICIPATION_RELATIONS),
        ),
        Prefetch(
            "votes",
            queryset=Vote.objects.order_by("position").prefetch_related(
                Prefetch(
                    "ballots",
                    queryset=Ballot.objects.select_related("member__user", "member__party"),
                )
            ),
        ),
        Prefetch(
            "remarks",
            queryset=Remark.objects.select_related("member__user", "member__party"),
        ),
        Prefetch(
            "addenda",
            queryset=Addendum.objects.select_related("created_by").prefetch_related(
                Prefetch(
                    "approvals",
                    queryset=AddendumApproval.objects.select_related("reviewer").order_by(
                        "created_at", "pk"
                    ),
                )
            ),
        ),
    )


def public_decision(item: AgendaItem) -> str:
    """A closed item's public decision text ('' when there is none)."""
    try:
        decision: Decision | None = item.decision
    except Decision.DoesNotExist:
        decision = None
    return decision.public_text if decision is not None else ""


def closed_items_lacking_public_decision(meeting: Meeting) -> list[int]:
    """Numbers of the meeting's closed items that have no public decision text yet."""
    return list(
        AgendaItem.objects.filter(meeting=meeting, closed=True)
        .filter(Q(decision__isnull=True) | Q(decision__public_text=""))
        .order_by("number")
        .values_list("number", flat=True)
    )


# --- the protocol as the minutes print it ----------------------------------------------------


def attendance_label(attendance: Attendance) -> str:
    """A line of Mødedeltagere: "Bo Jensen (F, stedfortræder for Anne Hansen)", "Mette Lund
    (A, formand)", "René Hasly (it-chef)"; an ordinary member by name and party alone."""
    extras = []
    member = attendance.member
    if member is not None and member.party_letter:
        extras.append(member.party_letter)
    if attendance.substitute_for is not None:
        extras.append(
            _("stedfortræder for %(name)s") % {"name": attendance.substitute_for.display_name}
        )
    elif attendance.role and attendance.role != Membership.Role.MEMBER:
        extras.append(attendance.role)
    return f"{attendance.name} ({', '.join(extras)})" if extras else attendance.name


def meeting_attendances(meeting: Meeting) -> list[Attendance]:
    """The meeting's attendance lines, in order, with the seats they name."""
    return list(
        meeting.attendances.select_related(
            "member__user", "member__party", "substitute_for__user", "substitute_for__party"
        )
    )


def item_signers(item: AgendaItem) -> list[User]:
    """The members who signed the item: the approvals of the round that locked its decision
    (none while it is not locked). They approve an addition to it."""
    try:
        decision: Decision | None = item.decision
    except Decision.DoesNotExist:
        decision = None
    if decision is None or not decision.locked:
        return []
    approvals = DecisionApproval.objects.filter(
        decision=decision,
        round=decision.review_round,
        status=DecisionApproval.Status.APPROVED,
    ).select_related("reviewer")
    return sorted((a.reviewer for a in approvals), key=lambda u: u.pk)


@dataclass(frozen=True)
class PrintedVote:
    vote: Vote
    tally: Tally
    sentence: str


@dataclass(frozen=True)
class PrintedRemark:
    remark: Remark
    member: str  # "Anne Hansen (A)"


@dataclass(frozen=True)
class PrintedAddendum:
    addendum: Addendum
    heading: str  # "Tilføjelse af 14-12-2026"
    by: str
    approved: bool


@dataclass
class PrintedProtocol:
    """What the minutes print under an item's decision: who did not take part, substitutes,
    each vote, protokoltilførsler, mindretalsudtalelser and additions."""

    roll: ItemRoll = field(default_factory=ItemRoll)
    absences: list[str] = field(default_factory=list)
    substitutions: list[str] = field(default_factory=list)
    votes: list[PrintedVote] = field(default_factory=list)
    dissents: list[PrintedRemark] = field(default_factory=list)
    minority: list[PrintedRemark] = field(default_factory=list)
    addenda: list[PrintedAddendum] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.absences
            or self.substitutions
            or self.votes
            or self.dissents
            or self.minority
            or self.addenda
        )


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def addendum_heading(addendum: Addendum) -> str:
    return _("Tilføjelse af %(date)s") % {
        "date": timezone.localtime(addendum.created_at).strftime("%d-%m-%Y")
    }


def printed_protocol(
    item: AgendaItem, *, seated: Sequence[Membership], with_pending: bool
) -> PrintedProtocol:
    """The item's protocol as printed. Additions awaiting the signers' approval only
    `with_pending` (for the body's own members and secretary). Reads the relations that
    items_with_protocol prefetches; the caller has checked that the user may see the item."""
    roll = item_roll(item, seated=seated)
    printed = PrintedProtocol(
        roll=roll,
        absences=[absence_sentence(a) for a in roll.absent],
        substitutions=[substitution_sentence(s) for s in roll.substitutions],
    )
    for vote in sorted(item.votes.all(), key=lambda v: v.position):
        tally = vote_tally(vote)
        printed.votes.append(PrintedVote(vote, tally, tally_sentence(tally)))
    for remark in item.remarks.all():
        line = PrintedRemark(remark, member_label(remark.member))
        if remark.kind == Remark.Kind.DISSENT:
            printed.dissents.append(line)
        else:
            printed.minority.append(line)
    for addendum in item.addenda.all():
        approved = addendum.approved_at is not None
        if approved or with_pending:
            printed.addenda.append(
                PrintedAddendum(
                    addendum, addendum_heading(addendum), _user_name(addendum.created_by), approved
                )
            )
    return printed


def attach_protocol(items: Sequence[AgendaItem], meeting: Meeting, *, with_pending: bool) -> None:
    """Give each item whose content the reader may see (`content_visible`) its printed
    protocol as `item.protocol`; the others get none."""
    seated = seated_at_meeting(meeting)
    for item in items:
        visible = getattr(item, "content_visible", False)
        item.protocol = (  # type: ignore[attr-defined]
            printed_protocol(item, seated=seated, with_pending=with_pending) if visible else None
        )


def addenda_awaiting(user: AnyUser) -> list[Addendum]:
    """Additions that wait for the user's approval: the user signed the item (in the round
    that locked it) and has not yet approved the addition. Only items the user may see."""
    if not user.is_authenticated or not user.is_active:
        return []
    signed = DecisionApproval.objects.filter(
        decision__item=OuterRef("item"),
        decision__locked=True,
        round=F("decision__review_round"),
        status=DecisionApproval.Status.APPROVED,
        reviewer=user,
    )
    return list(
        Addendum.objects.filter(
            approved_at__isnull=True, item__in=AgendaItem.objects.minutes_visible_to(user)
        )
        .filter(Exists(signed))
        .exclude(approvals__reviewer=user)
        .select_related("item__meeting__body", "created_by")
        .order_by("item__meeting__starts_at", "item__number", "created_at", "pk")
    )


# --- what the approval covers ----------------------------------------------------------------


def protocol_review_content(item: AgendaItem) -> dict[str, Any]:
    """The item's protocol as plain data for the approval's hash: public decision, who did not
    take part, votes, remarks. Empty for an item that has none, so its hash is unchanged."""
    content: dict[str, Any] = {}
    text = public_decision(item)
    if text:
        content["public_text"] = text
    rows = sorted(item.participations.all(), key=lambda r: r.pk)
    if rows:
        content["participation"] = [
            {
                "member": r.member.display_name,
                "kind": r.kind,
                "for": r.substitute_for.display_name if r.substitute_for else "",
                "note": r.note,
            }
            for r in rows
        ]
    votes = sorted(item.votes.all(), key=lambda v: v.position)
    if votes:
        content["votes"] = [
            {
                "question": v.question,
                "ballots": sorted((b.member.display_name, b.choice) for b in v.ballots.all()),
            }
            for v in votes
        ]
    remarks = sorted(item.remarks.all(), key=lambda r: r.pk)
    if remarks:
        content["remarks"] = [
            {"kind": r.kind, "member": r.member.display_name, "text": r.text} for r in remarks
        ]
    return content


def protocol_review_lines(content: dict[str, Any]) -> list[str]:
    """The protocol as a reviewer reads it in the diff."""
    lines: list[str] = []
    if content.get("public_text"):
        lines.append(f"[{_('Offentlig beslutning')}] {content['public_text']}")
    for row in content.get("participation", []):
        kind = str(ItemParticipation.Kind(row["kind"]).label)
        extra = f" {_('for')} {row['for']}" if row["for"] else ""
        note = f": {row['note']}" if row["note"] else ""
        lines.append(f"[{kind}] {row['member']}{extra}{note}")
    for vote in content.get("votes", []):
        lines.append(f"[{_('Afstemning')}] {vote['question']}")
        for name, choice in vote["ballots"]:
            lines.append(f"  {name}: {Ballot.Choice(choice).label}")
    for remark in content.get("remarks", []):
        kind = str(Remark.Kind(remark["kind"]).label)
        lines.append(f"[{kind}] {remark['member']}: {remark['text']}")
    return lines


PROTOCOL_REVIEW_PART = ReviewPart(
    key="protocol",
    content=protocol_review_content,
    lines=protocol_review_lines,
    prefetch=(
        "participations__member__user",
        "participations__substitute_for__user",
        "votes__ballots__member__user",
        "remarks__member__user",
    ),
)
register_review_part(PROTOCOL_REVIEW_PART)
