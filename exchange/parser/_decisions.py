"""The recommendation (Indstilling) read as a lead-in and its clauses, and the outcome a
decision (Beslutning) opens with."""

from __future__ import annotations

import re

from exchange.parser import _patterns
from exchange.parser._text import _join, _squash
from exchange.parser._types import Block, ListBlock, Paragraph, Recommendation

# Assigned rather than imported by name, for speed: see _patterns.
_CLAUSE_START_RE = _patterns._CLAUSE_START_RE
_ORDERED_RE = _patterns._ORDERED_RE

_UNIT_RE = re.compile(r"^(?P<unit>[^,.:;]{1,60}?)\s+indstiller\b", re.IGNORECASE)
_INLINE_CLAUSE_RE = re.compile(
    r"^(?P<lead>.*?\bindstille[rs]\b(?:\s+(?:til|over for|for)\s+[^,]{1,40}?)?\s*,?)\s+"
    r"(?P<clause>at\b.*)$",
    re.IGNORECASE,
)


def _recommendation(blocks: list[Block]) -> Recommendation | None:
    if not blocks:
        return None
    unit, lead_in, clauses, rest = _lead_in(blocks)
    numbered = _add_clauses(clauses, rest)
    return Recommendation(unit, lead_in, clauses, numbered, blocks)


def _lead_in(blocks: list[Block]) -> tuple[str, str, list[str], list[Block]]:
    """The proposing unit and the lead-in read from the first block, a paragraph, with the
    clause that follows the lead-in on its line if any, and the blocks after the lead-in."""
    first = blocks[0]
    if not isinstance(first, Paragraph):
        return "", "", [], blocks
    text = first.text
    unit_match = _UNIT_RE.match(text)
    unit = unit_match["unit"].strip() if unit_match else ""
    following = blocks[1] if len(blocks) > 1 else None
    introduces = text.endswith(":") or isinstance(following, ListBlock)
    # A lone "At direktionen godkender …" is itself the first clause, without a lead-in.
    if not introduces and _CLAUSE_START_RE.match(text):
        return unit, "", [], blocks
    inline = None if introduces else _INLINE_CLAUSE_RE.match(text)
    if inline:
        return unit, inline["lead"].strip(), [inline["clause"].strip()], blocks[1:]
    return unit, text, [], blocks[1:]


def _add_clauses(clauses: list[str], blocks: list[Block]) -> bool:
    """Add the clauses of ``blocks``, those after the lead-in, to ``clauses`` (which holds
    the lead-in's own clause, if any); whether they are numbered."""
    numbered = False
    last_from_paragraph = bool(clauses)
    for block in blocks:
        if isinstance(block, ListBlock):
            items = [_strip_number(item) for item in block.items]
            if clauses and last_from_paragraph:
                # A list under "at direktionen beslutter …, enten" holds that clause's options.
                clauses[-1] += "".join(f"\n- {item}" for item in items)
            else:
                clauses.extend(items)
                numbered = numbered or block.ordered
                last_from_paragraph = False
        elif isinstance(block, Paragraph):
            text = block.text
            numbered_text = _ORDERED_RE.match(text)
            if numbered_text:
                clauses.append(numbered_text[2])
                numbered = True
                last_from_paragraph = True
            elif (
                _CLAUSE_START_RE.match(text)
                or not clauses
                # After a finished sentence a paragraph is a new clause, not the rest of one.
                or clauses[-1].endswith((".", "!", "?"))
            ):
                clauses.append(text)
                last_from_paragraph = True
            else:
                clauses[-1] = _join(clauses[-1], text)
    return numbered


def _strip_number(item: str) -> str:
    match = _ORDERED_RE.match(item)
    return match[2] if match else item


_OUTCOME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Afvist",
        re.compile(
            r"\bsige[rs]?\s+nej\b|\bafvis|\bafslå|\bikke\s+(?:blev\s+)?godkend|\bforkast", re.I
        ),
    ),
    ("Udskudt", re.compile(r"\budskudt|\budskyd|\budsat\b|\budsættes|\budsætte", re.I)),
    (
        "Taget til efterretning",
        re.compile(r"\btil\s+efterretning|\b(?:taget|tages|tog)\s+efterretning", re.I),
    ),
    ("Godkendt", re.compile(r"\bgodkend|\btiltr[åæ]d|\bvedtag|\banbefal", re.I)),
    ("Drøftet", re.compile(r"\bdrøft", re.I)),
)


# The patterns above as one, each in a group of its own, in rank order. One search finds the
# earliest place any of them matches; where several match there, the first alternative that
# does is the best ranked. That is the least (start, rank) of searching each pattern on its
# own, without searching the rest of the text for those that match later or not at all.
_OUTCOME_RE = re.compile(
    "|".join(
        f"(?P<o{rank}>{pattern.pattern})" for rank, (_, pattern) in enumerate(_OUTCOME_PATTERNS)
    ),
    re.IGNORECASE,
)

_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


def infer_outcome(text: str) -> str:
    """The outcome word a decision opens with; the earliest match in its first sentence wins,
    so "Direktionen ser positivt på indsatsen, men vælger at sige nej" is Afvist."""
    text = _squash(text)
    if not text:
        return ""
    # The search stops where the first sentence does, as if the text ended there.
    sentence_end = _SENTENCE_END_RE.search(text)
    match = _OUTCOME_RE.search(text, 0, sentence_end.start() if sentence_end else len(text))
    if match is None or match.lastgroup is None:
        return "Andet"
    return _OUTCOME_PATTERNS[int(match.lastgroup[1:])][0]


def _decision_text(blocks: list[Block]) -> str:
    for block in blocks:
        if isinstance(block, Paragraph):
            return block.text
        if isinstance(block, ListBlock) and block.items:
            return block.items[0]
    return ""
