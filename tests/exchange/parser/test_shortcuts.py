"""The parser's quick paths give what the plain way gives.

The parser looks before it works: a line with nothing to squash is kept as it is, a line that
cannot open an item or a list is not tried against the pattern, invisible characters are only
replaced where the text holds them, markup is looked for in the whole text. Where it computes
a thing another way (one pattern for all outcomes, the people split at the marks only), the
old way is written out here. Each shortcut must agree with the plain computation on any text.
"""

from __future__ import annotations

import datetime
import random
import re

from exchange.parser import infer_outcome
from exchange.parser._blocks import _ALNUM_RE, _may_be_list_item, _table_cells
from exchange.parser._decisions import _OUTCOME_PATTERNS, _SENTENCE_END_RE
from exchange.parser._header import _split_people
from exchange.parser._patterns import (
    _BULLET_RE,
    _INVISIBLE_MAP,
    _ITEM_RE,
    _ORDERED_RE,
    _SECTION_WORD_MAX_LENGTH,
    _SECTION_WORDS,
)
from exchange.parser._text import (
    _MARKUP_MARKS,
    _day_month_year,
    _indexes_of_possible_item_headings,
    _lines_holding,
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
# And for the later shortcuts: list items, table rows, markup, people and decisions.
MORE = [
    *ALPHABET, "1. ", "12) ", "\u0663) ", "- ", "– ", "• ", "o ", "\t", "./..", "**", "<b>", "(",
    ")", ",", ";", " og ", "Godkendt", "godkendte", "ikke godkendt", "udsat", "taget til",
    " efterretning", "drøftet", "siger nej", ". ", "? ", "! ", "Æ", "_", "b", "B",
]  # fmt: skip


def texts(count: int, seed: int, alphabet: list[str] = ALPHABET) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(count)]


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


def test_a_line_that_may_not_be_a_list_item_matches_neither_list_pattern() -> None:
    for text in texts(5000, 5, MORE):
        squashed = " ".join(text.split())
        if not _may_be_list_item(squashed):
            assert _ORDERED_RE.match(squashed) is None, repr(text)
            assert _BULLET_RE.match(squashed) is None, repr(text)


def test_the_cells_of_a_row_are_each_squashed() -> None:
    for text in texts(5000, 6, MORE):
        line = text.replace("\n", "")
        assert _table_cells(line) == [_squash(cell) for cell in line.split("\t")], repr(line)


def test_the_alphanumeric_pattern_is_str_isalnum() -> None:
    for char in map(chr, range(0x110000)):
        assert bool(_ALNUM_RE.search(char)) == char.isalnum(), hex(ord(char))


def test_only_b_case_folds_to_a_text_opening_with_b() -> None:
    # _collect_sections looks for "beslutning" only in lines opening with "b" or "B".
    opening_with_b = [c for c in map(chr, range(0x110000)) if c.casefold().startswith("b")]
    assert opening_with_b == ["B", "b"]


def test_a_long_line_without_a_colon_at_its_end_is_no_section_word() -> None:
    # _collect_sections asks _squashed_section_word only about the other lines.
    for text in [*texts(5000, 7, MORE), "Økonomiske konsekvenser af forslaget", "Bilag" + ":" * 30]:
        squashed = " ".join(text.split())
        if len(squashed) > _SECTION_WORD_MAX_LENGTH and not squashed.endswith(":"):
            assert _squashed_section_word(squashed) is None, repr(text)


def test_the_possible_item_headings_are_those_that_may_be_one() -> None:
    squashed = [" ".join(text.split()) for text in texts(3000, 8, MORE)]
    expected = [i for i, text in enumerate(squashed) if _may_be_item_heading(text)]
    assert list(_indexes_of_possible_item_headings(squashed)) == expected


def test_the_lines_holding_a_mark_are_found_in_the_whole_text() -> None:
    for text in texts(3000, 9, MORE):
        lines = text.split("\n")
        for mark, rare in _MARKUP_MARKS:
            expected = {i for i, line in enumerate(lines) if mark in line}
            found = list(_lines_holding(text, mark, rare))
            assert found == sorted(found) and set(found) == expected, (repr(text), mark)


def test_the_outcome_is_the_earliest_and_best_ranked_match_in_the_first_sentence() -> None:
    # infer_outcome searches one pattern of all the outcomes; this is each outcome on its own.
    def searched_one_by_one(text: str) -> str:
        text = " ".join(text.split())
        if not text:
            return ""
        first_sentence = _SENTENCE_END_RE.split(text, maxsplit=1)[0]
        best: tuple[int, int, str] | None = None
        for rank, (outcome, pattern) in enumerate(_OUTCOME_PATTERNS):
            match = pattern.search(first_sentence)
            if match and (best is None or (match.start(), rank) < best[:2]):
                best = (match.start(), rank, outcome)
        return best[2] if best else "Andet"

    for text in [*texts(5000, 10, MORE), "Godkendt, men udsat til næste møde", "Udsat. Godkendt"]:
        assert infer_outcome(text) == searched_one_by_one(text), repr(text)


def test_people_are_split_as_by_a_walk_over_every_character() -> None:
    def walked(text: str) -> list[str]:
        parts: list[str] = []
        depth, current = 0, ""
        for char in text:
            depth += (char == "(") - (char == ")")
            if char in ",;" and depth == 0:
                parts.append(current)
                current = ""
            else:
                current += char
        parts.append(current)
        people: list[str] = []
        for part in parts:
            people.extend(re.split(r"\s+og\s+(?![^(]*\))", part))
        return [_squash(person) for person in people if _squash(person)]

    for text in [
        *texts(5000, 11, MORE),
        "Lars Holte (direktør, formand), Anne og Bo (afbud); Eva)",
    ]:
        assert _split_people(text) == walked(text), repr(text)


def test_a_date_is_written_as_strftime_writes_it() -> None:
    rng = random.Random(12)
    days = [datetime.date(year, 1, 1) for year in (1, 9, 99, 999, 1000, 1900, 2017, 9999)]
    days += [datetime.date.fromordinal(rng.randint(1, 3_652_059)) for _ in range(20_000)]
    for day in days:
        assert _day_month_year(day) == f"{day:%d-%m-%Y}", day
