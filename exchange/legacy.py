"""Read a file of legacy minutes (text, PDF or exchange JSON) into exchange-format meetings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from budget.legacy import LegacyBudgetTable, blocks_context, take_budget_tables
from budget.models import BudgetTable
from common.documents import UnreadablePdf, decode_text, pdf_pages_text
from common.hashing import checksum as file_checksum
from exchange.adapters import (
    ADAPTERS,
    EXPECTED,
    HOJE_TAASTRUP,
    Adapter,
    Source,
    SourceError,
    UnknownLayout,
    choose,
)
from exchange.adapters import read as read_adapted
from exchange.budget_tables import legacy_tables_to_exchange
from exchange.parser import (
    Block,
    MinutesParseError,
    ParsedItem,
    ParsedMinutes,
    Table,
    blocks_to_html,
    normalise_pdf_text,
    parse_minutes,
)
from exchange.schema import FORMAT, validate_exchange
from meetings.errors import ExchangeError

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class ReadFile:
    """What one file holds: its meetings in exchange format, and warnings for the report."""

    name: str
    checksum: str
    meetings: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    # Which adapter read the file, what it guessed and what it could not place (Danish).
    adapter: str = ""
    guesses: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


class ImportFileError(ValueError):
    """A file that cannot be imported. `line` is where parsing failed, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"linje {line}: {message}" if line else message)


def read_minutes_file(name: str, content: bytes) -> ReadFile:
    """Turn the bytes of a file into exchange-format meetings: the exchange format itself
    (JSON), or minutes or an agenda of a system an adapter knows (exchange/adapters), chosen
    from the content, not the name.

    Raises ImportFileError with a Danish message (and the line, for text) when the file is not
    minutes or breaks half-way; nothing is written here.
    """
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"Filen er for stor ({len(content) // (1024 * 1024)} MB); grænsen er "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
        )
    checksum = file_checksum(content)
    if name.lower().endswith(".json") or content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _read_json(name, checksum, content)
    source = Source(name, content)
    chosen: Adapter | None = None
    try:
        adapter = chosen = choose(source)
    except SourceError as exc:
        raise ImportFileError(str(exc)) from exc
    except UnknownLayout as exc:
        if source.text is None or not source.text.strip():
            raise ImportFileError(str(exc)) from exc
        # Text no adapter knows: Høje-Taastrup's parser says where it stopped making sense,
        # and the message names what was expected.
        adapter = ADAPTERS[0]
    if adapter.name != HOJE_TAASTRUP:
        return _read_adapted(source, adapter, checksum)
    text = normalise_pdf_text(_pdf_text(content)) if source.is_pdf else _decode_text(content)
    try:
        parsed = parse_minutes(text)
    except MinutesParseError as exc:
        message = exc.message
        if adapter is not chosen:
            message = f"{message} {EXPECTED}"
        raise ImportFileError(message, exc.line) from exc
    if not 1900 <= parsed.starts_at.year <= 2100:
        raise ImportFileError(
            f"Mødedatoen {parsed.starts_at:%d-%m-%Y} ligger uden for årene 1900–2100; "
            f"ret datoen i referatets overskrift."
        )
    meeting = parsed_to_exchange(parsed, source_name=name, checksum=checksum)
    return ReadFile(
        name=name,
        checksum=checksum,
        meetings=[meeting],
        warnings=parsed.warnings,
        adapter=adapter.label,
    )


def _read_adapted(source: Source, adapter: Adapter, checksum: str) -> ReadFile:
    """A file of another system, read by its adapter and checked against the exchange
    format's schema like any file from outside."""
    try:
        adapted = read_adapted(source, adapter)
    except SourceError as exc:
        raise ImportFileError(str(exc)) from exc
    except (ValueError, IndexError) as exc:
        raise ImportFileError(f"Filen kunne ikke læses som {adapter.label}: {exc}") from exc
    for meeting in adapted.meetings:
        year = int(meeting["starts_at"][:4])
        if not 1900 <= year <= 2100:
            raise ImportFileError(f"Mødedatoen ligger uden for årene 1900–2100 ({year}).")
    try:
        validate_exchange({"format": FORMAT, "meetings": adapted.meetings})
    except ExchangeError as exc:
        raise ImportFileError(f"{adapter.label}: {exc}") from exc
    return ReadFile(
        name=source.name,
        checksum=checksum,
        meetings=adapted.meetings,
        adapter=adapter.label,
        guesses=adapted.notes.guesses,
        unplaced=adapted.notes.unplaced,
    )


def _decode_text(content: bytes) -> str:
    text = decode_text(content)
    if text is None:
        raise ImportFileError("Filen er ikke tekst (hverken UTF-8 eller Windows-1252).")
    return text


