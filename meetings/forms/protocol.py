"""Reading the protocol's forms: who did not take part in an item, the quick entry of a member
who left or came, a vote entered by party with exceptions, a remark and an addition. They
parse and label; meetings/services/protocol.py decides and saves. A value that cannot be read
raises InvalidInput with a Danish message, so the view can show it beside what was typed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.ids import parse_id
from meetings.errors import InvalidInput
from meetings.models import Ballot, ItemParticipation, Membership, Party
from meetings.services.protocol import AbsenceInput, SubstituteInput, parse_party_vote

# How a seat took part in an item, as the participation form's select says.
PARTICIPATION_CHOICES = [
    ("", gettext_lazy("Deltog")),
    (ItemParticipation.Kind.ABSENT.value, gettext_lazy("Fraværende")),
    (ItemParticipation.Kind.DISQUALIFIED.value, gettext_lazy("Inhabil")),
]
BALLOT_CHOICES = [(c.value, c.label) for c in Ballot.Choice]
# At most this many substitutes for one item (a form with more rows is not ours).
MAX_SUBSTITUTE_ROWS = 50


def one_line_breaks(text: str) -> str:
    """A textarea's text with the line breaks a browser sends (CR LF) counted as one
    character, as the page's counter counts them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def participation_from_post(
    data: Mapping[str, Any], seated: Sequence[Membership]
) -> tuple[list[AbsenceInput], list[SubstituteInput]]:
    """`part-<seat>` (blank, fraværende or inhabil) with its `note-<seat>`, and the rows
    `sub-member-<n>` / `sub-for-<n>` of substitutes for the item."""
    absent = []
    for member in seated:
        kind = data.get(f"part-{member.pk}", "")
        if not kind:
            continue
        if kind not in (ItemParticipation.Kind.ABSENT, ItemParticipation.Kind.DISQUALIFIED):
            raise InvalidInput(_("Vælg deltog, fraværende eller inhabil."))
        absent.append(
            AbsenceInput(member_id=member.pk, kind=kind, note=data.get(f"note-{member.pk}", ""))
        )
    rows = substitute_rows(data)
    if any((member_id is None) != (seat_id is None) for member_id, seat_id in rows):
        raise InvalidInput(
            _("Vælg både stedfortræderen og det medlem, hvis plads stedfortræderen tager.")
        )
    substitutes = [
        SubstituteInput(member_id=member_id, for_member_id=seat_id)
        for member_id, seat_id in rows
        if member_id is not None and seat_id is not None
    ]
    return absent, substitutes


def substitute_rows(data: Mapping[str, Any]) -> list[tuple[int | None, int | None]]:
    """The substitute rows as typed (either half may be empty)."""
    rows = []
    for n in range(MAX_SUBSTITUTE_ROWS):
        member_raw = data.get(f"sub-member-{n}")
        seat_raw = data.get(f"sub-for-{n}")
        if member_raw is None and seat_raw is None:
            break
        rows.append((parse_id(member_raw), parse_id(seat_raw)))
    return rows


QUICK_MODES = [
    ("efter", gettext_lazy("forlod mødet efter punkt")),
    ("fra", gettext_lazy("kom under punkt (deltog fra og med punktet)")),
    ("punkter", gettext_lazy("deltog ikke i punkt … til og med punkt")),
]


@dataclass(frozen=True)
class QuickAbsence:
    member_id: int
    first: int  # the item number typed first
    numbers: list[int]


def quick_absence_from_post(
    data: Mapping[str, Any], seated: Sequence[Membership], numbers: Sequence[int]
) -> QuickAbsence:
    """ "X forlod mødet efter punkt 6": the items after 6; "X kom under punkt 3": the items
    before 3; "X deltog ikke i punkt 4 til 5": 4 and 5."""
    member_id = parse_id(data.get("quick-member"))
    if member_id is None or member_id not in {m.pk for m in seated}:
        raise InvalidInput(_("Vælg et af mødets deltagere."))
    mode = data.get("quick-mode", "")
    first = _item_number(data.get("quick-from", ""), numbers)
    if mode == "efter":
        chosen = [n for n in numbers if n > first]
        if not chosen:
            raise InvalidInput(
                _("Punkt %(n)s er mødets sidste punkt; der er ingen punkter efter det.")
                % {"n": first}
            )
    elif mode == "fra":
        chosen = [n for n in numbers if n < first]
        if not chosen:
            raise InvalidInput(
                _("Punkt %(n)s er mødets første punkt; der er ingen punkter før det.")
                % {"n": first}
            )
    elif mode == "punkter":
        last = _item_number(data.get("quick-to", "") or str(first), numbers)
        if last < first:
            raise InvalidInput(_("Det sidste punkt skal komme efter det første."))
        chosen = [n for n in numbers if first <= n <= last]
    else:
        raise InvalidInput(_("Vælg, om medlemmet gik, kom eller var væk i nogle punkter."))
    return QuickAbsence(member_id, first, chosen)


def _item_number(raw: str, numbers: Sequence[int]) -> int:
    raw = str(raw).strip()
    if not raw.isdigit() or int(raw) not in numbers:
        raise InvalidInput(
            _("»%(raw)s« er ikke et punkt på mødet. Mødet har punkt %(first)s til %(last)s.")
            % {"raw": raw, "first": min(numbers, default=0), "last": max(numbers, default=0)}
        )
    return int(raw)


@dataclass(frozen=True)
class VoteEntry:
    """A vote as typed: the question, each party's choice (by letter) and each member's
    exception from the party."""

    question: str
    party_choices: dict[str, str]
    exceptions: dict[int, str]


def vote_from_post(
    data: Mapping[str, Any], present: Sequence[Membership], parties: Sequence[Party]
) -> VoteEntry:
    """`party-<party id>` and `ballot-<seat>` selects (For/Imod/Undlod, or blank), and the
    text `vote-text` ("A og V for, Ø imod"), which adds to the selects."""
    valid = set(Ballot.Choice.values)
    choices: dict[str, str] = {}
    for party in parties:
        value = data.get(f"party-{party.pk}", "")
        if value:
            if value not in valid:
                raise InvalidInput(_("Vælg For, Imod eller Undlod."))
            choices[party.letter.upper()] = value
    for letter, value in parse_party_vote(data.get("vote-text", "")).items():
        if choices.get(letter, value) != value:
            raise InvalidInput(
                _("Parti %(letter)s står både som %(a)s og %(b)s.")
                % {
                    "letter": letter,
                    "a": Ballot.Choice(choices[letter]).label,
                    "b": Ballot.Choice(value).label,
                }
            )
        choices[letter] = value
    exceptions = {}
    for member in present:
        value = data.get(f"ballot-{member.pk}", "")
        if value:
            if value not in valid:
                raise InvalidInput(_("Vælg For, Imod eller Undlod."))
            exceptions[member.pk] = value
    return VoteEntry(data.get("question", ""), choices, exceptions)
