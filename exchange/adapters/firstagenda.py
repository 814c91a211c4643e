"""FirstAgenda: the publication web page of a meeting (items in table rows "punktrow", each
with its case number "sagsnummer", sections as <h3> headings over "resume" blocks, and the
attachments as "bilag-link") and the PDF FirstAgenda prints ("REFERAT Aarhus Byråd d.
27-08-2025", Mødedato, Mødested, "Punkt N: title", the case number on a line of its own)."""

from __future__ import annotations

import re

import lxml.html
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
    heading_kind,
    html_text,
    note_foreign_case_number,
)
from exchange.adapters._source import Source

NAME = "firstagenda"
HTML_LABEL = "FirstAgenda (webside)"
PDF_LABEL = "FirstAgenda (PDF)"
TEXT_LABEL = "FirstAgenda (tekst fra PDF)"

# What a web page around the minutes leaves in their text.
_WEB_LEFTOVERS = (
    "Til toppen",
    "Hent som PDF",
    "Kopier link",
    "Hent hele referatet",
    "Hent hele dagsordenen",
)


def _classed(element: etree._Element, tag: str, name: str) -> list[etree._Element]:
    return element.xpath(
        f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    )


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def sniff_html(source: Source) -> int:
    page = source.html
    if page is None:
        return 0
    if "punktrow" in page and ("sagsnummer" in page or "dagsordenDetaljer" in page):
        return 100
    return 0


def read_html(source: Source, notes: Notes) -> list[DraftMeeting]:
    assert source.html is not None
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, encoding="utf-8")
    tree = lxml.html.document_fromstring(source.html.encode("utf-8"), parser=parser)
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    heading = _text(next(iter(_classed(tree, "h1", "dato")), None))
    info_date = _text(
        next(
            iter(
                tree.xpath(
                    "//table[contains(@class,'dagsordeninfo')]//span[contains(@class,'dato')]"
                )
            ),
            None,
        )
    )
    when = info_date or heading
    date = find_date(when)
    if date is None:
        raise ValueError("Siden nævner ikke mødets dato.")
    body = _text(next(iter(_classed(tree, "span", "udvalg")), None))
    location = _text(next(iter(_classed(tree, "span", "sted")), None))
    document = "dagsorden" if heading.lower().startswith("dagsorden") else "referat"
    draft = DraftMeeting(
        body=body, date=date, time=find_time(when), location=location, document=document
    )
    attendance = next(iter(_classed(tree, "td", "deltagere")), None)
    if attendance is not None and _text(attendance):
        lines = html_text(etree.tostring(attendance, encoding="unicode")).splitlines()
        draft.participants = attendance_from_lines(["Tilstede", *lines])
    else:
        notes.unplaced.append("Siden har ingen deltagerliste (Mødedeltagere er tom).")
    for row in _classed(tree, "tr", "punktrow"):
        draft.items.append(_html_item(row, notes))
    return [draft]


def _html_item(row: etree._Element, notes: Notes) -> DraftItem:
    number_text = _text(next(iter(row.xpath(".//span[contains(@class,'label')]")), None))
    title = _text(next(iter(_classed(row, "h2", "overskrift")), None))
    number = int(number_text) if number_text.isdigit() else 0
    raw_case = _text(next(iter(_classed(row, "span", "sagsnummer")), None))
    closed = title.lower().startswith("lukket")
    if closed:
        title = re.sub(r"^lukket\s*:?\s*", "", title, flags=re.I) or "Lukket punkt"
    item = DraftItem(
        number=number,
        title=title,
        case_number=case_number(raw_case) if raw_case else None,
        closed=closed,
        attachments_from_sections=False,
    )
    note_foreign_case_number(raw_case, item, notes)
    heading = ""
    for element in row.xpath(
        ".//div[contains(@class,'punkt')]"
        "//*[self::h3 or (self::span and contains(@class,'resume'))]"
    ):
        if element.tag == "h3":
            heading = _text(element)
            continue
        content = etree.tostring(element, encoding="unicode", with_tail=False)
        content = re.sub(r"^<span[^>]*>|</span>$", "", content.strip())
        if heading:
            item.sections.append(Section(heading=heading, html=content))
        else:
            item.lead_html += content
        heading = ""
    item.attachments = [
        _text(a) for a in _classed(row, "a", "bilag-link") if _text(a) not in _WEB_LEFTOVERS
    ]
    return item


