"""What the parser gives back: the parsed minutes, their items, participants, recommendation
and decisions, the blocks of section text, and the error raised for text that cannot be
imported."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# The values Decision.outcome takes besides "" (no decision text).
OUTCOMES = ("Godkendt", "Taget til efterretning", "Drøftet", "Udskudt", "Afvist", "Andet")


@dataclass
class Block:
    """A piece of section content; one of Paragraph, Heading, ListBlock or Table."""


@dataclass
class Paragraph(Block):
    text: str


@dataclass
class Heading(Block):
    text: str


@dataclass
class ListBlock(Block):
    ordered: bool
    items: list[str]


@dataclass
class Table(Block):
    rows: list[list[str]]
    header_rows: int = 0


@dataclass
class Participant:
    name: str
    role: str = ""
    absent: bool = False


@dataclass
class Recommendation:
    unit: str
    lead_in: str
    clauses: list[str]
    numbered: bool
    blocks: list[Block]


@dataclass
class Decision:
    body: str
    decided_on: datetime.date | None
    outcome: str
    blocks: list[Block]


@dataclass
class ParsedItem:
    number: int
    title: str
    case_number: str
    closed: bool
    background: list[Block] = field(default_factory=list)
    recommendation: Recommendation | None = None
    decision: Decision | None = None
    presentation: list[Block] = field(default_factory=list)
    economy: list[Block] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    line: int = 0
    # Decisions of other bodies or earlier meetings quoted in the item, in source order.
    other_decisions: list[Decision] = field(default_factory=list)


@dataclass
class TocEntry:
    title: str
    page: int | None


@dataclass
class ParsedMinutes:
    document: str
    body: str
    starts_at: datetime.datetime
    location: str
    participants: list[Participant]
    toc: list[TocEntry]
    items: list[ParsedItem]
    warnings: list[str]


class MinutesParseError(ValueError):
    """The text cannot be imported; ``message`` is Danish and meant for the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"Linje {line}: {message}" if line is not None else message)
