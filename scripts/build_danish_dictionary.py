#!/usr/bin/env python3
"""Build the word-form dictionary of Referat's Danish search from the Danish Hunspell
dictionary (Debian's `hunspell-da`: /usr/share/hunspell/da_DK.dic and .aff).

    build_danish_dictionary.py [--hunspell /usr/share/hunspell/da_DK] TARGET...

A TARGET is a file, or a PostgreSQL tsearch_data folder that gets referat_danish.syn.

The Snowball stemmer alone cuts endings by rule, so the forms of one word can end up as
different stems: "budget" → budg but "budgettet" → budget, "årene" → åren but "år" → år, and
an irregular plural ("børn") never meets its singular ("barn"). Hunspell knows which forms
belong to which word. This script expands every word of the Hunspell dictionary with its
suffix rules (two levels, as Hunspell applies them), picks each form's word (the shortest,
when several words make the same form other than as a genitive: "året" is a form of "år"),
maps irregular plurals and the compounds ending in them to their singular, gives each word
the stem that the stemmer gives most of its forms, and writes one line "form stem" for every
form whose own Snowball stem differs from its word's stem. Every other form already meets
its word through the stemmer, so the file holds only what the stemmer would get wrong.

PostgreSQL reads the file as a `synonym` dictionary (it must lie in the server's
$SHAREDIR/tsearch_data, in UTF-8), placed in front of the Snowball stemmer in the text search
configuration that the search uses (meetings/search_config.py). Needs the PyPI package
`snowballstemmer`, whose Danish stemmer is the one PostgreSQL's `danish_stem` is built from.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer

# The file's name is the search's (meetings/search_config.py); the script runs on machines
# where the rest of the app is not installed, so the module is read from the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from meetings.search_config import FORMS_FILE

# Irregular plurals, which Hunspell lists as words of their own: plural → singular.
IRREGULAR_PLURALS = {
    "børn": "barn",
    "mænd": "mand",
    "tænder": "tand",
    "hænder": "hånd",
    "fødder": "fod",
    "bøger": "bog",
    "bønder": "bonde",
    "ænder": "and",
    "gæs": "gås",
    "køer": "ko",
    "tæer": "tå",
    "kløer": "klo",
    "rødder": "rod",
    "nætter": "nat",
    "stæder": "stad",
    "kræfter": "kraft",
    "stænger": "stang",
    "tænger": "tang",
    "døtre": "datter",
    "mødre": "moder",
    "fædre": "fader",
    "brødre": "broder",
    "øjne": "øje",
}
# PostgreSQL's Danish stop words (tsearch_data/danish.stop, Snowball's list): a synonym line
# would put them back into the index, so none of them gets one.
STOP_WORDS = frozenset(
    [
        "og",
        "i",
        "jeg",
        "det",
        "at",
        "en",
        "den",
        "til",
        "er",
        "som",
        "på",
        "de",
        "med",
        "han",
        "af",
        "for",
        "ikke",
        "der",
        "var",
        "mig",
        "sig",
        "men",
        "et",
        "har",
        "om",
        "vi",
        "min",
        "havde",
        "ham",
        "hun",
        "nu",
        "over",
        "da",
        "fra",
        "du",
        "ud",
        "sin",
        "dem",
        "os",
        "op",
        "man",
        "hans",
        "hvor",
        "eller",
        "hvad",
        "skal",
        "selv",
        "her",
        "alle",
        "vil",
        "blev",
        "kunne",
        "ind",
        "når",
        "være",
        "dog",
        "noget",
        "ville",
        "jo",
        "deres",
        "efter",
        "ned",
        "skulle",
        "denne",
        "end",
        "dette",
        "mit",
        "også",
        "under",
        "have",
        "dig",
        "anden",
        "hende",
        "mine",
        "alt",
        "meget",
        "sit",
        "sine",
        "vor",
        "mod",
        "disse",
        "hvis",
        "din",
        "nogle",
        "hos",
        "blive",
        "mange",
        "ad",
        "bliver",
        "hendes",
        "været",
        "thi",
        "jer",
        "sådan",
    ]
)
# A token of the text-search parser that a synonym line can match: letters only.
_WORD = re.compile(r"^[^\W\d_]+$")


@dataclass
class Rule:
    strip: str
    add: str
    condition: re.Pattern[str]
    continuation: tuple[int, ...]
    # A genitive ("indsats" of "indsat") is the weakest claim on a form.
    genitive: bool


@dataclass
class Affixes:
    suffixes: dict[int, list[Rule]] = field(default_factory=dict)
    forbidden: int | None = None
    need_affix: int | None = None
    only_in_compound: int | None = None


def _flags(text: str) -> tuple[int, ...]:
    return tuple(int(flag) for flag in text.split(",") if flag.strip().isdigit())


def read_affixes(path: Path) -> Affixes:
    affixes = Affixes()
    for raw in path.read_text(encoding="utf-8").splitlines():
        fields = raw.split()
        if not fields or fields[0].startswith("#"):
            continue
        if fields[0] == "FLAG" and fields[1:] != ["num"]:
            raise SystemExit(f"{path}: only FLAG num is supported, found {raw!r}")
        if fields[0] == "FORBIDDENWORD":
            affixes.forbidden = int(fields[1])
        elif fields[0] == "NEEDAFFIX":
            affixes.need_affix = int(fields[1])
        elif fields[0] == "ONLYINCOMPOUND":
            affixes.only_in_compound = int(fields[1])
        elif fields[0] == "SFX" and len(fields) >= 5:
            flag = int(fields[1])
            strip = "" if fields[2] == "0" else fields[2].lower()
            add, _, continuation = fields[3].partition("/")
            add = "" if add == "0" else add.lower()
            condition = re.compile(f"(?:{fields[4].lower()})$" if fields[4] != "." else "")
            affixes.suffixes.setdefault(flag, []).append(
                Rule(strip, add, condition, _flags(continuation), "+GENITIV" in fields[5:])
            )
    return affixes


def read_words(path: Path) -> Iterator[tuple[str, tuple[int, ...]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    for raw in lines[1:]:  # the first line is the number of words
        entry = raw.split()[0] if raw.split() else ""
        if not entry or '"' in entry:
            continue
        word, _, flags = entry.partition("/")
        yield word.lower(), _flags(flags)


def expand(word: str, flags: tuple[int, ...], affixes: Affixes) -> Iterator[tuple[str, bool]]:
    """The word's forms, each with whether it is a genitive: the word itself (unless it needs
    an affix), and the forms made by its suffix rules and by the rules those name in turn.
    Forms made only for compounds are left out."""
    if affixes.need_affix not in flags:
        yield word, False
    for flag in flags:
        for rule in affixes.suffixes.get(flag, ()):
            if not word.endswith(rule.strip) or not rule.condition.search(word):
                continue
            form = word[: len(word) - len(rule.strip)] + rule.add
            if affixes.only_in_compound in rule.continuation:
                continue
            if affixes.need_affix not in rule.continuation:
                yield form, rule.genitive
            for second in rule.continuation:
                for rule2 in affixes.suffixes.get(second, ()):
                    if not form.endswith(rule2.strip) or not rule2.condition.search(form):
                        continue
                    if affixes.only_in_compound in rule2.continuation:
                        continue
                    yield form[: len(form) - len(rule2.strip)] + rule2.add, rule2.genitive


def singular_of(word: str, words: set[str]) -> str:
    """The singular an irregular plural belongs to, also at the end of a compound
    ("skolebørn" → "skolebarn" when the dictionary has "skolebarn")."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    for plural, singular in IRREGULAR_PLURALS.items():
        if word.endswith(plural) and len(word) > len(plural):
            compound = word[: -len(plural)] + singular
            if compound in words:
                return compound
    return word


