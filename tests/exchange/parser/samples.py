"""The three real minutes of Direktionen the parser is tested on, what they must give, and
variants derived from them.

No database: the parser is pure Python. The variants are built from the samples in code, so each
shows one way real minutes differ (capital headings, Bilag first, no participants line, a
misspelt table of contents, PDF page noise …) and must still give the same items.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import textwrap
from pathlib import Path

from exchange.parser import ParsedItem, ParsedMinutes, parse_minutes

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE_DIR = Path(__file__).resolve().parents[3] / "exchange" / "demo_minutes"
MARCH_2017 = "direktionen-2017-03-20.txt"
JUNE_2017 = "direktionen-2017-06-26.txt"
APRIL_2018 = "direktionen-2018-04-23.txt"
SAMPLES = (MARCH_2017, JUNE_2017, APRIL_2018)
SECTION_WORDS = ("Baggrund", "Indstilling", "Sagsfremstilling", "Økonomi", "Bilag")


@functools.cache
def sample(name: str) -> str:
    return (SAMPLE_DIR / name).read_text(encoding="utf-8")


@functools.cache
def parsed(name: str) -> ParsedMinutes:
    # Cached: the tests only read the result, and parsing once keeps the file fast.
    return parse_minutes(sample(name))


def item(name: str, number: int) -> ParsedItem:
    return parsed(name).items[number - 1]


def without_lines(items: list[ParsedItem]) -> list[ParsedItem]:
    """Items compared across variants: a variant moves lines, so source line numbers differ."""
    return [dataclasses.replace(it, line=0) for it in items]


def line_of(text: str, wanted: str) -> int:
    return text.split("\n").index(wanted) + 1


def minutes(
    *items: str, meta: str | None = None, header: str = "REFERAT Direktionen d. 20-03-2017"
) -> str:
    if meta is None:
        meta = (
            "Mødedato Mandag d. 20. marts 2017 kl. 10:00\n\nMødested B204\n\n"
            "Mødedeltagere Lars Holte, Kathrine Seier Skastrup (sekretær)"
        )
    return "\n\n".join([header, meta, *items]) + "\n"


EXPECTED_ITEMS: dict[str, list[tuple[int, str, str, bool]]] = {
    MARCH_2017: [
        (1, "Økonomiopfølgning - 20-03-2017", "16/26813", False),
        (2, "Lukket", "17/171", True),
        (3, "Godkendelse af handicappolitik og udsattepolitik", "15/14789", False),
        (4, "Etablering af ungdomskulturelt makerspace", "16/6952", False),
        (5, "Status på Office 365", "16/20774", False),
        (6, "Lukket", "16/17989", True),
        (7, "Øvrige sager - 20-03-2017", "16/26813", False),
        (8, "Lukket", "16/26813", True),
    ],
    JUNE_2017: [
        (1, "Økonomiopfølgning 26-06-2017", "16/26813", False),
        (2, "Øvrige sager 26-06-2017", "16/26813", False),
        (3, "Juni 2017 månedssag - Social- og Handicapcentret", "17/10714", False),
        (
            4,
            "Status på it-strategiske initiativer og halvårsdisponering af it promillepuljen, "
            "juni 2017",
            "17/3826",
            False,
        ),
        (5, "Valg af ny løsning til opkobling til HTKs systemer", "17/555", False),
        (6, "Status på udvidelsen af HTKLIS - juni 2017", "17/1639", False),
        (7, "Talentudvikling - deltagerbetaling", "16/17415", False),
        (8, "Lukket", "16/14675", True),
        (9, "Interne og tværgående kurser", "16/25257", False),
        (10, "Status på det fælleskommunale beredskab", "17/9882", False),
        (11, "Lukket", "16/26813", True),
    ],
    APRIL_2018: [
        (1, "Øvrige sager 23-04-2018", "17/22360", False),
        (2, "Program for præsentation af it-emner 23-04-2018", "17/22360", False),
        (3, "Udbud af KMD driftskontrakt", "17/8444", False),
        (4, "Implementeringsplan for ny omstilling", "16/17937", False),
        (
            5,
            "Status på it-strategiske initiativer og disponering af it promillepuljen, april 2018",
            "18/3650",
            False,
        ),
        (6, "Business case for implementering af nyt omsorgssystem", "17/7870", False),
        (7, "Selsmosekvarteret helhedsplan", "17/22513", False),
        (
            8,
            "Henvendelse fra Blå Kors Pensionat vedr. indsamling af brugt tøj på Rådhuset",
            "18/2634",
            False,
        ),
        (
            9,
            "Foranalyse: Sammenligning af Børne- og Ungetandplejen i en række kommuner",
            "16/24189",
            False,
        ),
        (10, "Årshjul 23-04-2018", "17/22360", False),
    ],
}

EXPECTED_OUTCOMES: dict[str, list[str | None]] = {
    MARCH_2017: [None, None, "Godkendt", "Udskudt", "Godkendt", None, None, None],
    JUNE_2017: [
        "Taget til efterretning",
        "Andet",
        "Taget til efterretning",
        "Godkendt",
        "Godkendt",
        "Taget til efterretning",
        "Andet",
        None,
        "Taget til efterretning",
        "Andet",
        None,
    ],
    APRIL_2018: [
        None,
        "Drøftet",
        "Godkendt",
        "Godkendt",
        "Godkendt",
        "Godkendt",
        "Taget til efterretning",
        "Afvist",
        "Godkendt",
        None,
    ],
}

EXPECTED_ATTACHMENTS: dict[str, dict[int, list[str]]] = {
    MARCH_2017: {
        1: ["Status på revisionsanbefalinger til direktionen - Januar 2017"],
        3: ["Handicappolitik", "Udsattepolitik", "Bilag - høringssvar til politikker fra centre"],
        4: ["Ungdomskulturelt makerspace med fokus på kreativitet, entreprenørskab og uddannelse"],
        5: ["Tidsplan for Office projekt HTK", "Projektmandat"],
    },
    JUNE_2017: {
        1: ["V2 Status på det specialiserede børneområde pr. 30-04-2017"],
        4: ["it-strategiske pejlemærker status 1. halvår 2017"],
        7: ["Budget for talentudviklingsforløbet"],
        9: ["Oversigt over kurser i 2015 - 2017"],
        10: [
            "Bilag 1 - Høje-Taastrup Kommunes beredskabsplanlægning - status",
            "Bilag 2 - Høje-Taastrup Kommune beredskabsprogram 2017.docx",
        ],
    },
    APRIL_2018: {
        2: ["IT-plancher til direktionsmøde 230418"],
        5: [
            "Bilag 1 - It-strategiske pejlemærker status 1. kvartal 2018",
            "Bilag 2 - Central netværksenhed",
        ],
        6: ["Business Case - Cura & FSIII", "Samlet projektmandater"],
        7: ["Selsmosekvarteret_helhedsplan_team_NielsBjørn_lowres_23032018.pdf"],
        9: ["Foranalyse: Sammenligning af Børne- og ungetandplejen i en række kommuner"],
        10: ["Årshjul 2018 - Direktionen"],
    },
}

MEETING_STARTS = {
    MARCH_2017: (datetime.datetime(2017, 3, 20, 10, 0), "B204"),
    JUNE_2017: (datetime.datetime(2017, 6, 26, 10, 0), "B204"),
    APRIL_2018: (datetime.datetime(2018, 4, 23, 12, 30), "Mødelokale B105"),
}


# ----------------------------------------------------------------------------------------------
# Variants derived from the samples
# ----------------------------------------------------------------------------------------------


def in_capitals(text: str) -> str:
    out = []
    for line in text.split("\n"):
        if line.startswith(("REFERAT ", "Beslutning Direktionen den")) or line in SECTION_WORDS:
            line = line.upper()
        line = re.sub(r"^Punkt (\d+):", r"PUNKT \1:", line)
        out.append(line)
    return "\n".join(out)


def item_chunks(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    starts = [i for i, line in enumerate(lines) if re.match(r"Punkt \d+: ", line)]
    chunks = [lines[a:b] for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
    return lines[: starts[0]], chunks


def bilag_first(text: str) -> str:
    """Move every item's Bilag list to right after its case number, then repeat the title."""
    head, chunks = item_chunks(text.split("\n"))
    out = list(head)
    for chunk in chunks:
        if "Bilag" not in chunk:
            out.extend(chunk)
            continue
        at = chunk.index("Bilag")
        bilag = chunk[at:]
        while bilag and not bilag[-1]:
            bilag.pop()
        title = chunk[0].split(": ", 1)[1]
        heading, case_number, rest = chunk[:2], chunk[2:4], chunk[4:at]
        out.extend([*heading, *case_number, *bilag, "", title, "", *rest])
    return "\n".join(out)


