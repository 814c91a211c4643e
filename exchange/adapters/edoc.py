"""eDoc: the agenda publishing XML (eDocAgendaPublishing.xml, the format OS2dagsorden's
os2web_edoc_esdh reads: <Meeting> with Committee, MeetingDate, MeetingState and per agenda
type (open, closed) its items with their document, attachments and full text) and the PDF
eDoc prints of the same minutes."""

from __future__ import annotations

import re

from lxml import etree

from exchange.adapters._common import (
    DraftItem,
    DraftMeeting,
    Notes,
    attendance_from_lines,
    find_date,
    find_time,
)
from exchange.adapters._layout import read_item, read_items, without_running_headers
from exchange.adapters._source import Source, xml_text

NAME = "edoc"
XML_LABEL = "eDoc (XML)"
PDF_LABEL = "eDoc (PDF)"
TEXT_LABEL = "eDoc (tekst fra PDF)"

_ATTENDANCE_END_RE = re.compile(r"^(?:INDHOLDSFORTEGNELSE|Indholdsfortegnelse)\s*$")


def sniff_xml(source: Source) -> int:
    root = source.xml
    if root is None or root.tag != "Meeting":
        return 0
    if root.find("Committee") is not None and root.find("MeetingAgendaTypes") is not None:
        return 100
    return 0


def _lines(text: str) -> list[str]:
    # eDoc ends its lines with a carriage return alone (Word's paragraph mark).
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")


def read_xml(source: Source, notes: Notes) -> list[DraftMeeting]:
    root = source.xml
    assert root is not None
    raw_date = xml_text(root, "MeetingDate")
    date = find_date(raw_date)
    if date is None:
        raise ValueError(f"Mødets dato “{raw_date}” kan ikke læses.")
    state = xml_text(root, "MeetingState").lower()
    draft = DraftMeeting(
        body=xml_text(root, "Committee"),
        date=date,
        time=find_time(raw_date),
        document="referat" if "referat" in state else "dagsorden",
    )
    printed_order: list[int] = []
    for agenda_type in root.findall("MeetingAgendaTypes/MeetingAgendaType"):
        closed = "lukket" in xml_text(agenda_type, "AgendaType").lower()
        whole = xml_text(agenda_type, "FullText")
        if whole and not draft.participants:
            _read_front(_lines(whole), draft)
        for element in agenda_type.findall("MeetingAgendaItems/MeetingAgendaItem"):
            item = _item(element, closed)
            if item is not None:
                printed_order.append(item.number)
                draft.items.append(item)
    draft.items.sort(key=lambda i: i.number)
    if printed_order != sorted(printed_order):
        notes.guesses.append(
            f"Punkterne står i filen i rækkefølgen {', '.join(map(str, printed_order))}; de er "
            f"importeret i nummerorden."
        )
    if not draft.participants:
        notes.unplaced.append("Filen har ingen deltagerliste (Tilstede).")
    return [draft]


def _item(element: etree._Element, closed: bool) -> DraftItem | None:
    number_text = xml_text(element, "AgendaItemNumber")
    if not number_text.isdigit():
        return None
    text = xml_text(element, "FullText")
    lines = _lines(text)
    while lines and not lines[0].strip():
        lines.pop(0)
    title = xml_text(element, "Document/Title")
    if lines and re.match(r"^\d{1,4}\.\s", lines[0].strip()):
        item = read_item(lines)
    else:
        item = read_item([f"{number_text}. {title}", *lines])
    item.number = int(number_text)
    item.title = title or item.title
    item.closed = closed
    item.attachments_from_sections = False
    item.attachments = [
        xml_text(a, "Title") for a in element.findall("Document/Attachments/Attachment")
    ]
    return item


