"""Acadre MM: the agenda/minutes XML that Acadre publishes (the format OS2dagsorden's
os2web_acadre_esdh reads: <root><table name="agenda"> with committee, meeting, members and
agendaitemparents > agendaitem > bullet / enclosure) and the PDF it prints from Word."""

from __future__ import annotations

import re

from lxml import etree

from exchange.adapters._common import (
    DraftItem,
    DraftMeeting,
    Notes,
    Section,
    attendance_from_lines,
    case_number,
    find_date,
    find_time,
    note_foreign_case_number,
)
from exchange.adapters._layout import read_items, without_running_headers
from exchange.adapters._source import Source, xml_text

NAME = "acadre"
XML_LABEL = "Acadre MM (XML)"
PDF_LABEL = "Acadre MM (PDF)"


def _table(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return element.find(f"table[@name='{name}']")


def _field(element: etree._Element | None, name: str) -> str:
    return xml_text(element, f"fields/field[@name='{name}']")


def sniff_xml(source: Source) -> int:
    root = source.xml
    if root is None or root.tag != "root":
        return 0
    agenda = _table(root, "agenda")
    return 100 if agenda is not None and _table(agenda, "meeting") is not None else 0


def read_xml(source: Source, notes: Notes) -> list[DraftMeeting]:
    assert source.xml is not None
    agenda = _table(source.xml, "agenda")
    meeting = _table(agenda, "meeting")
    committee = _table(agenda, "committee")
    raw_date = _field(meeting, "date")
    date = find_date(raw_date)
    if date is None:
        raise ValueError(f"Mødets dato “{raw_date}” kan ikke læses.")
    document = "dagsorden" if "dagsorden" in _field(agenda, "name").lower() else "referat"
    draft = DraftMeeting(
        body=_field(committee, "name") or _field(meeting, "name"),
        date=date,
        time=find_time(raw_date),
        location=_field(meeting, "location"),
        document=document,
    )
    members = (
        meeting.findall("table[@name='meetmember']/table[@name='member']")
        if meeting is not None
        else []
    )
    for member in members:
        name = " ".join(_field(member, "name").split())
        if name:
            person: dict[str, object] = {"name": name}
            if _field(member, "absent") == "1":
                person["present"] = False
            draft.participants.append(person)
    if not members:
        notes.unplaced.append("Filen har ingen deltagerliste (meetmember).")
    for parent in agenda.findall("table[@name='agendaitemparents']") if agenda is not None else []:
        draft.items.append(_item(parent, notes))
    draft.items.sort(key=lambda i: i.number)
    return [draft]


def _item(parent: etree._Element, notes: Notes) -> DraftItem:
    element = _table(parent, "agendaitem")
    number_text = _field(parent, "sort")
    number = int(number_text) if number_text.isdigit() else 0
    raw_case = _field(element, "caseno")
    item = DraftItem(
        number=number,
        title=_field(element, "name"),
        case_number=case_number(raw_case),
        closed=_field(element, "accessname").lower().startswith("lukket"),
        attachments_from_sections=False,
    )
    note_foreign_case_number(raw_case, item, notes)
    bullets = element.findall("table[@name='bullet']") if element is not None else []
    for bullet in sorted(bullets, key=lambda b: int(_field(b, "bulletsortorder") or 0)):
        content = _field(bullet, "bulletcontent")
        if content.strip():
            item.sections.append(Section(heading=_field(bullet, "bulletname"), html=content))
    for enclosure in element.findall("table[@name='enclosure']") if element is not None else []:
        if not _field(enclosure, "accessname").lower().startswith("lukket"):
            item.attachments.append(_field(enclosure, "name"))
    return item


# --- the PDF ----------------------------------------------------------------------------------

_HEADER_END_RE = re.compile(r"\d{4}\s*-\s*kl\.\s*\d{1,2}[:.]\d{2}\s*$")
_FRONT_DATE_RE = re.compile(r"^(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) den ", re.I)


def sniff_pdf(source: Source) -> int:
    text = source.text
    if not text or not source.is_pdf:
        return 0
    head = text[:3000]
    if re.search(r"^Referat For .+ Side \d+", text, re.M) and re.search(r"^Sagsnr\.?:", text, re.M):
        return 90
    if re.search(r"^(?:Referat|Dagsorden)[ \t]*$", head, re.M) and re.search(
        r"^Sagen afgøres i:", text, re.M
    ):
        return 80
    return 0


def read_pdf(source: Source, notes: Notes) -> list[DraftMeeting]:
    lines = without_running_headers(source.pages, marker=_HEADER_END_RE)
    front = source.pages[0].splitlines()
    document = "referat"
    body = ""
    date = None
    time = None
    location: list[str] = []
    attendance: list[str] = []
    for i, raw in enumerate(front):
        line = raw.strip()
        if not line or re.fullmatch(r"\d+\s+(?:of|af)\s+\d+", line):
            continue
        if line.lower() in ("referat", "dagsorden") and not body:
            document = line.lower()
            continue
        if not body:
            body = line
            continue
        if date is None and _FRONT_DATE_RE.match(line):
            date = find_date(line)
            continue
        if date is not None and time is None and (found := find_time(line)):
            time = found
            continue
        if line.lower().rstrip(":") in ("medlemmer", "fraværende", "afbud", "tilstede"):
            attendance = front[i:]
            break
        if time is not None:
            location.append(line)
    if date is None:
        raise ValueError("Mødedatoen står ikke på forsiden.")
    draft = DraftMeeting(
        body=body,
        date=date,
        time=time,
        location=location[0] if location else "",
        participants=attendance_from_lines(attendance),
        document=document,
    )
    if len(location) > 1:
        notes.guesses.append(
            f"Mødestedet er sat til “{location[0]}”; adressen ({', '.join(location[1:])}) er "
            f"udeladt."
        )
    draft.items = read_items(lines)
    return [draft]
