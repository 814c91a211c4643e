"""Item text as ESDH systems print it: a numbered title ("2. Bygningsvedligeholdelse",
"715. Kulturkommune 2017"), a labelled case number ("Sagsnr.: 2012-28504") and sections
under headings on lines of their own. eDoc and Acadre print their items so, in their PDFs
and in eDoc's XML full text alike; this reads that text into DraftItems."""

from __future__ import annotations

import re

from exchange.adapters._common import DraftItem, Section, heading_kind, labelled_case_number

_NUMBERED_TITLE_RE = re.compile(r"^(?P<number>\d{1,4})\.\s+(?P<title>\S.*?)\s*$")
# Lines that only label the item (the document's own number, who decides) are no content.
_LABEL_LINE_RE = re.compile(
    r"^(?:Dok\.?\s*nr\.?|Dokumentnr\.?|Sagen afgøres i|Beslutningen træffes af\b.+)", re.I
)
_NOT_TAKING_PART_RE = re.compile(r"^Følgende deltog ikke i behandlingen", re.I)
_CLOSED_PART_RE = re.compile(r"^Lukket (?:referat|dagsorden)\s*$", re.I)
# Where the items end: the page the members sign.
_END_RE = re.compile(r"^(?:Underskriftsside|Underskrifter)\s*$", re.I)
_SUB_ITEM_RE = re.compile(r"^[a-zæøå]\.(?:\s|$)")
HEADING_MAX = 140


def is_heading(line: str) -> bool:
    """A line of its own that is a known section heading (not a sentence that starts with
    one of the words)."""
    text = line.strip()
    if not text or len(text) > HEADING_MAX or text.endswith((".", ",", ";")):
        return False
    return heading_kind(text) != "unknown"


def item_starts(lines: list[str]) -> list[int]:
    """Where items begin: a numbered title followed, before any section, by its labelled
    case number (a table of contents has numbered titles too, but no Sagsnr.)."""
    starts = []
    for i, line in enumerate(lines):
        if not _NUMBERED_TITLE_RE.match(line.strip()):
            continue
        ahead = [ln.strip() for ln in lines[i + 1 : i + 12] if ln.strip()][:5]
        for following in ahead:
            if labelled_case_number(following) is not None or following.lower().startswith(
                "sagsnr"
            ):
                starts.append(i)
                break
            if is_heading(following) or _NUMBERED_TITLE_RE.match(following):
                break
    return starts


def read_items(lines: list[str], *, closed_from_marker: bool = True) -> list[DraftItem]:
    """The items of the text: each from its numbered title to the next item's."""
    starts = item_starts(lines)
    items = []
    closed = False
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        item = read_item(lines[start:end])
        item.closed = item.closed or closed
        items.append(item)
        # "Lukket referat" after an item (not in the table of contents before the first)
        # begins the closed part: every item after it is closed.
        if closed_from_marker and any(_CLOSED_PART_RE.match(ln.strip()) for ln in lines[start:end]):
            closed = True
    return items


def read_item(lines: list[str]) -> DraftItem:
    first = _NUMBERED_TITLE_RE.match(lines[0].strip())
    assert first is not None
    item = DraftItem(number=int(first["number"]), title=first["title"])
    index = 1
    # A title that wraps continues until the case number.
    while (
        index < len(lines)
        and lines[index].strip()
        and not lines[index].strip().lower().startswith("sagsnr")
    ):
        if is_heading(lines[index]):
            break
        item.title += " " + lines[index].strip()
        index += 1
    item.title = " ".join(item.title.split())
    section: Section | None = None
    not_taking_part: list[str] | None = None
    for raw in lines[index:]:
        line = raw.strip()
        if _CLOSED_PART_RE.match(line) or _END_RE.match(line):
            break
        if item.case_number is None and line.lower().startswith("sagsnr"):
            item.case_number = labelled_case_number(line)
            continue
        if _LABEL_LINE_RE.match(line):
            continue
        if _NOT_TAKING_PART_RE.match(line):
            not_taking_part = []
            continue
        if not_taking_part is not None:
            if line:
                not_taking_part.append(line)
            continue
        if is_heading(line):
            section = Section(heading=line.rstrip(":"))
            item.sections.append(section)
            continue
        if (
            section is not None
            and heading_kind(section.heading) == "attachments"
            and _SUB_ITEM_RE.match(line)
        ):
            # A sub-item ("c. Konference …") after a sub-item's attachments is no attachment.
            section = None
        if section is None:
            item.lead.append(line)
        else:
            section.lines.append(line)
    if not_taking_part:
        # "Følgende deltog ikke i behandlingen af punktet:" and the names under it: said in
        # a sentence the protocol reader knows, under the decision it belongs to.
        names = ", ".join(not_taking_part)
        target = next(
            (s for s in reversed(item.sections) if heading_kind(s.heading) == "decision"), None
        )
        if target is not None:
            target.lines += ["", f"{names} deltog ikke i behandlingen."]
    for s in item.sections:
        while s.lines and not s.lines[-1]:
            s.lines.pop()
    return item


def without_running_headers(pages: list[str], *, marker: re.Pattern[str]) -> list[str]:
    """The lines of the pages without each page's running header: the lines at the top of a
    page down to and including the first line that `marker` matches (e.g. "Side 3"), when
    one does within the first eight lines, and a page counter ("3 of 5") anywhere."""
    lines: list[str] = []
    for page in pages:
        page_lines = page.splitlines()
        for i, line in enumerate(page_lines[:8]):
            if marker.search(line):
                page_lines = page_lines[i + 1 :]
                break
        lines.extend(
            ln for ln in page_lines if not re.fullmatch(r"\s*\d+\s+(?:of|af)\s+\d+\s*", ln)
        )
    return lines
