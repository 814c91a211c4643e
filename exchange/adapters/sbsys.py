"""SBSYS: the eDagsorden publication XML (<Publication> with Agendas/Agenda, its Meeting,
Committee and Items; each item's fields carry HTML in CDATA; the format OS2dagsorden's
os2web_sbsys_esdh and OS2web's os2web_meetings_sbsys read). Fields marked IsFeedback hold
the decision: while they are empty the publication is an agenda, not minutes."""

from __future__ import annotations

from lxml import etree

from exchange.adapters._common import (
    DraftItem,
    DraftMeeting,
    Notes,
    Section,
    case_number,
    find_date,
    find_time,
    html_text,
    note_foreign_case_number,
)
from exchange.adapters._source import Source, xml_text

NAME = "sbsys"
LABEL = "SBSYS (XML)"


def sniff(source: Source) -> int:
    root = source.xml
    if root is None or root.tag != "Publication":
        return 0
    return 100 if root.find("Agendas/Agenda/Meeting") is not None else 0


def read(source: Source, notes: Notes) -> list[DraftMeeting]:
    root = source.xml
    assert root is not None
    meetings = []
    for agenda in root.findall("Agendas/Agenda"):
        meetings.append(_meeting(agenda, notes))
    return meetings


def _meeting(agenda: etree._Element, notes: Notes) -> DraftMeeting:
    raw_when = xml_text(agenda, "Meeting/When")
    date = find_date(raw_when)
    if date is None:
        raise ValueError(f"Mødets tidspunkt “{raw_when}” kan ikke læses.")
    draft = DraftMeeting(
        body=xml_text(agenda, "Committee/Name") or xml_text(agenda, "Name"),
        date=date,
        time=find_time(raw_when),
        location=xml_text(agenda, "Meeting/Where"),
    )
    undecided = 0
    for member in agenda.findall("Meeting/Members/MeetingMember"):
        name = " ".join(xml_text(member, "Name").split())
        status = xml_text(member, "ParticipationStatusAsText").lower()
        if not name:
            continue
        if status in ("", "notdecided"):
            undecided += 1
            continue
        person: dict[str, object] = {"name": name}
        if status not in ("participating", "present", "deltager"):
            person["present"] = False
        draft.participants.append(person)
    if undecided:
        notes.unplaced.append(
            f"Deltagelsen er endnu ikke afgjort for {undecided} medlemmer; de er ikke "
            f"importeret som deltagere."
        )
    decided = False
    for element in agenda.findall("Items/Item"):
        item, has_decision = _item(element, notes)
        decided = decided or has_decision
        draft.items.append(item)
    draft.items.sort(key=lambda i: i.number)
    if not decided:
        draft.document = "dagsorden"
        notes.guesses.append(
            "Ingen beslutningsfelter er udfyldt: filen er læst som en dagsorden, ikke et referat."
        )
    return draft


def _item(element: etree._Element, notes: Notes) -> tuple[DraftItem, bool]:
    number_text = xml_text(element, "Number")
    number = int(number_text) if number_text.isdigit() else 0
    raw_case = xml_text(element, "Case/Number")
    item = DraftItem(
        number=number,
        title=xml_text(element, "Caption"),
        case_number=case_number(raw_case) if raw_case else None,
        closed=xml_text(element, "IsPublic").lower() == "false",
        attachments_from_sections=False,
    )
    note_foreign_case_number(raw_case, item, notes)
    has_decision = False
    fields = element.findall("Fields/ItemField")
    for field in sorted(fields, key=lambda f: int(xml_text(f, "Index") or 0)):
        content = xml_text(field, "Content")
        caption = xml_text(field, "Caption")
        is_decision = xml_text(field, "IsFeedback").lower() == "true"
        if not html_text(content):
            continue
        if is_decision:
            has_decision = True
            caption = caption if caption.lower().startswith("beslutning") else "Beslutning"
        if not caption:
            item.lead_html += content
            continue
        item.sections.append(Section(heading=caption, html=content))
    for enclosure in element.findall("Enclosures/Enclosure"):
        if xml_text(enclosure, "IsPublic").lower() != "false":
            item.attachments.append(xml_text(enclosure, "Name") or xml_text(enclosure, "FileName"))
    return item, has_decision