def _pdf_text(content: bytes) -> str:
    try:
        pages = pdf_pages_text(content)
    except UnreadablePdf as exc:
        raise ImportFileError("Filen er ikke en læsbar PDF.") from exc
    # A form feed between pages lets the parser see page breaks (running headers, tables
    # continued with a repeated header).
    return "\n\f\n".join(pages)


def _read_json(name: str, checksum: str, content: bytes) -> ReadFile:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ImportFileError("Filen er ikke gyldig JSON.", line) from exc
    try:
        validate_exchange(data)
    except ExchangeError as exc:
        raise ImportFileError(str(exc)) from exc
    return ReadFile(name=name, checksum=checksum, meetings=data["meetings"])


def parsed_to_exchange(parsed: ParsedMinutes, *, source_name: str, checksum: str) -> dict[str, Any]:
    """The exchange-format dict of parsed legacy minutes: published, as they were."""
    starts_at = timezone.make_aware(parsed.starts_at)
    return {
        "body": parsed.body,
        "starts_at": starts_at.isoformat(),
        "location": parsed.location,
        "participants": [
            {"name": p.name, "role": p.role, "present": not p.absent} for p in parsed.participants
        ],
        "status": "published" if parsed.document == "referat" else "draft",
        "source": {"name": source_name[:500], "checksum": checksum},
        "items": [_item_to_exchange(item, parsed.warnings) for item in parsed.items],
    }


def _has_tables(blocks: list[Block]) -> bool:
    # A parser block with rows (what take_budget_tables takes for a table) is a Table; the
    # types are compared in C.
    return Table in map(type, blocks)


def _item_to_exchange(item: ParsedItem, warnings: list[str]) -> dict[str, Any]:
    # Tables of amounts become budget tables with computed totals; a total the minutes state
    # that disagrees is kept on the table, flagged for the secretary, and reported here.
    presentation_has_tables = _has_tables(item.presentation)
    economy_has_tables = _has_tables(item.economy)
    # The text a table without a unit of its own is read in; most items have no table at all.
    context = ""
    if presentation_has_tables or economy_has_tables:
        context = blocks_context([*item.presentation, *item.economy])
    # A section without a table is left as it is, as take_budget_tables would leave it.
    presentation: list[Any] = item.presentation
    presentation_tables: list[LegacyBudgetTable] = []
    if presentation_has_tables:
        presentation, presentation_tables = take_budget_tables(
            item.presentation, section=BudgetTable.Section.PRESENTATION, context=context
        )
    economy: list[Any] = item.economy
    economy_tables: list[LegacyBudgetTable] = []
    if economy_has_tables:
        economy, economy_tables = take_budget_tables(
            item.economy, section=BudgetTable.Section.ECONOMY, context=context
        )
    budget_tables = presentation_tables + economy_tables
    for table in budget_tables:
        for mismatch in table.mismatches:
            warnings.append(f"Punkt {item.number}, {table.grid.caption or 'tabel'}: {mismatch}")
    data: dict[str, Any] = {
        "number": item.number,
        "title": item.title,
        "case_number": item.case_number or None,
        "closed": item.closed,
        "background": blocks_to_html(item.background),
        "presentation": blocks_to_html(presentation),
        "economy": blocks_to_html(economy),
        "attachments": [{"title": t} for t in item.attachments],
    }
    if budget_tables:
        data["budget_tables"] = legacy_tables_to_exchange(budget_tables)
    rec = item.recommendation
    if rec is not None:
        data["recommendation_unit"] = rec.unit
        data["recommendation_lead_in"] = rec.lead_in
        data["recommendation_clauses"] = list(rec.clauses)
        data["recommendation_numbered"] = rec.numbered
        if not rec.clauses:
            # Nothing was recognised as an "at …" clause: keep the text as written.
            rest = [b for b in rec.blocks if getattr(b, "text", None) != rec.lead_in]
            data["recommendation_note"] = blocks_to_html(rest)
    decision_blocks = []
    if item.decision is not None:
        decision_blocks = list(item.decision.blocks)
    for other in item.other_decisions:
        # An earlier body's decision on the same item (e.g. Økonomiudvalget) stays in the text.
        from exchange.parser import Heading

        when = f" den {other.decided_on:%d-%m-%Y}" if other.decided_on else ""
        decision_blocks.append(Heading(text=f"Beslutning {other.body}{when}"))
        decision_blocks.extend(other.blocks)
    if item.decision is not None or decision_blocks:
        decision = item.decision
        data["decision"] = {
            "text": blocks_to_html(decision_blocks),
            "outcome": decision.outcome if decision else "",
            "decided_on": decision.decided_on.isoformat()
            if decision and decision.decided_on
            else None,
        }
    return data


def empty_exchange() -> dict[str, Any]:
    return {"format": FORMAT, "meetings": []}
