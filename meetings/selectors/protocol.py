"""Reading the political protocol (beslutningsprotokol): who sat at a meeting and took part in
each item, how each vote went, and the lines the minutes print for them.

The tally and result of a vote are computed here from the ballots, never stored. Callers must
have checked that the user may see the item (meetings/access.py); a closed item's votes and
participation are its content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from meetings.models import (
    Addendum,
    AddendumApproval,
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    ItemParticipation,
    Meeting,
    Membership,
    Remark,
    Vote,
)
from meetings.selectors.review import ReviewPart, register_review_part

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


def item_roll(item: AgendaItem, *, seated: Sequence[Membership] | None = None) -> ItemRoll:
    """Who took part in the item, from the meeting's attendance and the item's participation.
    `seated` (seated_at_meeting of the item's meeting) saves a query per item of a meeting."""
    if seated is None:
        seated = seated_at_meeting(item.meeting)
    rows = list(
        ItemParticipation.objects.filter(item=item).select_related(
            "member__user", "member__party", "substitute_for__user", "substitute_for__party"
        )
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
    tally = vote_tally(vote)

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
    """Prefetch what the protocol of each item reads (participation, votes with ballots,
    remarks, addenda with their author and approvals)."""
    return items.prefetch_related(
        Prefetch(
            "participations",
            queryset=ItemParticipation.objects.select_related(
                "member__user", "member__party", "substitute_for__user", "substitute_for__party"
            ),
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
