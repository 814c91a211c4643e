"""The parser's quick paths give what the plain way gives.

The parser looks before it works: a line with nothing to squash is kept as it is, a line that
cannot open an item is not tried against the pattern, invisible characters are only replaced
where the text holds them. Each shortcut must agree with the plain computation on any text.
"""

from __future__ import annotations

import random

from meetings.importer.parser import (
    _INVISIBLE_MAP,
    _ITEM_RE,
    _SECTION_WORDS,
    _may_be_item_heading,
    _split_lines,
    _squash,
    _squashed_section_word,
)

# Characters that make the shortcuts' cases: every kind of whitespace Python knows, the
# invisible characters, letters that change under case folding, and text.
ALPHABET = [
    " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0", "\u1680",
    "\u2000", "\u2007", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u00ad",
    "\u200b", "\ufeff", "\ufb01", "\ufb02", "ß", "ſ", "\u212a", "\u0130", "ı", "p", "P",
    "unkt", "UNKT", "Punkt 3:", "punkt 12 - ", "Baggrund", "ØKONOMI", "økonomiske", " ",
    "konsekvenser", "Bilag", ":", "x", "Æble", "1.000", "-", "Side 3", "af", "2", "\u0663",
    "\u00b2", "page",
]  # fmt: skip


def texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def test_squash_is_whitespace_runs_to_one_space() -> None:
    for text in texts(5000, 1):
        assert _squash(text) == " ".join(text.split()), repr(text)


def test_a_line_that_may_not_open_an_item_does_not_match_the_pattern() -> None:
    for text in texts(3000, 2):
        if not _may_be_item_heading(" ".join(text.split())):
            assert _ITEM_RE.match(text.strip()) is None, repr(text)


def test_a_section_word_is_found_whatever_the_length_of_the_line() -> None:
    for text in [*texts(3000, 3), "ØKONOMISKE  KONSEKVENSER ::", "ſagsfremstilling"]:
        squashed = " ".join(text.split())
        expected = _SECTION_WORDS.get(squashed.rstrip(":").strip().casefold())
        assert _squashed_section_word(squashed) == expected, repr(text)


def test_invisible_characters_are_replaced_as_in_one_pass() -> None:
    for text in texts(2000, 4):
        plain = text.replace("\r\n", "\n").replace("\r", "\n")
        plain = "".join(_INVISIBLE_MAP.get(ch, ch) for ch in plain)
        assert _split_lines(text) == [line.strip(" ") for line in plain.split("\n")]