# --- the PDF ----------------------------------------------------------------------------------

_HEADER_RE = re.compile(
    r"^(?P<document>REFERAT|DAGSORDEN)\s+(?P<body>.+?)\s+d\.\s*"
    r"(?P<date>\d{1,2}-\d{1,2}-\d{4})[ \t]*$",
    re.M,
)
_ITEM_RE = re.compile(r"^Punkt\s+(?P<number>\d{1,4})\s*:\s*(?P<title>.*)$")
_META_RE = re.compile(
    r"^(?P<label>Mødedato|Mødested|Mødedeltagere|Deltagere|Afbud|Fraværende)\s*:?\s+(?P<value>.+)$"
)
_META_LABEL_RE = re.compile(
    r"(?:Mødedato|Mødested|Mødedeltagere|Deltagere|Afbud|Fraværende)[ \t]*:?"
)
_PAGE_NOISE_RE = re.compile(r"^(?:Side \d+(?: af \d+)?|\d+ af \d+|Til toppen|Hent som PDF)$")
# Headings of the FirstAgenda layout that are no sections of the case text itself.
PDF_HEADINGS = (
    "Beslutninger",
    "Beslutning",
    "Resume",
    "Resumé",
    "Beslutningspunkter",
    "Sagsforløb",
    "Bilag",
    "Baggrund",
    "Indstilling",
    "Sagsfremstilling",
    "Økonomi",
    "Tidligere beslutninger",
)


def _pdf_text(source: Source) -> str:
    """The text of the PDF, or of a text version of it (pdftotext, with or without
    -layout): there a page begins with a form feed on the line of its first words
    ("\fPunkt 1: …"), which would hide the line's start from the patterns below."""
    return (source.text or "").replace("\f", "\n")


def sniff_pdf(source: Source) -> int:
    return _sniff_printed(source) if source.is_pdf else 0


def sniff_text(source: Source) -> int:
    """The PDF's text saved as a text file (read as the PDF is): named apart in the report,
    so that the secretary sees which of the two files it was."""
    return _sniff_printed(source) if not source.is_pdf else 0


def _sniff_printed(source: Source) -> int:
    text = _pdf_text(source)
    if not text:
        return 0
    if _HEADER_RE.search(text[:3000]) and re.search(r"^[ \t]*Punkt[ \t]+\d+[ \t]*:", text, re.M):
        return 60
    return 0


def read_pdf(source: Source, notes: Notes) -> list[DraftMeeting]:
    text = _pdf_text(source)
    header = _HEADER_RE.search(text[:3000])
    assert header is not None
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if not _PAGE_NOISE_RE.match(ln)]
    first_item = next((i for i, ln in enumerate(lines) if _ITEM_RE.match(ln)), len(lines))
    meta = _pdf_meta(lines[:first_item])
    date = find_date(meta.get("Mødedato", "")) or find_date(header["date"])
    assert date is not None
    draft = DraftMeeting(
        body=header["body"],
        date=date,
        time=find_time(meta.get("Mødedato", "")),
        location=meta.get("Mødested", ""),
        document=header["document"].lower(),
    )
    people = [f"Tilstede: {meta[k]}" for k in ("Mødedeltagere", "Deltagere") if k in meta]
    people += [f"Afbud: {meta[k]}" for k in ("Afbud", "Fraværende") if k in meta]
    draft.participants = attendance_from_lines(people)
    if not draft.participants:
        notes.unplaced.append("Referatet har ingen deltagerliste (Mødedeltagere).")
    starts = [i for i in range(first_item, len(lines)) if _ITEM_RE.match(lines[i])]
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        draft.items.append(_pdf_item(lines[start:end], notes))
    _hyphens_from_contents(draft.items, lines[:first_item])
    return [draft]