def build(hunspell: Path) -> list[tuple[str, str]]:
    affixes = read_affixes(hunspell.with_suffix(".aff"))
    entries = [
        (word, flags)
        for word, flags in read_words(hunspell.with_suffix(".dic"))
        if affixes.forbidden not in flags
    ]
    words = {word for word, _ in entries}
    stemmer = snowballstemmer.stemmer("danish")
    stems: dict[str, str] = {}

    def stem(word: str) -> str:
        if word not in stems:
            stems[word] = stemmer.stemWord(word)
        return stems[word]

    # Each form's word: one that makes it other than as a genitive, the shortest of those,
    # then the first alphabetically ("året" is a form of "år", "indsats" its own word).
    lemma_of: dict[str, tuple[bool, int, str]] = {}
    # The stems the stemmer gives a word's own forms, counted.
    paradigm: dict[str, Counter[str]] = {}
    for word, flags in entries:
        lemma = singular_of(word, words)
        counts = paradigm.setdefault(word, Counter())
        for form, genitive in set(expand(word, flags, affixes)):
            if not _WORD.match(form) or form in STOP_WORDS:
                continue
            counts[stem(form)] += 1
            claim = (genitive, len(lemma), lemma)
            known = lemma_of.get(form)
            if known is None or claim < known:
                lemma_of[form] = claim

    # A word's stem is the one the stemmer gives most of its forms (the shorter on a tie):
    # "godkende", "godkender", "godkendt", "godkendte" … meet on "godkend", as "godkendelse"
    # does, rather than on the infinitive's accidental "godk".
    def word_stem(word: str) -> str:
        counts = paradigm.get(word)
        if not counts:
            return stem(word)
        return min(counts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]

    canonical = {lemma: word_stem(lemma) for _, _, lemma in set(lemma_of.values())}
    return sorted(
        (form, canonical[lemma])
        for form, (_, _, lemma) in lemma_of.items()
        if stem(form) != canonical[lemma]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "targets",
        type=Path,
        nargs="+",
        help=f"where to write: a file, or a tsearch_data folder (gets {FORMS_FILE}.syn)",
    )
    parser.add_argument(
        "--hunspell",
        type=Path,
        default=Path("/usr/share/hunspell/da_DK"),
        help="the Hunspell dictionary without its ending (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if not args.hunspell.with_suffix(".dic").exists():
        print(f"{args.hunspell}.dic is missing: install hunspell-da", file=sys.stderr)
        return 1
    text = "".join(f"{form} {stem}\n" for form, stem in build(args.hunspell))
    for target in args.targets:
        path = target / f"{FORMS_FILE}.syn" if target.is_dir() else target
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
        tmp.replace(path)
        print(f"{path}: {text.count(chr(10))} word forms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
