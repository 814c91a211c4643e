"""Forms of Danish words that occur in the sample minutes (exchange/demo_minutes, the same
three minutes as the design's sample-minutes), and how far the items each form finds agree.

Used by bench/bench_word_forms.py (the figures) and tests/meetings/test_search_word_forms.py
(every form of a word finds the same items)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Each group: forms of one word. The first groups are those the Snowball stemmer alone splits.
WORD_FORM_GROUPS: list[tuple[str, ...]] = [
    ("budget", "budgettet", "budgetter", "budgetterne"),
    ("barn", "børn", "børnene"),
    ("år", "året", "årene"),
    ("indsats", "indsatsen", "indsatser"),
    ("kursus", "kurset", "kurser", "kurserne"),
    ("center", "centret", "centre"),
    ("godkende", "godkendt", "godkendte", "godkendelse"),
    ("kommune", "kommunen", "kommuner", "kommunens"),
    ("sag", "sagen", "sager", "sagerne"),
    ("udgift", "udgiften", "udgifter", "udgifterne"),
    ("medarbejder", "medarbejderen", "medarbejdere", "medarbejderne"),
    ("system", "systemet", "systemer", "systemerne"),
    ("borger", "borgeren", "borgere", "borgerne"),
    ("løsning", "løsningen", "løsninger"),
    ("beslutning", "beslutningen", "beslutninger"),
    ("projekt", "projektet", "projekter"),
    ("kontrakt", "kontrakten", "kontrakter"),
    ("udbud", "udbuddet", "udbuddene"),
    ("bilag", "bilaget", "bilagene"),
    ("analyse", "analysen", "analyser"),
    ("tilbud", "tilbuddet", "tilbuddene"),
    ("politik", "politikken", "politikker"),
    ("enhed", "enheden", "enheder"),
    ("pulje", "puljen", "puljer"),
    ("møde", "mødet", "møder"),
]


@dataclass(frozen=True)
class GroupOverlap:
    forms: tuple[str, ...]
    found: tuple[frozenset[int], ...]

    @property
    def agree(self) -> bool:
        return len(set(self.found)) == 1

    @property
    def common(self) -> int:
        return len(frozenset.intersection(*self.found))

    @property
    def either(self) -> int:
        return len(frozenset.union(*self.found))

    def describe(self) -> str:
        counts = ", ".join(
            f"{form} {len(ids)}" for form, ids in zip(self.forms, self.found, strict=True)
        )
        return f"{counts}: {self.common} of {self.either} found by every form"


def overlaps(
    find: Callable[[str], Iterable[int]],
    groups: list[tuple[str, ...]] = WORD_FORM_GROUPS,
) -> list[GroupOverlap]:
    """For each group, the ids of the items each form finds (`find(word)`)."""
    return [GroupOverlap(forms, tuple(frozenset(find(form)) for form in forms)) for forms in groups]