_CONTENTS_LINE_RE = re.compile(r"^(?P<title>.+?)\.{4,}(?:\s*\d+)?$")


def _hyphens_from_contents(items: list[DraftItem], front: list[str]) -> None:
    """Titles as the table of contents prints them, where a title lost a hyphen at a line
    break ("ny 2030-" + "fremskrivning" comes out of plain pdftotext as "2030fremskrivning"):
    the contents give the title on one line, hyphen and all. Only a title that is the same
    but for its hyphens is replaced; the contents cut long titles short."""
    contents = {}
    for line in front:
        if match := _CONTENTS_LINE_RE.match(line):
            title = re.sub(r"^lukket\s*:\s*", "", match["title"].strip(), flags=re.I)
            contents[title.replace("-", "")] = title
    for item in items:
        printed = contents.get(item.title.replace("-", ""))
        if printed is not None and printed != item.title:
            item.title = printed


def _pdf_meta(lines: list[str]) -> dict[str, str]:
    """The labelled lines of the front page: "Mødedato Onsdag d. 27. august 2025 kl. 16:00"
    on one line (the PDF, pdftotext -layout), or the label on a line of its own and its value
    on the next line that is not empty (plain pdftotext prints the two columns apart)."""
    meta: dict[str, str] = {}
    pending = ""
    for line in lines:
        if not line:
            continue
        if match := _META_RE.match(line):
            meta.setdefault(match["label"], match["value"])
            pending = ""
        elif _META_LABEL_RE.fullmatch(line):
            pending = line.rstrip(":").strip()
        elif pending:
            meta.setdefault(pending, line)
            pending = ""
    return meta


def _pdf_item(lines: list[str], notes: Notes) -> DraftItem:
    match = _ITEM_RE.match(lines[0])
    assert match is not None
    title = match["title"]
    closed = title.lower().startswith("lukket")
    if closed:
        title = re.sub(r"^lukket\s*:?\s*", "", title, flags=re.I)
    item = DraftItem(number=int(match["number"]), title=title, closed=closed)
    index = 1
    # The title wraps until the case number, a heading, or the text of the item.
    while index < len(lines) and index <= 3:
        line = lines[index]
        if not line or case_number(line) or _is_pdf_heading(line):
            break
        if index == 1 and len(lines) > 2 and (case_number(lines[2]) or _is_pdf_heading(lines[2])):
            # "ny 2030-" + "fremskrivning": a word broken at its hyphen is joined without a space.
            joiner = "" if item.title.endswith("-") and line[:1].islower() else " "
            item.title += joiner + line
            index += 1
            continue
        break
    item.title = " ".join(item.title.split()) or "Lukket punkt"
    section: Section | None = None
    for line in lines[index:]:
        if not line:
            if section is not None:
                section.lines.append("")
            continue
        if (
            item.case_number is None
            and section is None
            and not item.lead
            and (number := case_number(line))
        ):
            item.case_number = number
            continue
        in_attachments = section is not None and section.heading == "Bilag"
        if _is_pdf_heading(line) and not in_attachments:
            # Bilag is the last section: the titles under it ("Indstilling") are no headings.
            section = Section(heading=line)
            item.sections.append(section)
            continue
        if section is None:
            item.lead.append(line)
        else:
            section.lines.append(line)
    if (
        item.closed
        and item.lead
        and not any(heading_kind(s.heading) == "decision" for s in item.sections)
    ):
        # A closed item's published text is its public decision.
        item.sections.insert(0, Section(heading="Beslutning", lines=item.lead))
        item.lead = []
        notes.guesses.append(
            f"Punkt {item.number}: den offentlige tekst af det lukkede punkt er læst som "
            f"beslutningen."
        )
    return item


def _is_pdf_heading(line: str) -> bool:
    text = line.strip()
    if text in PDF_HEADINGS:
        return True
    return heading_kind(text) == "decision" and len(text) < 100 and not text.endswith(".")