def _read_front(lines: list[str], draft: DraftMeeting) -> None:
    """Location and attendance from the front page of the whole minutes' text."""
    clean = [ln.strip() for ln in lines]
    for i, line in enumerate(clean):
        if find_time(line) and find_date(line) and i + 1 < len(clean):
            following = clean[i + 1]
            if following.lower().startswith("i "):
                draft.location = following[2:].strip()
            break
    start = next((i for i, ln in enumerate(clean) if ln.lower() in ("tilstede", "til stede")), None)
    if start is None:
        return
    end = next(
        (i for i in range(start, len(clean)) if _ATTENDANCE_END_RE.match(clean[i])), len(clean)
    )
    draft.participants = attendance_from_lines(clean[start:end])


# --- the PDF ----------------------------------------------------------------------------------

_PAGE_MARK_RE = re.compile(r"^\s*Side\s+\d+\s*$")


def sniff_pdf(source: Source) -> int:
    return _sniff_printed(source) if source.is_pdf else 0


def sniff_text(source: Source) -> int:
    """The PDF's text saved as a text file (pdftotext), read as the PDF is."""
    return _sniff_printed(source) if not source.is_pdf else 0


def _sniff_printed(source: Source) -> int:
    text = source.text
    if not text:
        return 0
    # The rarest mark first: most text files are told apart by one scan.
    if not _DOC_NUMBER_RE.search(text) or not _CASE_LABEL_RE.search(text):
        return 0
    if _DECIDED_ON_RE.search(text) or _DATED_RE.search(text):
        return 90
    return 0


_DOC_NUMBER_RE = re.compile(r"^[ \t]*Dok\.nr\.?:", re.M)
_CASE_LABEL_RE = re.compile(r"^[ \t]*Sagsnr\.?:", re.M)
_DECIDED_ON_RE = re.compile(r"beslutning den \d{2}\.\d{2}\.\d{4}")
_DATED_RE = re.compile(r"^[ \t]*Dato: \d{2}\.\d{2}\.\d{4}", re.M)


# An item's number or a sub-item's letter on a line of its own; a year ("2013.") that ends
# a sentence is no item number.
_BARE_NUMBER_RE = re.compile(r"^\s*(?:\d{1,3}|[a-zæøå])\.\s*$")


def _numbers_with_their_titles(lines: list[str]) -> list[str]:
    """Plain pdftotext prints an item's number ("2.", "c.") and its title as two columns
    apart, with a blank line between them: the number is put back before its title, as the
    PDF and pdftotext -layout print them. A number the next line follows at once, or that a
    line in lower case follows, ends a sentence and is text."""
    joined: list[str] = []
    waiting, blank = "", False
    for line in lines:
        if waiting and not line.strip():
            blank = True
            continue
        if waiting and (not blank or not line.strip()[:1].isupper()):
            joined.append(waiting)
        elif waiting:
            line = f"{waiting} {line.strip()}"
        waiting, blank = "", False
        if _BARE_NUMBER_RE.match(line):
            waiting = line.strip()
            continue
        joined.append(line)
    return [*joined, waiting] if waiting else joined


def read_pdf(source: Source, notes: Notes) -> list[DraftMeeting]:
    pages = source.printed_pages
    lines = without_running_headers(pages, marker=_PAGE_MARK_RE)
    if not source.is_pdf:
        lines = _numbers_with_their_titles(lines)
    front = [ln.strip() for ln in without_running_headers(pages[:1], marker=_PAGE_MARK_RE)]
    front = [ln for ln in front if ln]
    document = "referat"
    body, date, time = "", None, None
    for i, line in enumerate(front):
        if line.lower() in ("referat", "dagsorden"):
            document = line.lower()
            if i + 2 < len(front):
                body = front[i + 1]
                date, time = find_date(front[i + 2]), find_time(front[i + 2])
            break
    if date is None or not body:
        raise ValueError("Forsiden nævner ikke udvalg og mødedato.")
    draft = DraftMeeting(body=body, date=date, time=time, document=document)
    _read_front(front, draft)
    if not draft.participants:
        notes.unplaced.append("Forsiden har ingen deltagerliste (Tilstede).")
    draft.items = read_items(lines)
    return [draft]
