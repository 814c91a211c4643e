"""The items: each item's title, case number and closed flag, its lines sorted into sections,
the section blocks, its decisions (the meeting's own and those quoted from other bodies or
earlier meetings), and the table of contents checked against the items."""

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
    while index < end and not squashed[index]:
        index += 1
    case_number = ""
    candidate = lines[index].strip() if index < end else ""
    case_match = _CASE_RE.match(candidate)
    if case_match and int(case_match["serial"]) > 0:
        case_number = f"{case_match['year']}/{int(case_match['serial'])}"
        index += 1
    elif case_match or _CASE_LIKE_RE.match(candidate):
        raise MinutesParseError(
            f"Sagsnummeret “{candidate}” i punkt {number} er ugyldigt: det skal have formen "
            "ÅÅ/løbenummer, f.eks. 17/22360.",
            index + 1,
        )
    else:
        warnings.append(f"Punkt {number} har intet sagsnummer.")

    sections = _collect_sections(source, index, end, number, title, meeting_body, warnings)
    item = ParsedItem(number, title, case_number, _is_closed(title), line=start + 1)
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
    return item, sections


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
    lines, squashed, subheadings = source.lines, source.squashed, source.subheadings
    preamble = _Section("preamble")
    sections = [preamble]
    by_kind: dict[str, _Section] = {}
    decisions_seen: set[tuple[str, datetime.date | None]] = set()
    current = preamble
    title_norm = _norm_title(title)

    def is_repeated_title(index: int) -> bool:
        """The title after a leading Bilag list; an attachment named like the item (2018 item
        9) is the same text, so only the last such line before more content is the title."""
        following = next((j for j in range(index + 1, end) if squashed[j]), None)
        if following is None:
            return False
        return _norm_title(lines[following]) != title_norm

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
            in_presentation = "presentation" in by_kind and current.kind != "attachments"
            key = (decision.body.casefold(), decision.decided_on)
            if key in decisions_seen and in_presentation:
                current.lines.append(index)
                subheadings.add(index)
                continue
            decisions_seen.add(key)
            if decision.written_date and decision.decided_on is None:
                warnings.append(
                    f"Punkt {number}: datoen i “{text}” kan ikke læses; beslutningen står "
                    "uden dato."
                )
            current = _Section("decision", decision=decision)
            sections.append(current)
            continue
        if kind is not None:
            in_presentation = "presentation" in by_kind and current.kind != "attachments"
            if kind in by_kind and in_presentation:
                current.lines.append(index)
                subheadings.add(index)
            elif kind in by_kind:
                warnings.append(
                    f"Punkt {number}: afsnittet “{text}” forekommer to gange; teksten er lagt "
                    "sammen."
                )
                current = by_kind[kind]
            else:
                current = _Section(kind)
                by_kind[kind] = current
                sections.append(current)
            continue
        if (
            current.kind in ("preamble", "attachments")
            and _norm_title(text) == title_norm
            and (current.kind == "preamble" or is_repeated_title(index))
        ):
            # The item's title repeated after a leading Bilag list closes that list.
            current = preamble
            continue
        current.lines.append(index)
    return sections


def _add_decisions(
    item: ParsedItem,
    source: _Source,
    sections: list[_Section],
    meeting_body: str,
    meeting_day: datetime.date,
    warnings: list[str],
) -> None:
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
    if not decisions:
        return

    def own_body(decision: Decision) -> bool:
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

    own = [own_body(decision) for decision in decisions]
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