def with_page_noise(text: str, header: str, every: int = 25, footer: str = "") -> str:
    """Put a footer, "Side N af M" and a running header at a blank line every ``every`` lines."""
    out: list[str] = []
    page = 1
    for number, line in enumerate(text.split("\n"), start=1):
        out.append(line)
        if not line and number > 12 and number // every >= page:
            page += 1
            out.extend([*([footer] if footer else []), f"Side {page} af 24", "", header, ""])
    return "\n".join(out)


def physically_wrapped(text: str, width: int = 80) -> str:
    """The text as a PDF library gives it: printed lines, no blank line between paragraphs."""
    out: list[str] = []
    for line in text.split("\n"):
        if "\t" in line or not line.strip():
            out.extend([line] if line.strip() else [])
        else:
            out.extend(textwrap.wrap(line, width, break_on_hyphens=False))
    return "\n".join(out)


def item_facts(result: ParsedMinutes) -> list[object]:
    return [
        (
            i.number,
            i.title,
            i.case_number,
            i.closed,
            i.attachments,
            i.decision and (i.decision.outcome, i.decision.decided_on),
        )
        for i in result.items
    ]


def split_table(text: str, after_row: str, header_row: str, running_header: str) -> str:
    """Break a table across a page: page footer and header, then its header row again."""
    lines = text.split("\n")
    at = lines.index(after_row) + 1
    noise = ["", "Side 17 af 24", "", running_header, "", header_row]
    lines[at:at] = noise
    # A running header is only recognised as one when it comes back on another page.
    lines[12:12] = ["Side 2 af 24", running_header, ""]
    return "\n".join(lines)
