"""The items: where each starts, its title, case number and closed flag, its lines sorted into
sections, the section blocks, its decisions (the meeting's own and those quoted from other
bodies or earlier meetings), and the warnings on the items as a whole (their numbering, the
table of contents)."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from exchange.parser import _patterns
from exchange.parser._blocks import _build_blocks, _Source
from exchange.parser._decisions import _decision_text, _recommendation, infer_outcome
from exchange.parser._text import (
    _day_month_year,
    _decision_heading,
    _DecisionHeading,
    _indexes_of_possible_item_headings,
    _is_item_heading,
    _join,
    _norm_title,
    _squash,
    _squashed_section_word,
)
from exchange.parser._types import Decision, MinutesParseError, ParsedItem, TocEntry

# Assigned rather than imported by name, for speed: see _patterns.
_BULLET_RE = _patterns._BULLET_RE
_CASE_LIKE_RE = _patterns._CASE_LIKE_RE
_CASE_RE = _patterns._CASE_RE
_SECTION_WORD_MAX_LENGTH = _patterns._SECTION_WORD_MAX_LENGTH


def _item_starts(lines: list[str], squashed: list[str], header_index: int) -> list[int]:
    """The indexes of the item headings after the document header, which is at
    ``header_index``; text without items is an error."""
    starts = [
        i
        for i in _indexes_of_possible_item_headings(squashed)
        if i > header_index and _is_item_heading(lines[i])
    ]
    if not starts:
        raise MinutesParseError(
            "Teksten har ingen punkter: der er ingen linjer som “Punkt 1: …”.", header_index + 1
        )
    return starts


@dataclass
class _Section:
    kind: str
    lines: list[int] = field(default_factory=list)  # indexes into the _Source
    decision: _DecisionHeading | None = None


def _is_closed(title: str) -> bool:
    norm = _norm_title(title)
    return norm == "lukket" or norm.startswith(("lukket ", "lukket:")) or norm.endswith("(lukket)")


def _parse_item(
    source: _Source,
    start: int,
    end: int,
    meeting_body: str,
    warnings: list[str],
) -> tuple[ParsedItem, list[_Section]]:
    """The item whose heading is ``source.lines[start]``."""
    number, title, index = _item_heading(source, start, end)
    case_number, index = _case_number(source, index, end, number, warnings)
    sections = _collect_sections(source, index, end, number, title, meeting_body, warnings)
    item = ParsedItem(number, title, case_number, _is_closed(title), line=start + 1)
    _fill_sections(item, source, sections)
    return item, sections


def _item_heading(source: _Source, start: int, end: int) -> tuple[int, str, int]:
    """The number and title of the item whose heading is ``source.lines[start]``, and the
    index of the first line after the title."""
    lines, squashed = source.lines, source.squashed
    heading = _is_item_heading(lines[start])
    assert heading is not None
    number = int(heading["number"])
    title = _squash(heading["title"])
    index = start + 1
    # A long title wraps onto the next lines of the PDF.
    while (
        index < end
        and squashed[index]
        and not _CASE_LIKE_RE.match(lines[index].strip())
        and not _squashed_section_word(squashed[index])
        and "\t" not in lines[index]
    ):
        title = _join(title, squashed[index]) if title else squashed[index]
        index += 1
    return number, title, index


def _case_number(
    source: _Source, index: int, end: int, number: int, warnings: list[str]
) -> tuple[str, int]:
    """The case number of item ``number`` at the first line from ``index`` that is not blank
    ("" if it has none), and the index of the line after it."""
    lines, squashed = source.lines, source.squashed
    while index < end and not squashed[index]:
        index += 1
    candidate = lines[index].strip() if index < end else ""
    case_match = _CASE_RE.match(candidate)
    if case_match and int(case_match["serial"]) > 0:
        return f"{case_match['year']}/{int(case_match['serial'])}", index + 1
    if case_match or _CASE_LIKE_RE.match(candidate):
        raise MinutesParseError(
            f"Sagsnummeret “{candidate}” i punkt {number} er ugyldigt: det skal have formen "
            "ÅÅ/løbenummer, f.eks. 17/22360.",
            index + 1,
        )
    warnings.append(f"Punkt {number} har intet sagsnummer.")
    return "", index


def _fill_sections(item: ParsedItem, source: _Source, sections: list[_Section]) -> None:
    """Give ``item`` the blocks of its sections (decisions aside: see _add_decisions)."""
    background: list[int] = []
    for section in sections:
        if section.kind in ("preamble", "background"):
            background.extend(section.lines)
        elif section.kind == "recommendation":
            item.recommendation = _recommendation(_build_blocks(source, section.lines, False))
        elif section.kind == "presentation":
            item.presentation = _build_blocks(source, section.lines)
        elif section.kind == "economy":
            item.economy = _build_blocks(source, section.lines)
        elif section.kind == "attachments":
            item.attachments.extend(_attachments(source, section.lines))
    item.background = _build_blocks(source, background)


def _attachments(source: _Source, indexes: Sequence[int]) -> list[str]:
    titles = []
    squashed = source.squashed
    for index in indexes:
        text = squashed[index]  # tabs are whitespace to _squash too
        bullet = _BULLET_RE.match(text)
        text = bullet[1] if bullet else text
        if text:
            titles.append(text)
    return titles


def _collect_sections(
    source: _Source,
    start: int,
    end: int,
    number: int,
    title: str,
    meeting_body: str,
    warnings: list[str],
) -> list[_Section]:
    """Sort the item's lines into sections by their headings.

    A section word seen a second time once Sagsfremstilling has begun ("Baggrund" in 2018 item
    3) is a sub-heading of the running section: the minutes' own template puts each section
    once, so the repeat can only be the author's heading inside the case text. Before
    Sagsfremstilling a repeat reopens the earlier section, which keeps its text together.
    Such sub-headings are added to ``source.subheadings``.
    """
    lines, squashed = source.lines, source.squashed
    sections = _Sections(source, number, warnings)
    preamble = current = sections.preamble
    title_norm = _norm_title(title)
    # Every line of the item passes here, and few are headings: the loop tells them apart, and
    # _Sections opens the section a heading starts.
    for index in range(start, end):
        text = squashed[index]
        if not text:
            # A blank line is never a heading nor the title: it goes with the section.
            current.lines.append(index)
            continue
        kind = None
        decision = None
        if "\t" not in lines[index]:
            # Two quick looks spare most lines the full tests. A squashed line has no space at
            # either end, so one that is longer than every section word and does not end with
            # ":" is no section word (see _squashed_section_word). Only "B" and "b" case-fold
            # to a text that starts with "b".
            if len(text) <= _SECTION_WORD_MAX_LENGTH or text[-1] == ":":
                kind = _squashed_section_word(text)
            if kind is None and text[0] in "bB" and text[:10].casefold().startswith("beslutning"):
                decision = _decision_heading(text, index + 1, meeting_body)
        if decision is not None:
            current = sections.after_decision_heading(current, index, text, decision)
        elif kind is not None:
            current = sections.after_section_word(current, index, text, kind)
        elif (
            current.kind in ("preamble", "attachments")
            and _norm_title(text) == title_norm
            and (current.kind == "preamble" or _is_repeated_title(source, index, end, title_norm))
        ):
            # The item's title repeated after a leading Bilag list closes that list.
            current = preamble
        else:
            current.lines.append(index)
    return sections.opened


class _Sections:
    """The sections _collect_sections opens for one item, in order, and what it has seen."""

    def __init__(self, source: _Source, number: int, warnings: list[str]) -> None:
        self.preamble = _Section("preamble")
        self.opened = [self.preamble]
        self.by_kind: dict[str, _Section] = {}
        self.decisions_seen: set[tuple[str, datetime.date | None]] = set()
        self.subheadings = source.subheadings
        self.number = number
        self.warnings = warnings

    def _in_presentation(self, current: _Section) -> bool:
        return "presentation" in self.by_kind and current.kind != "attachments"

    def after_decision_heading(
        self, current: _Section, index: int, text: str, decision: _DecisionHeading
    ) -> _Section:
        """The section the lines after the decision heading ``text`` (line ``index``) go to;
        ``current`` is the section before it."""
        key = (decision.body.casefold(), decision.decided_on)
        if key in self.decisions_seen and self._in_presentation(current):
            current.lines.append(index)
            self.subheadings.add(index)
            return current
        self.decisions_seen.add(key)
        if decision.written_date and decision.decided_on is None:
            self.warnings.append(
                f"Punkt {self.number}: datoen i “{text}” kan ikke læses; beslutningen står "
                "uden dato."
            )
        section = _Section("decision", decision=decision)
        self.opened.append(section)
        return section

    def after_section_word(self, current: _Section, index: int, text: str, kind: str) -> _Section:
        """The section the lines after the section word ``text`` (line ``index``) go to;
        ``current`` is the section before it. See _collect_sections on a repeated word."""
        seen = self.by_kind.get(kind)
        if seen is None:
            section = _Section(kind)
            self.by_kind[kind] = section
            self.opened.append(section)
            return section
        if self._in_presentation(current):
            current.lines.append(index)
            self.subheadings.add(index)
            return current
        self.warnings.append(
            f"Punkt {self.number}: afsnittet “{text}” forekommer to gange; teksten er lagt sammen."
        )
        return seen


def _is_repeated_title(source: _Source, index: int, end: int, title_norm: str) -> bool:
    """The title after a leading Bilag list; an attachment named like the item (2018 item 9) is
    the same text, so only the last such line before more content is the title."""
    squashed = source.squashed
    following = next((j for j in range(index + 1, end) if squashed[j]), None)
    if following is None:
        return False
    return _norm_title(source.lines[following]) != title_norm


def _add_decisions(
    item: ParsedItem,
    source: _Source,
    sections: list[_Section],
    meeting_body: str,
    meeting_day: datetime.date,
    warnings: list[str],
) -> None:
    """Give ``item`` its decision, the meeting's own, and the other decisions it quotes."""
    decisions = _section_decisions(source, sections, meeting_body)
    if not decisions:
        return
    own = [_is_own_body(decision, meeting_body) for decision in decisions]
    ranked = sorted(
        range(len(decisions)),
        key=lambda i: (own[i], decisions[i].decided_on == meeting_day, i),
    )
    chosen = decisions[ranked[-1]]
    if not own[ranked[-1]] and chosen.decided_on != meeting_day:
        # Only other bodies' or earlier decisions: history, not this meeting's decision.
        item.other_decisions = decisions
        return
    if chosen.decided_on is not None and chosen.decided_on != meeting_day:
        warnings.append(
            f"Punkt {item.number}: beslutningen er dateret {_day_month_year(chosen.decided_on)}, "
            f"men mødet er {_day_month_year(meeting_day)}."
        )
    item.decision = chosen
    item.other_decisions = [d for d in decisions if d is not chosen]


