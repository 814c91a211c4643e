"""State changes of the political protocol: who took part in an item, votes, a member's
protokoltilførsel or a minority's mindretalsudtalelse, a closed item's public decision, and
additions (tilføjelser) to signed minutes.

- Participation, votes and the public decision are the secretary's, while the item takes edits
  (meetings/locks.py): once the members have approved the item they are locked with it.
- A remark is the member's own: written by the member, before the item is approved.
- After the item is approved nothing is edited; a correction is an addendum, which becomes part
  of the protocol when every member who signed the item has approved it.

Every function takes the acting user as `actor`, checks who acts and refuses bad input with a
Danish message (InvalidInput), changing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pghistory
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.access import require_editor
from meetings.errors import DomainError, InvalidInput, NotAllowed
from meetings.locks import ensure_item_editable, ensure_meeting_editable, locked_edits_refused
from meetings.models import (
    REMARK_MAX_LENGTH,
    Addendum,
    AddendumApproval,
    AgendaItem,
    Ballot,
    Decision,
    ItemParticipation,
    Meeting,
    Membership,
    Party,
    Remark,
    Vote,
)
from meetings.selectors.protocol import item_roll, item_signers, member_label, seated_at_meeting
from meetings.services._common import Actor, lock_meeting

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- who took part ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceInput:
    member_id: int
    kind: str = ItemParticipation.Kind.ABSENT
    note: str = ""


@dataclass(frozen=True)
class SubstituteInput:
    member_id: int
    for_member_id: int


def _members_of(meeting: Meeting, ids: Iterable[int]) -> dict[int, Membership]:
    wanted = set(ids)
    found = {
        m.pk: m
        for m in Membership.objects.filter(body_id=meeting.body_id, pk__in=wanted).select_related(
            "user", "party"
        )
    }
    unknown = sorted(wanted - found.keys())
    if unknown:
        raise InvalidInput(
            _("Medlem nr. %(ids)s er ikke medlem af %(body)s.")
            % {"ids": ", ".join(map(str, unknown)), "body": meeting.body.name}
        )
    return found


def _editable_item(actor: Actor, item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    meeting = lock_meeting(item.meeting_id)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    ensure_item_editable(item)
    return meeting, AgendaItem.objects.select_related("meeting").get(pk=item.pk)


@locked_edits_refused()
@transaction.atomic
def item_participation_set(
    *,
    actor: Actor,
    item: AgendaItem,
    absent: Sequence[AbsenceInput],
    substitutes: Sequence[SubstituteInput] = (),
) -> None:
    """Replace who did not take part in the item (fraværende, or inhabil with the body's
    reason) and who took a seat for it. Only the secretary, while the item takes edits.

    Refused when a member is named twice, an inhabil member has no reason, a substitute takes
    the seat of someone not at the meeting, or a vote already recorded on the item counts a
    member who would no longer have taken part (delete the vote first)."""
    meeting, item = _editable_item(actor, item)
    ids = [a.member_id for a in absent] + [s.member_id for s in substitutes]
    members = _members_of(meeting, ids + [s.for_member_id for s in substitutes])
    if len(ids) != len(set(ids)):
        twice = sorted({members[i].display_name for i in ids if ids.count(i) > 1})
        raise InvalidInput(_("%(names)s er nævnt mere end én gang.") % {"names": ", ".join(twice)})
    seated = {m.pk for m in seated_at_meeting(meeting)}
    rows = []
    for entry in absent:
        if entry.kind not in (ItemParticipation.Kind.ABSENT, ItemParticipation.Kind.DISQUALIFIED):
            raise InvalidInput(_("Fravær skal være »fraværende« eller »inhabil«."))
        note = entry.note.strip()
        if entry.kind == ItemParticipation.Kind.DISQUALIFIED and not note:
            raise InvalidInput(
                _("Angiv kort, hvorfor %(name)s er inhabil (forvaltningslovens § 3).")
                % {"name": members[entry.member_id].display_name}
            )
        if len(note) > 500:
            raise InvalidInput(_("Bemærkningen må højst være 500 tegn."))
        rows.append(
            ItemParticipation(item=item, member_id=entry.member_id, kind=entry.kind, note=note)
        )
    for sub in substitutes:
        if sub.for_member_id not in seated:
            raise InvalidInput(
                _("%(name)s deltog ikke i mødet, så ingen kan tage pladsen.")
                % {"name": members[sub.for_member_id].display_name}
            )
        if sub.member_id in seated:
            raise InvalidInput(
                _("%(name)s deltog allerede i mødet og kan ikke også være stedfortræder.")
                % {"name": members[sub.member_id].display_name}
            )
        rows.append(
            ItemParticipation(
                item=item,
                member_id=sub.member_id,
                kind=ItemParticipation.Kind.SUBSTITUTE,
                substitute_for_id=sub.for_member_id,
            )
        )
    with pghistory.context(user=actor.pk, service="item_participation_set"):
        ItemParticipation.objects.filter(item=item).delete()
        ItemParticipation.objects.bulk_create(rows)
        roll = item_roll(item, seated=seated_at_meeting(meeting))
        _check_votes_still_fit(item, roll.present_ids)


def _check_votes_still_fit(item: AgendaItem, present: set[int]) -> None:
    for vote in Vote.objects.filter(item=item).prefetch_related("ballots__member"):
        strays = [b.member.display_name for b in vote.ballots.all() if b.member_id not in present]
        if strays:
            raise InvalidInput(
                _(
                    "Afstemning %(n)s tæller %(names)s, som så ikke deltog i behandlingen. "
                    "Slet afstemningen først, og registrér den igen."
                )
                % {"n": vote.position, "names": ", ".join(sorted(strays))}
            )


@locked_edits_refused()
@transaction.atomic
def member_absent_from_items(
    *,
    actor: Actor,
    meeting: Meeting,
    member_id: int,
    numbers: Iterable[int],
    note: str = "",
) -> list[int]:
    """Quick entry: the member did not take part in the items with these numbers ("forlod
    mødet efter punkt 6" is every number after 6). Items where the member is already recorded
    keep their record; locked items are left alone and named in the refusal. Returns the
    numbers set."""
    meeting = lock_meeting(meeting.pk)
    require_editor(actor, meeting.body)
    ensure_meeting_editable(meeting)
    member = _members_of(meeting, [member_id])[member_id]
    wanted = sorted(set(numbers))
    items = list(
        AgendaItem.objects.filter(meeting=meeting, number__in=wanted)
        .select_related("decision")
        .order_by("number")
    )
    locked = [i.number for i in items if getattr(_decision(i), "locked", False)]
    if locked:
        raise InvalidInput(
            _("Punkt %(numbers)s er godkendt og låst.") % {"numbers": ", ".join(map(str, locked))}
        )
    taken = set(
        ItemParticipation.objects.filter(item__in=items, member=member).values_list(
            "item_id", flat=True
        )
    )
    rows = [
        ItemParticipation(
            item=i, member=member, kind=ItemParticipation.Kind.ABSENT, note=note.strip()[:500]
        )
        for i in items
        if i.pk not in taken
    ]
    with pghistory.context(user=actor.pk, service="member_absent_from_items"):
        ItemParticipation.objects.bulk_create(rows)
        seated = seated_at_meeting(meeting)
        for i in items:
            _check_votes_still_fit(i, item_roll(i, seated=seated).present_ids)
    return [i.number for i in items if i.pk not in taken]


def _decision(item: AgendaItem) -> Decision | None:
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


# --- votes -----------------------------------------------------------------------------------

CHOICE_WORDS = {
    "for": Ballot.Choice.FOR,
    "imod": Ballot.Choice.AGAINST,
    "undlod": Ballot.Choice.ABSTAIN,
    "undlader": Ballot.Choice.ABSTAIN,
    "hverken for eller imod": Ballot.Choice.ABSTAIN,
}
_PARTY_PHRASE = re.compile(
    r"^(?P<parties>.+?)\s+(?:stemte\s+)?"
    r"(?P<choice>hverken for eller imod|for|imod|undlod|undlader)$",
    re.IGNORECASE,
)


def parse_party_vote(text: str) -> dict[str, str]:
    """ "A og V for, Ø imod, F undlod" → {"A": "for", "V": "for", "Ø": "imod", "F": "undlod"}.
    A list of parties may run over commas ("A, V og C for"). Raises InvalidInput naming the
    part it cannot read."""
    result: dict[str, str] = {}
    pending: list[str] = []  # letters listed before the part that gives their choice
    pending_text = ""
    for part in re.split(r"[,;.\n]+", text):
        part = part.strip()
        if not part:
            continue
        match = _PARTY_PHRASE.match(part)
        if not match:
            letters = _party_letters(part)
            if letters and all(_LETTER.match(letter) for letter in letters):
                pending += letters
                pending_text = f"{pending_text}, {part}" if pending_text else part
                continue
            raise InvalidInput(
                _("»%(part)s« kan ikke læses. Skriv fx »A og V for, Ø imod«.") % {"part": part}
            )
        choice = CHOICE_WORDS[match["choice"].casefold()]
        for letter in [*pending, *_party_letters(match["parties"])]:
            if letter.upper() in result and result[letter.upper()] != choice:
                raise InvalidInput(
                    _("Parti %(letter)s står både som %(a)s og %(b)s.")
                    % {
                        "letter": letter.upper(),
                        "a": Ballot.Choice(result[letter.upper()]).label,
                        "b": Ballot.Choice(choice).label,
                    }
                )
            result[letter.upper()] = choice
        pending, pending_text = [], ""
    if pending:
        raise InvalidInput(
            _("»%(part)s« kan ikke læses: skriv, hvad partiet stemte, fx »A for«.")
            % {"part": pending_text}
        )
    return result


_LETTER = re.compile(r"^[^\W\d_]{1,3}$")


def _party_letters(text: str) -> list[str]:
    return [
        letter.strip() for letter in re.split(r"\s*(?:\bog\b|\+|&|/|\s)\s*", text) if letter.strip()
    ]


def ballots_by_party(
    present: Sequence[Membership],
    party_choices: Mapping[str, str],
    exceptions: Mapping[int, str] | None = None,
) -> dict[str, list[int]]:
    """Expand a vote entered by party ("A og V for, Ø imod") with exceptions per member to the
    member ids of each choice, over the members who took part. A present member whose party has
    no choice and who has no exception is an error, as is a party letter no one present has,
    or a choice other than for, imod and undlod. An exception for a member who did not take
    part is kept in its choice, so that vote_record refuses it by name rather than dropping it
    unseen."""
    exceptions = exceptions or {}
    party_choices = {letter.strip().upper(): choice for letter, choice in party_choices.items()}
    bad = [
        c for c in [*party_choices.values(), *exceptions.values()] if c not in Ballot.Choice.values
    ]
    if bad:
        raise InvalidInput(
            _("»%(choice)s« er ikke en stemme. Brug for, imod eller undlod.") % {"choice": bad[0]}
        )
    letters_present = {m.party_letter.upper() for m in present if m.party_letter}
    unknown = sorted(set(party_choices) - letters_present)
    if unknown:
        raise InvalidInput(
            _("Ingen fra parti %(letters)s deltog i behandlingen.")
            % {"letters": ", ".join(unknown)}
        )
    out: dict[str, list[int]] = {c.value: [] for c in Ballot.Choice}
    missing = []
    for member in present:
        choice = exceptions.get(member.pk) or party_choices.get(member.party_letter.upper())
        if choice is None:
            missing.append(member_label(member))
            continue
        out[choice].append(member.pk)
    if missing:
        raise InvalidInput(
            _("Der mangler en stemme fra %(names)s.") % {"names": ", ".join(missing)}
        )
    present_ids = {m.pk for m in present}
    for member_id, choice in exceptions.items():
        if member_id not in present_ids:
            out[choice].append(member_id)
    return out


@locked_edits_refused()
@transaction.atomic
def vote_record(
    *,
    actor: Actor,
    item: AgendaItem,
    question: str,
    for_ids: Sequence[int],
    against_ids: Sequence[int],
    abstain_ids: Sequence[int],
) -> Vote:
    """Record a named vote on the item, after the item's earlier votes. Only the secretary,
    while the item takes edits (closed items too).

    Every member who took part in the item votes exactly once: a member voting twice, a member
    who was absent or inhabil, or a count that leaves out someone present is refused, naming
    them, and nothing is recorded."""
    meeting, item = _editable_item(actor, item)
    question = question.strip()
    if not question:
        raise InvalidInput(_("Skriv, hvad der stemmes om."))
    if len(question) > 2000:
        raise InvalidInput(_("Teksten om afstemningen må højst være 2.000 tegn."))
    choices = {
        Ballot.Choice.FOR: list(for_ids),
        Ballot.Choice.AGAINST: list(against_ids),
        Ballot.Choice.ABSTAIN: list(abstain_ids),
    }
    everyone = [i for ids in choices.values() for i in ids]
    if not everyone:
        raise InvalidInput(_("Afstemningen har ingen stemmer."))
    members = _members_of(meeting, everyone)
    twice = sorted({members[i].display_name for i in everyone if everyone.count(i) > 1})
    if twice:
        raise InvalidInput(_("%(names)s har stemt mere end én gang.") % {"names": ", ".join(twice)})
    roll = item_roll(item, seated=seated_at_meeting(meeting))
    absent = {a.member.pk: a for a in roll.absent}
    not_there = []
    for member_id in everyone:
        if member_id in roll.present_ids:
            continue
        member = members[member_id]
        if member_id in absent:
            reason = absent[member_id].kind_label.lower()
            not_there.append(f"{member_label(member)} ({reason})")
        else:
            not_there.append(f"{member_label(member)} ({_('ikke til stede')})")
    if not_there:
        raise InvalidInput(
            _("%(names)s deltog ikke i behandlingen af punkt %(n)s og kan ikke stemme.")
            % {"names": ", ".join(not_there), "n": item.number}
        )
    left_out = [member_label(m) for m in roll.present if m.pk not in set(everyone)]
    if left_out:
        raise InvalidInput(
            _(
                "Stemmerne passer ikke med de %(count)s, der deltog i behandlingen: "
                "der mangler en stemme fra %(names)s."
            )
            % {"count": len(roll.present), "names": ", ".join(left_out)}
        )
    position = (Vote.objects.filter(item=item).aggregate(m=Max("position"))["m"] or 0) + 1
    with pghistory.context(user=actor.pk, service="vote_record"):
        vote = Vote.objects.create(
            item=item,
            position=position,
            question=question,
            created_by=actor if actor.is_authenticated else None,
        )
        Ballot.objects.bulk_create(
            Ballot(vote=vote, member_id=member_id, choice=choice)
            for choice, ids in choices.items()
            for member_id in ids
        )
    return vote


@locked_edits_refused()
@transaction.atomic
def vote_record_by_party(
    *,
    actor: Actor,
    item: AgendaItem,
    question: str,
    parties: Mapping[str, str] | str,
    exceptions: Mapping[int, str] | None = None,
) -> Vote:
    """Record a vote entered by party — {"A": "for", "Ø": "imod"} or the minutes' way of
    writing it, "A og V for, Ø imod" — with exceptions per member, over the members who took
    part in the item as they stand under the meeting's lock. The same rights and checks as
    vote_record; a party letter that names no party is refused with the known letters."""
    meeting, item = _editable_item(actor, item)
    choices = parse_party_vote(parties) if isinstance(parties, str) else dict(parties)
    known = {p.upper(): p for p in Party.objects.values_list("letter", flat=True)}
    unknown = sorted({letter.strip().upper() for letter in choices} - set(known))
    if unknown:
        raise InvalidInput(
            _("Partiet %(letters)s findes ikke. Kendte partier: %(known)s.")
            % {"letters": ", ".join(unknown), "known": ", ".join(sorted(known.values())) or "–"}
        )
    roll = item_roll(item, seated=seated_at_meeting(meeting))
    ballots = ballots_by_party(roll.present, choices, exceptions)
    return vote_record(
        actor=actor,
        item=item,
        question=question,
        for_ids=ballots[Ballot.Choice.FOR],
        against_ids=ballots[Ballot.Choice.AGAINST],
        abstain_ids=ballots[Ballot.Choice.ABSTAIN],
    )


@locked_edits_refused()
@transaction.atomic
def vote_delete(*, actor: Actor, vote: Vote) -> None:
    """Delete a vote while the item takes edits; the later votes keep their order."""
    _editable_item(actor, vote.item)
    with pghistory.context(user=actor.pk, service="vote_delete"):
        vote.delete()


# --- remarks ---------------------------------------------------------------------------------


def _own_seat(actor: Actor, meeting: Meeting) -> Membership:
    seat = (
        Membership.objects.filter(body_id=meeting.body_id, user_id=actor.pk)
        .exclude(role=Membership.Role.SECRETARY)
        .select_related("party", "user")
        .first()
        if actor.is_authenticated
        else None
    )
    if seat is None:
        raise NotAllowed(
            _("Kun organets medlemmer kan selv skrive en protokoltilførsel eller en udtalelse.")
        )
    return seat


@locked_edits_refused()
@transaction.atomic
def remark_save(*, actor: User, item: AgendaItem, kind: str, text: str) -> Remark:
    """The acting member's protokoltilførsel (or mindretalsudtalelse) on the item, written by
    the member alone, before the item is approved; saving again replaces the member's text.

    A protokoltilførsel needs that the member took part in the item. The text is plain, at most
    REMARK_MAX_LENGTH characters; an empty or longer text is refused with its length."""
    meeting = lock_meeting(item.meeting_id)
    if kind not in Remark.Kind.values:
        raise InvalidInput(_("Vælg protokoltilførsel eller mindretalsudtalelse."))
    seat = _own_seat(actor, meeting)
    ensure_meeting_editable(meeting)
    ensure_item_editable(item)
    text = text.strip()
    if not text:
        raise InvalidInput(_("Skriv teksten."))
    if len(text) > REMARK_MAX_LENGTH:
        raise InvalidInput(
            _("Teksten må højst være %(max)s tegn; den er %(length)s. Forkort den.")
            % {
                "max": f"{REMARK_MAX_LENGTH:,}".replace(",", "."),
                "length": f"{len(text):,}".replace(",", "."),
            }
        )
    if kind == Remark.Kind.DISSENT:
        roll = item_roll(item, seated=seated_at_meeting(meeting))
        if seat.pk not in roll.present_ids:
            raise NotAllowed(
                _(
                    "Du deltog ikke i behandlingen af punkt %(n)s og kan ikke få noget ført "
                    "til protokol om det."
                )
                % {"n": item.number}
            )
    with pghistory.context(user=actor.pk, service="remark_save"):
        remark, _created = Remark.objects.update_or_create(
            item=item,
            kind=kind,
            member=seat,
            defaults={"text": text, "created_by": actor},
        )
    return remark


@locked_edits_refused()
@transaction.atomic
def remark_delete(*, actor: Actor, remark: Remark) -> None:
    """The member withdraws their own remark, before the item is approved."""
    meeting = lock_meeting(remark.item.meeting_id)
    seat = _own_seat(actor, meeting)
    if remark.member_id != seat.pk:
        raise NotAllowed(_("Kun medlemmet selv kan trække sin tekst tilbage."))
    ensure_meeting_editable(meeting)
    ensure_item_editable(remark.item_id)
    with pghistory.context(user=actor.pk, service="remark_delete"):
        remark.delete()


# --- a closed item's public decision ---------------------------------------------------------


@locked_edits_refused()
@transaction.atomic
def public_decision_set(*, actor: Actor, item: AgendaItem, text: str) -> Decision:
    """What the public may read of a closed item's decision. Only the secretary, while the item
    takes edits; only for closed items."""
    _meeting, item = _editable_item(actor, item)
    if not item.closed:
        raise InvalidInput(
            _(
                "Kun et lukket punkt har en særskilt offentlig beslutning; her er hele punktet "
                "offentligt."
            )
        )
    text = text.strip()
    if len(text) > 5000:
        raise InvalidInput(_("Den offentlige beslutning må højst være 5.000 tegn."))
    with pghistory.context(user=actor.pk, service="public_decision_set"):
        decision, _created = Decision.objects.get_or_create(item=item)
        decision.public_text = text
        decision.save(update_fields=["public_text"])
    return decision


# --- additions to signed minutes -------------------------------------------------------------


def addendum_signers(item: AgendaItem) -> list[int]:
    """The users who signed the item: its approvals in the round that locked it."""
    return [user.pk for user in item_signers(item)]


@transaction.atomic
def addendum_add(*, actor: User, item: AgendaItem, text: str, reason: str) -> Addendum:
    """Append a correction (tilføjelse) to an approved item, leaving its text as it is. Only the
    secretary. Before the item is approved the text itself is corrected instead, so an addition
    then is refused."""
    meeting = lock_meeting(item.meeting_id)
    require_editor(actor, meeting.body)
    signers = addendum_signers(item)
    if not signers:
        raise DomainError(
            _(
                "Punkt %(n)s er ikke godkendt endnu. Ret teksten direkte; en tilføjelse "
                "bruges først, når medlemmerne har godkendt punktet."
            )
            % {"n": item.number}
        )
    text, reason = text.strip(), reason.strip()
    errors = []
    if not text:
        errors.append(_("Skriv tilføjelsen."))
    if not reason:
        errors.append(_("Skriv, hvorfor der tilføjes noget."))
    if len(text) > 10000 or len(reason) > 2000:
        errors.append(_("Tilføjelsen må højst være 10.000 tegn og begrundelsen 2.000."))
    if errors:
        raise InvalidInput(" ".join(errors))
    with pghistory.context(user=actor.pk, service="addendum_add"):
        return Addendum.objects.create(item=item, text=text, reason=reason, created_by=actor)


@transaction.atomic
def addendum_approve(*, actor: User, addendum: Addendum) -> Addendum:
    """A member who signed the item approves the addition; when the last of them has, the
    addition is part of the protocol (approved_at). Approving twice is harmless."""
    addendum = Addendum.objects.select_for_update().select_related("item").get(pk=addendum.pk)
    signers = addendum_signers(addendum.item)
    if actor.pk not in signers:
        raise NotAllowed(_("Kun de medlemmer, der godkendte punktet, godkender tilføjelsen."))
    with pghistory.context(user=actor.pk, service="addendum_approve"):
        AddendumApproval.objects.get_or_create(addendum=addendum, reviewer=actor)
        approved = set(addendum.approvals.values_list("reviewer_id", flat=True))
        if addendum.approved_at is None and set(signers) <= approved:
            addendum.approved_at = timezone.now()
            addendum.save(update_fields=["approved_at"])
    return addendum
