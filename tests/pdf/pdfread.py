"""Reading rendered PDFs back as a reader would: page texts, the table of contents as printed,
where each item heading stands, and the bookmarks."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cached_property

from pypdf import PdfReader

_TOC_LINE = re.compile(r"^(.*?)\s*\.{3,}\s*(\d+)\s*$")
_HEADING = re.compile(r"^Punkt (\d+): (.*)$")
_ENTRY_START = re.compile(r"^(Punkt|Bilag) \d+: ")


@dataclass
class ReadPdf:
    data: bytes

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.data))

    @cached_property
    def pages(self) -> list[str]:
        return [page.extract_text() or "" for page in self.reader.pages]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def toc(self) -> list[tuple[str, int]]:
        """The entries of "Indholdsfortegnelse" as printed: (title, page number); page 0 for
        a Bilag listed with a note instead of a page."""
        entries: list[tuple[str, int]] = []
        started = False
        pending = ""
        for page in self.pages:
            for line in page.splitlines():
                if not started:
                    started = line.strip() == "Indholdsfortegnelse"
                    continue
                if pending and _ENTRY_START.match(line):
                    if _ENTRY_START.match(pending):
                        entries.append((pending, 0))  # an entry without a page: a Bilag's note
                    pending = ""  # otherwise the page's running header
                if m := _TOC_LINE.match(line):
                    entries.append(((pending + " " + m[1]).strip(), int(m[2])))
                    pending = ""
                elif _HEADING.match(line) or line.strip() == "Kolofon":
                    return entries
                elif line.startswith("Side ") or not line.strip():
                    continue
                elif entries or pending or line.strip():
                    pending = (pending + " " + line).strip()
        return entries

    def item_toc(self) -> list[tuple[str, int]]:
        """The items' entries of the table of contents, without the Bilag under them."""
        return [entry for entry in self.toc() if entry[0].startswith("Punkt ")]

    def heading_pages(self) -> dict[int, int]:
        """Item number → the (1-based) page on which "Punkt N: …" stands."""
        found: dict[int, int] = {}
        for index, page in enumerate(self.pages, start=1):
            for line in page.splitlines():
                if _TOC_LINE.match(line):
                    continue  # the table of contents names the items too
                if m := _HEADING.match(line.strip()):
                    found.setdefault(int(m[1]), index)
        return found

    def item_pages(self, number: int) -> list[str]:
        """The texts of the pages item `number` runs over (up to the next item's heading)."""
        starts = self.heading_pages()
        first = starts[number]
        following = [page for n, page in starts.items() if n > number]
        last = (min(following) - 1) if following else len(self.pages)
        return self.pages[first - 1 : last]

    def bookmarks(self) -> list[tuple[str, int]]:
        """Top-level outline entries: (title, 1-based page)."""
        result = []
        for entry in self.reader.outline:
            if isinstance(entry, list):
                continue
            result.append((str(entry.title), self.reader.get_destination_page_number(entry) + 1))
        return result