def _section_decisions(
    source: _Source, sections: list[_Section], meeting_body: str
) -> list[Decision]:
    """The decisions of the item's decision sections, in order."""
    decisions: list[Decision] = []
    for section in sections:
        if section.kind != "decision" or section.decision is None:
            continue
        blocks = _build_blocks(source, section.lines)
        heading = section.decision
        decisions.append(
            Decision(
                heading.body or meeting_body,
                heading.decided_on,
                infer_outcome(_decision_text(blocks)),
                blocks,
            )
        )
    return decisions


def _is_own_body(decision: Decision, meeting_body: str) -> bool:
    """Whether the decision is the meeting's body's, written that way or nearly so."""
    body, meeting = decision.body.casefold(), meeting_body.casefold()
    if not body or body == meeting:
        return True  # the usual case; difflib would only confirm it, slowly
    # The cheap upper bounds of the ratio first, as difflib.get_close_matches does.
    matcher = difflib.SequenceMatcher(None, body, meeting)
    return (
        matcher.real_quick_ratio() >= 0.85
        and matcher.quick_ratio() >= 0.85
        and matcher.ratio() >= 0.85
    )


def _numbering_warnings(items: list[ParsedItem]) -> list[str]:
    """A warning for the first item whose number is not its place among the items."""
    for position, item in enumerate(items, start=1):
        if item.number != position:
            return [
                f"Punkterne er ikke nummereret fortløbende: punkt nummer {position} hedder "
                f"“Punkt {item.number}”."
            ]
    return []


