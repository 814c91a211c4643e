"""Adapters: minutes and agendas of the meeting and ESDH systems municipalities use, read into
the one exchange model (referat/1).

One module a source system, each with a `sniff` (how sure it is, 0–100, that a file is of
its layout, from the content alone, never the file name) and a `read` (the file's meetings
as DraftMeetings, telling the report what it guessed and what it could not place):

- `hoje_taastrup`: the FirstAgenda minutes of Høje-Taastrup's Direktionen, as text or PDF,
  read by exchange/parser (exchange/legacy.py does that reading, unchanged);
- `firstagenda`: FirstAgenda's PDF of other bodies (and its text, as pdftotext gives it) and
  its publication web page;
- `acadre`: Acadre MM's agenda XML and its PDF;
- `edoc`: eDoc's eDocAgendaPublishing.xml and its PDF;
- `sbsys`: SBSYS's eDagsorden publication XML.

`choose` picks the adapter that is surest; a file none of them knows is refused in Danish,
naming what was expected.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common.hashing import checksum as file_checksum
from exchange.adapters import acadre, edoc, firstagenda, sbsys
from exchange.adapters._common import DraftMeeting, Notes, to_exchange
from exchange.adapters._source import Source, SourceError

__all__ = [
    "ADAPTERS",
    "Adapter",
    "Notes",
    "Source",
    "SourceError",
    "UnknownLayout",
    "choose",
    "read",
]

HOJE_TAASTRUP = "hoje_taastrup"

_HEADER_RE = re.compile(
    r"^[ \t]*(?:REFERAT|DAGSORDEN)\s+\S.*?\s(?:d\.|den)\s*\d{1,2}-\d{1,2}-\d{4}", re.M | re.I
)
_ITEM_RE = re.compile(r"^[ \t]*Punkt[ \t]+\d+[ \t]*:", re.M)
_YY_SERIAL_RE = re.compile(r"^\d{2}/\d{1,6}$")
# An item whose first or second line after the title (blank lines aside, within five lines)
# is a case number of another form than YY/serial: FirstAgenda minutes of another
# municipality. One pass over the text: every file of a large import is sniffed.
_FOREIGN_CASE_AFTER_ITEM_RE = re.compile(
    r"^[ \t]*Punkt[ \t]+\d+[ \t]*:[^\n]*\n"
    r"(?:[ \t]*\n){0,4}(?:[^\n]*\S[^\n]*\n(?:[ \t]*\n){0,3})?"
    r"[ \t]*(?:[A-ZÆØÅ]{2,5}-\d{4}-\d+|\d{4}-\d+)[ \t]*$",
    re.M,
)
SNIFFED_ITEMS = 3
SNIFFED_SPAN = 20_000
_FIRSTAGENDA_HEADINGS_RE = re.compile(
    r"^[ \t]*(?:Beslutninger|Sagsforløb|Beslutningspunkter)[ \t]*$", re.M
)


def _sniff_hoje_taastrup(source: Source) -> int:
    """Høje-Taastrup's FirstAgenda minutes: the header and "Punkt N:" items of FirstAgenda,
    with case numbers of the form YY/serial and the sections the parser knows. Other bodies'
    FirstAgenda minutes (other case numbers, "Beslutninger", "Sagsforløb") go to the
    firstagenda adapter."""
    text = source.text
    if not text or not _HEADER_RE.search(text[:4000]):
        return 0
    # The first items tell the systems apart; every file of a large import is sniffed, so
    # the whole text is not read for it.
    first_items = [m.start() for m in itertools.islice(_ITEM_RE.finditer(text), SNIFFED_ITEMS)]
    if not first_items:
        return 0
    if _FIRSTAGENDA_HEADINGS_RE.search(text, 0, first_items[-1] + SNIFFED_SPAN):
        return 0
    if any(_FOREIGN_CASE_AFTER_ITEM_RE.match(text, start) for start in first_items):
        return 0
    return 70


@dataclass(frozen=True)
class Adapter:
    name: str
    label: str
    sniff: Callable[[Source], int]
    read: Callable[[Source, Notes], list[DraftMeeting]] | None


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(HOJE_TAASTRUP, "FirstAgenda (Høje-Taastrup, tekst/PDF)", _sniff_hoje_taastrup, None),
    Adapter("firstagenda_pdf", firstagenda.PDF_LABEL, firstagenda.sniff_pdf, firstagenda.read_pdf),
    Adapter(
        "firstagenda_text", firstagenda.TEXT_LABEL, firstagenda.sniff_text, firstagenda.read_pdf
    ),
    Adapter(
        "firstagenda_html", firstagenda.HTML_LABEL, firstagenda.sniff_html, firstagenda.read_html
    ),
    Adapter("acadre_xml", acadre.XML_LABEL, acadre.sniff_xml, acadre.read_xml),
    Adapter("acadre_pdf", acadre.PDF_LABEL, acadre.sniff_pdf, acadre.read_pdf),
    Adapter("edoc_xml", edoc.XML_LABEL, edoc.sniff_xml, edoc.read_xml),
    Adapter("edoc_pdf", edoc.PDF_LABEL, edoc.sniff_pdf, edoc.read_pdf),
    Adapter("edoc_text", edoc.TEXT_LABEL, edoc.sniff_text, edoc.read_pdf),
    Adapter("sbsys_xml", sbsys.LABEL, sbsys.sniff, sbsys.read),
)

EXPECTED = (
    "Filen ligner ikke et referat eller en dagsorden fra et af de systemer, Referat kan læse: "
    "FirstAgenda (PDF, tekst eller publiceringssiden i HTML), Acadre MM (dagsordens-XML eller "
    "PDF), eDoc (eDocAgendaPublishing.xml eller PDF), SBSYS (publicerings-XML) eller "
    "udvekslingsformatet referat/1 (JSON)."
)


class UnknownLayout(ValueError):
    """No adapter knows the file (the message, in Danish, names what was expected)."""


def choose(source: Source) -> Adapter:
    """The adapter surest of the file; UnknownLayout when none is, SourceError for a PDF that
    cannot be read. A file that holds an entity declaration is refused before it is parsed:
    no minutes need one, and a hostile upload uses them to blow up the parser's memory."""
    if source.looks_like_markup and re.search(rb"<!ENTITY", source.content[:65536], re.I):
        raise UnknownLayout(
            "Filen indeholder XML-entitetserklæringer (<!ENTITY …>) og læses ikke af "
            "sikkerhedshensyn."
        )
    best, score = None, 0
    for adapter in ADAPTERS:
        found = adapter.sniff(source)
        if found > score:
            best, score = adapter, found
    if best is None:
        raise UnknownLayout(EXPECTED)
    return best


@dataclass
class Adapted:
    """What an adapter read of one file, in the exchange format, with its notes."""

    adapter: Adapter
    meetings: list[dict[str, Any]]
    notes: Notes


def read(source: Source, adapter: Adapter) -> Adapted:
    """The file's meetings in the exchange format. Raises ValueError (Danish) when the file
    breaks the adapter's expectations half-way."""
    assert adapter.read is not None
    notes = Notes()
    drafts = adapter.read(source, notes)
    checksum = file_checksum(source.content)
    meetings = []
    for draft in drafts:
        if not draft.body:
            raise ValueError("Filen nævner ikke, hvilket udvalg mødet er i.")
        if not draft.items:
            notes.unplaced.append(f"{draft.body} {draft.date:%d-%m-%Y}: ingen punkter fundet.")
        data = to_exchange(draft, notes)
        data["source"] = {"name": source.name[:500], "checksum": checksum}
        meetings.append(data)
    notes.guesses[:0] = source.repairs
    return Adapted(adapter=adapter, meetings=meetings, notes=notes)