def _toc_warnings(toc: list[TocEntry], items: list[ParsedItem]) -> list[str]:
    if not toc:
        return []
    warnings = []
    if len(toc) != len(items):
        warnings.append(
            f"Indholdsfortegnelsen har {len(toc)} punkter, men teksten har {len(items)}."
        )
    toc_titles = [_norm_title(entry.title) for entry in toc]
    item_titles = [_norm_title(item.title) for item in items]
    if toc_titles == item_titles:
        return warnings  # the usual case: nothing for difflib to find
    matcher = difflib.SequenceMatcher(None, toc_titles, item_titles, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for offset in range(pairs):
            entry, item = toc[i1 + offset], items[j1 + offset]
            ratio = difflib.SequenceMatcher(
                None, toc_titles[i1 + offset], item_titles[j1 + offset]
            ).ratio()
            if ratio >= 0.6:
                warnings.append(
                    f"Indholdsfortegnelsen staver punkt {item.number} anderledes: "
                    f"“{entry.title}” (punktet hedder “{item.title}”)."
                )
            else:
                warnings.append(
                    f"Indholdsfortegnelsens “{entry.title}” svarer ikke til punkt "
                    f"{item.number} “{item.title}”."
                )
        for entry in toc[i1 + pairs : i2]:
            warnings.append(f"“{entry.title}” står i indholdsfortegnelsen, men ikke som punkt.")
        for item in items[j1 + pairs : j2]:
            warnings.append(f"Punkt {item.number} “{item.title}” mangler i indholdsfortegnelsen.")
    return warnings
