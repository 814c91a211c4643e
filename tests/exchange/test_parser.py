"""The legacy-minutes parser, on three real minutes of Direktionen and variants derived from them.

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

import pytest

from exchange.parser import (
    Decision,
    Heading,
    ListBlock,
    MinutesParseError,
    Paragraph,
    ParsedItem,
    ParsedMinutes,
    Table,
    blocks_to_html,
    html_to_blocks,
    infer_outcome,
    normalise_pdf_text,
    parse_minutes,
)

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "exchange" / "demo_minutes"
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


# ----------------------------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------------------------


class TestTheHeader:
    @pytest.mark.parametrize("name", SAMPLES)
    def test_it_reads_the_body_date_time_and_place(self, name: str) -> None:
        result = parsed(name)
        starts_at, location = MEETING_STARTS[name]
        assert result.document == "referat"
        assert result.body == "Direktionen"
        assert result.starts_at == starts_at
        assert result.location == location

    @pytest.mark.parametrize("name", SAMPLES)
    def test_it_reads_the_participants_with_their_roles(self, name: str) -> None:
        people = [(p.name, p.role, p.absent) for p in parsed(name).participants]
        assert people == [
            ("Lars Holte", "", False),
            ("Jørgen Lerhard", "", False),
            ("Per Aalbæk Nielsen", "", False),
            ("Charlotte Markussen", "", False),
            ("Kathrine Seier Skastrup", "sekretær", False),
        ]

    @pytest.mark.parametrize("name", SAMPLES)
    def test_the_real_minutes_parse_without_warnings(self, name: str) -> None:
        assert parsed(name).warnings == []

    def test_it_reads_the_table_of_contents_with_page_numbers(self) -> None:
        toc = parsed(MARCH_2017).toc
        assert [(e.title, e.page) for e in toc[:3]] == [
            ("Økonomiopfølgning - 20-03-2017", 3),
            ("Lukket", 4),
            ("Godkendelse af handicappolitik og udsattepolitik", 5),
        ]
        assert len(toc) == 8

    def test_it_marks_absent_members_and_roles_in_parentheses(self) -> None:
        text = minutes(
            "Punkt 1: Lukket\n\n17/171",
            meta=(
                "Mødedato 20-03-2017 kl. 10.00\n\nMødested Teams\n\n"
                "Mødedeltagere Lars Holte (formand), Jørgen Lerhard, Charlotte Markussen (afbud),\n"
                "Kathrine Seier Skastrup (sekretær, referent)\n\n"
                "Afbud: Jørgen Lerhard og Per Aalbæk Nielsen"
            ),
        )
        people = [(p.name, p.role, p.absent) for p in parse_minutes(text).participants]
        assert people == [
            ("Lars Holte", "formand", False),
            ("Jørgen Lerhard", "", True),
            ("Charlotte Markussen", "", True),
            ("Kathrine Seier Skastrup", "sekretær, referent", False),
            ("Per Aalbæk Nielsen", "", True),
        ]

    def test_it_reads_a_header_in_capitals_and_a_numeric_meeting_date(self) -> None:
        text = minutes(
            "PUNKT 1: LUKKET\n\n15/1234",
            header="REFERAT DIREKTIONEN D. 10-03-2015",
            meta="MØDEDATO: 10.03.2015, kl. 9.30\n\nMØDESTED: Mødelokale B105",
        )
        result = parse_minutes(text)
        assert result.body == "Direktionen"
        assert result.starts_at == datetime.datetime(2015, 3, 10, 9, 30)
        assert result.location == "Mødelokale B105"
        assert result.items[0].closed

    def test_it_reads_an_agenda_of_another_body_with_a_danish_month_name(self) -> None:
        text = minutes(
            "Punkt 1: Budget 2020\n\n19/1234\n\nBaggrund\n\nBudgettet fremlægges.",
            header="DAGSORDEN Økonomiudvalget den 12. maj 2019",
            meta="Mødedato Søndag d. 12. maj 2019 kl. 16:00\n\nMødested Byrådssalen",
        )
        result = parse_minutes(text)
        assert result.document == "dagsorden"
        assert result.body == "Økonomiudvalget"
        assert result.starts_at == datetime.datetime(2019, 5, 12, 16, 0)
        assert result.items[0].decision is None

    def test_it_warns_when_the_weekday_does_not_fit_the_date(self) -> None:
        text = minutes(
            "Punkt 1: Lukket\n\n17/171", meta="Mødedato Tirsdag d. 20. marts 2017 kl. 10"
        )
        assert "Mødedatoen siger tirsdag, men 20-03-2017 er en mandag." in (
            parse_minutes(text).warnings
        )


class TestTheItems:
    @pytest.mark.parametrize("name", SAMPLES)
    def test_it_reads_every_items_number_title_case_and_closed_flag(self, name: str) -> None:
        got = [(i.number, i.title, i.case_number, i.closed) for i in parsed(name).items]
        assert got == EXPECTED_ITEMS[name]

    @pytest.mark.parametrize("name", SAMPLES)
    def test_it_reads_the_decision_outcome_and_date(self, name: str) -> None:
        result = parsed(name)
        outcomes = [i.decision.outcome if i.decision else None for i in result.items]
        assert outcomes == EXPECTED_OUTCOMES[name]
        for it in result.items:
            if it.decision:
                assert it.decision.decided_on == result.starts_at.date()
                assert it.decision.body == "Direktionen"

    @pytest.mark.parametrize("name", SAMPLES)
    def test_it_reads_the_attachment_titles(self, name: str) -> None:
        got = {i.number: i.attachments for i in parsed(name).items if i.attachments}
        assert got == EXPECTED_ATTACHMENTS[name]

    def test_it_records_the_source_line_of_each_item_heading(self) -> None:
        lines = sample(APRIL_2018).split("\n")
        for it in parsed(APRIL_2018).items:
            assert lines[it.line - 1].startswith(f"Punkt {it.number}: ")

    def test_a_closed_item_has_no_content(self) -> None:
        closed = item(MARCH_2017, 2)
        assert closed.background == closed.presentation == []
        assert closed.attachments == []
        assert closed.recommendation is None and closed.decision is None

    def test_an_item_with_a_title_but_no_sections_is_empty_and_open(self) -> None:
        text = minutes("Punkt 1: Orientering fra formanden\n\n17/171", "Punkt 2: Lukket\n\n17/172")
        first = parse_minutes(text).items[0]
        assert (first.title, first.case_number, first.closed) == (
            "Orientering fra formanden",
            "17/171",
            False,
        )
        assert first.background == first.presentation == []

    def test_a_long_title_wrapped_onto_the_next_line_is_joined(self) -> None:
        text = minutes(
            "Punkt 1: Status på it-strategiske initiativer og\nhalvårsdisponering\n\n17/3826"
        )
        assert parse_minutes(text).items[0].title == (
            "Status på it-strategiske initiativer og halvårsdisponering"
        )


class TestTheSections:
    def test_a_repeated_section_word_inside_sagsfremstilling_is_a_sub_heading(self) -> None:
        udbud = item(APRIL_2018, 3)
        assert [type(b) for b in udbud.background] == [Paragraph, Paragraph]
        assert udbud.background[0] == Paragraph(
            "Direktionen traf den 10-01-2018 beslutning om, at HTK går i udbud med "
            "it-driftskontrakten med KMD."
        )
        headings = [b.text for b in udbud.presentation if isinstance(b, Heading)]
        assert headings == [
            "Baggrund",
            "Udbuddet",
            "a) Helpdesk",
            "b) Pakning og distribution af programpakker til brugerne",
            "Tidsplan",
        ]
        assert udbud.presentation[0] == Heading("Baggrund")
        assert udbud.economy[0] == Paragraph(
            "Udbuddet forventes gennemført indenfor en ramme på 0,8 mio. kr. til konsulentbistand "
            "(Devoteam og Bird & Bird), også jf. beslutning i direktionen den 10-01-2018."
        )

    def test_okonomi_after_sagsfremstilling_is_its_own_section(self) -> None:
        it_status = item(JUNE_2017, 4)
        assert it_status.economy[0] == Paragraph(
            "Budget og disponering på it-promillepuljen med denne sag:"
        )
        assert Heading("Effektiviseringspotentialer") in it_status.economy
        assert Heading("Tabel 1: Overføres til ØDC i 2017") in it_status.presentation

    def test_a_decision_keeps_its_own_sub_heading(self) -> None:
        decision = item(JUNE_2017, 2).decision
        assert decision is not None
        assert decision.blocks == [
            Heading("Årshjul"),
            Paragraph("Direktionsmøderne fastholdes om mandagen."),
        ]

    def test_enclosure_markers_and_bold_markup_are_dropped(self) -> None:
        background = item(APRIL_2018, 2).background
        assert Heading("It-driftsudbud") in background
        assert all(
            "./.." not in b.text and "**" not in b.text
            for b in background
            if isinstance(b, (Paragraph, Heading))
        )
        assert any(
            "revidering af digitaliseringsstrategien skal" in b.text
            for b in background
            if isinstance(b, Paragraph)
        )

    def test_a_paragraph_split_by_the_pdf_continues_after_the_blank_line(self) -> None:
        paragraphs = [b.text for b in item(MARCH_2017, 5).presentation if isinstance(b, Paragraph)]
        assert paragraphs[-1].endswith(
            'da BAC er "ejer" af telefonomstillingen og BURC aktuelt efterspørger skype-løsninger.'
        )
        assert not any(p.startswith("telefonomstillingen") for p in paragraphs)

    def test_a_numbered_list_continues_across_a_split_item(self) -> None:
        lists = [b for b in item(APRIL_2018, 9).presentation if isinstance(b, ListBlock)]
        numbered, options = lists
        assert numbered.ordered and len(numbered.items) == 5
        assert numbered.items[3].endswith(
            "Dette kan dog forklares ved, at Høje-Taastrup Kommunes Tandpleje har egen "
            "tandreguleringsklinik med ansat specialtandlæge, hvilket de tre andre kommuner "
            "ikke har."
        )
        assert not options.ordered
        assert options.items[0].startswith("Centralisering af klinikkerne:")

    def test_bullets_of_every_kind_make_unordered_lists(self) -> None:
        gains = item(APRIL_2018, 6).presentation
        at = gains.index(Heading("Gevinster"))
        bullets = gains[at + 1]
        assert isinstance(bullets, ListBlock) and not bullets.ordered
        assert len(bullets.items) == 4  # one "- " item, three "· " items
        assert bullets.items[1].startswith("Der er ikke beregnet særskilte potentiale")

    def test_short_lines_without_body_text_stay_paragraphs(self) -> None:
        assert item(APRIL_2018, 1).background == [
            Paragraph("Opfølgning på studietur med Byrådet"),
            Paragraph("Sommerferie, telefonvagt"),
            Paragraph("Vedlagt skema til direktionens drøftelse"),
        ]
        dates = [b for b in item(APRIL_2018, 10).background if isinstance(b, Heading)]
        assert dates == []


class TestTheTables:
    def test_tab_separated_lines_are_a_table_with_blank_cells_kept(self) -> None:
        table = next(b for b in item(APRIL_2018, 3).presentation if isinstance(b, Table))
        assert table.header_rows == 1
        assert table.rows[0] == ["Vægt", "Delkriterier", "Vægt", "Underkriterier"]
        assert table.rows[1] == ["50", "Pris", "", ""]
        assert table.rows[3] == ["", "", "10", "Løsningens fleksibilitet og skalerbarhed"]
        # The blank line inside the table does not end it.
        assert len(table.rows) == 12
        assert table.rows[-1] == [
            "5",
            "Contract management services",
            "100",
            "Understøttelse af Kundens contract management",
        ]

    def test_the_project_economy_is_one_table_with_a_header(self) -> None:
        economy = item(APRIL_2018, 6).economy
        assert economy[0] == Heading("Projektets samlede økonomi")
        table = economy[1]
        assert isinstance(table, Table)
        assert table.header_rows == 1
        assert table.rows[0] == ["", "2017", "2018", "2019", "2020", "2021"]
        assert len(table.rows) == 27
        assert table.rows[-1] == [
            "i alt",
            "766.392",
            "15.324.179",
            "3.564.005",
            "-9.761.564",
            "-9.761.564",
        ]

    def test_a_table_whose_header_is_repeated_after_a_page_break_is_one_table(self) -> None:
        tables = [b for b in item(JUNE_2017, 4).presentation if isinstance(b, Table)]
        assert len(tables) == 2
        first = tables[0]
        assert (
            first.rows.count(["Punkt", "Disponering af it-promillepulje", "reference", "2017"]) == 1
        )
        assert len(first.rows) == 27
        assert ["", "I alt", "", "5.220"] in first.rows

    def test_inline_html_in_cells_is_reduced_to_text(self) -> None:
        first = next(b for b in item(JUNE_2017, 4).presentation if isinstance(b, Table))
        assert [
            "",
            "* heraf varige udgifter, som omplaceres fra 2017 og frem",
            "",
            "2.320",
        ] in first.rows

    def test_a_table_of_amounts_only_has_no_header(self) -> None:
        tables = [b for b in item(APRIL_2018, 6).economy if isinstance(b, Table)]
        assert tables[1].rows[0] == ["Projektmedarbejder", "450.000"]
        assert tables[1].header_rows == 0


class TestTheRecommendation:
    def test_a_numbered_recommendation_has_a_lead_in_and_clauses(self) -> None:
        rec = item(MARCH_2017, 3).recommendation
        assert rec is not None
        assert (rec.unit, rec.lead_in, rec.numbered) == (
            "",
            "Det indstilles, at Direktionen godkender:",
            True,
        )
        assert rec.clauses == [
            "Handicappolitikken med henblik på videre behandling i Socialudvalget, "
            "Økonomiudvalget og Byrådet",
            "Udsattepolitikken med henblik på videre behandling i Socialudvalget, "
            "Økonomiudvalget og Byrådet",
        ]

    def test_the_proposing_unit_is_read_from_the_lead_in(self) -> None:
        rec = item(MARCH_2017, 5).recommendation
        assert rec is not None
        assert (rec.unit, rec.lead_in, rec.numbered) == ("ØDC", "ØDC indstiller,", False)
        assert rec.clauses == [
            "at direktionen godkender projektmandatet og tager orienteringen i øvrigt til "
            "efterretning."
        ]
        joint = item(APRIL_2018, 4).recommendation
        assert joint is not None and joint.unit == "ØDC og BAC"

    def test_an_inline_clause_is_split_from_its_lead_in(self) -> None:
        rec = item(JUNE_2017, 3).recommendation
        assert rec is not None
        assert rec.lead_in == "Det indstilles,"
        assert rec.clauses == ["at Direktionen godkender månedssagen pr. 31-05-2017."]

    def test_at_paragraphs_are_clauses_and_a_list_under_one_is_its_options(self) -> None:
        rec = item(APRIL_2018, 5).recommendation
        assert rec is not None
        assert rec.lead_in == "ØDC indstiller,"
        assert len(rec.clauses) == 4
        assert rec.clauses[2].split("\n") == [
            "At direktionen beslutter finansiering af merudgift til Sensum, enten",
            "- Varig finansiering via it-promillepulje",
            "- Varig finansiering via opskrivning af effektiviseringskrav på indkøbspuljen",
            "- Varig finansiering via tilpasning af antal stillinger i SHC (nedlæggelse af ca. "
            "0,6 årsværk)",
        ]

    def test_bullets_numbered_with_parentheses_are_numbered_clauses(self) -> None:
        rec = item(JUNE_2017, 7).recommendation
        assert rec is not None
        assert (rec.unit, rec.numbered) == ("HR-Centret", True)
        assert rec.clauses == [
            "Deltagerbetalingen på talentudviklingsforløbet sættes til 1.000 kr. pr. deltager",
            "Deltagerbetalingen forfalder i år 2018",
        ]
        assert rec.blocks[1] == ListBlock(True, rec.clauses)

    def test_a_clause_cut_by_loose_lines_gets_them_back(self) -> None:
        rec = item(APRIL_2018, 6).recommendation
        assert rec is not None and rec.numbered
        assert len(rec.clauses) == 2
        assert rec.clauses[0].endswith(
            "og der bevilges 0,460 mio. kr. af promillepuljen 2,015 mio. kr. anlægspuljen til "
            "realisering af Nye rammer, ny administration"
        )
        assert rec.clauses[1] == "At der tidligst realiseres en effektiviseringsgevinst i år 2020"

    def test_a_lone_at_sentence_is_a_clause_without_lead_in(self) -> None:
        rec = item(APRIL_2018, 7).recommendation
        assert rec is not None
        assert (rec.lead_in, rec.clauses) == (
            "",
            [
                "At direktionen godkender orienteringen om indholdet i helhedsplanen for "
                "Selsmosekvarteret."
            ],
        )


class TestTheDecisionOutcome:
    @pytest.mark.parametrize(
        ("text", "outcome"),
        [
            ("Godkendt.", "Godkendt"),
            ("Projektmandatet blev godkendt. Det blev påpeget …", "Godkendt"),
            ("Sagen godkendes, idet effektiviseringsgevinsten vurderes igen.", "Godkendt"),
            ("Orienteringen blev taget til efterretning.", "Taget til efterretning"),
            ("Taget efterretning med en kommentar om …", "Taget til efterretning"),
            ("Direktionen drøftede it-emnerne. Det blev påpeget, at:", "Drøftet"),
            ("Udskudt.", "Udskudt"),
            ("Direktionen ser positivt på indsatsen, men vælger at sige nej.", "Afvist"),
            ("Indstillingen blev ikke godkendt.", "Afvist"),
            ("Direktionen besluttede at fastholde deltagerbetalingen.", "Andet"),
            ("", ""),
        ],
    )
    def test_it_infers_the_outcome_from_the_opening_words(self, text: str, outcome: str) -> None:
        assert infer_outcome(text) == outcome

    def test_decisions_of_other_bodies_are_kept_apart(self) -> None:
        text = minutes(
            "Punkt 1: Budget 2020\n\n19/1234\n\n"
            "Beslutning Økonomiudvalget den 12-05-2019\n\nAnbefales.\n\n"
            "Beslutning Byrådet den 27-05-2019\n\nGodkendt.",
            header="REFERAT Byrådet d. 27-05-2019",
            meta="Mødedato 27-05-2019 kl. 19:00\n\nMødested Byrådssalen",
        )
        it = parse_minutes(text).items[0]
        assert it.decision == Decision(
            "Byrådet", datetime.date(2019, 5, 27), "Godkendt", [Paragraph("Godkendt.")]
        )
        assert [(d.body, d.decided_on) for d in it.other_decisions] == [
            ("Økonomiudvalget", datetime.date(2019, 5, 12))
        ]

    def test_a_decision_heading_with_an_unreadable_date_is_still_a_decision(self) -> None:
        text = minutes("Punkt 1: Budget\n\n19/1\n\nBeslutning Direktionen den 20/3\n\nGodkendt.")
        result = parse_minutes(text)
        assert result.items[0].decision == Decision(
            "Direktionen", None, "Godkendt", [Paragraph("Godkendt.")]
        )
        assert result.warnings == [
            "Punkt 1: datoen i “Beslutning Direktionen den 20/3” kan ikke læses; beslutningen "
            "står uden dato."
        ]

    def test_only_another_bodys_earlier_decision_is_history(self) -> None:
        text = minutes(
            "Punkt 1: Budget 2020\n\n19/1234\n\n"
            "BESLUTNING ØKONOMIUDVALGET DEN 12-05-2019\n\nGodkendt."
        )
        it = parse_minutes(text).items[0]
        assert it.decision is None
        assert it.other_decisions[0].body == "Økonomiudvalget"


class TestTheVariants:
    @pytest.mark.parametrize("name", SAMPLES)
    def test_headings_in_capitals_give_the_same_items(self, name: str) -> None:
        variant = parse_minutes(in_capitals(sample(name)))
        original = parsed(name)
        assert variant.body == "Direktionen"
        assert variant.warnings == []

        def shape(result: ParsedMinutes) -> list[object]:
            return [
                (
                    i.number,
                    i.title,
                    i.case_number,
                    i.closed,
                    i.attachments,
                    i.decision and (i.decision.body, i.decision.outcome, i.decision.decided_on),
                    i.recommendation and i.recommendation.clauses,
                    [type(b) for b in (*i.background, *i.presentation, *i.economy)],
                )
                for i in result.items
            ]

        assert shape(variant) == shape(original)

    @pytest.mark.parametrize("name", SAMPLES)
    def test_bilag_before_baggrund_with_the_title_repeated_gives_the_same_items(
        self, name: str
    ) -> None:
        text = bilag_first(sample(name))
        assert text != sample(name)
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert without_lines(variant.items) == without_lines(parsed(name).items)

    @pytest.mark.parametrize("name", SAMPLES)
    def test_a_missing_participants_line_gives_a_warning_and_the_same_items(
        self, name: str
    ) -> None:
        text = "\n".join(
            line for line in sample(name).split("\n") if not line.startswith("Mødedeltagere")
        )
        variant = parse_minutes(text)
        assert variant.participants == []
        assert variant.warnings == ["Mødedeltagere mangler."]
        assert without_lines(variant.items) == without_lines(parsed(name).items)

    def test_a_misspelt_table_of_contents_title_gives_a_warning(self) -> None:
        text = sample(MARCH_2017).replace("Status på Office 365.....", "Status paa Ofice 365.....")
        variant = parse_minutes(text)
        assert variant.warnings == [
            "Indholdsfortegnelsen staver punkt 5 anderledes: “Status paa Ofice 365” "
            "(punktet hedder “Status på Office 365”)."
        ]
        assert without_lines(variant.items) == without_lines(parsed(MARCH_2017).items)

    def test_a_table_of_contents_with_an_entry_missing_gives_a_count_warning(self) -> None:
        text = sample(JUNE_2017).replace("Talentudvikling - deltagerbetaling.....\t18\n", "")
        warnings = parse_minutes(text).warnings
        assert warnings == [
            "Indholdsfortegnelsen har 10 punkter, men teksten har 11.",
            "Punkt 7 “Talentudvikling - deltagerbetaling” mangler i indholdsfortegnelsen.",
        ]

    def test_a_table_split_by_a_page_break_with_its_header_repeated_is_one_table(self) -> None:
        text = split_table(
            sample(APRIL_2018),
            after_row="Produktionstab\t\t6.116.409\t2.196.721\t0\t0",
            header_row="\t2017\t2018\t2019\t2020\t2021",
            running_header="Direktionen 23-04-2018",
        )
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert variant.items[5].economy == item(APRIL_2018, 6).economy
        assert without_lines(variant.items) == without_lines(parsed(APRIL_2018).items)

    @pytest.mark.parametrize("name", SAMPLES)
    def test_page_numbers_and_running_headers_are_ignored(self, name: str) -> None:
        header = "Direktionen " + parsed(name).starts_at.strftime("%d-%m-%Y")
        text = with_page_noise(sample(name), header)
        assert text.count("Side ") >= 6
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert variant.participants == parsed(name).participants
        assert without_lines(variant.items) == without_lines(parsed(name).items)

    def test_the_document_header_repeated_on_every_page_and_a_footer_are_ignored(self) -> None:
        text = with_page_noise(
            sample(APRIL_2018), "REFERAT Direktionen d. 23-04-2018", footer="Høje-Taastrup Kommune"
        )
        assert text.count("REFERAT Direktionen") >= 6
        variant = parse_minutes(text)
        assert variant.warnings == []
        assert without_lines(variant.items) == without_lines(parsed(APRIL_2018).items)

    def test_items_out_of_order_give_a_warning(self) -> None:
        text = minutes("Punkt 1: Lukket\n\n17/1", "Punkt 3: Lukket\n\n17/3")
        assert parse_minutes(text).warnings == [
            "Punkterne er ikke nummereret fortløbende: punkt nummer 2 hedder “Punkt 3”."
        ]

    def test_a_section_repeated_before_sagsfremstilling_is_joined_with_a_warning(self) -> None:
        text = minutes(
            "Punkt 1: Budget\n\n17/1\n\nBaggrund\n\nFørste del.\n\nIndstilling\n\n"
            "At direktionen godkender budgettet.\n\nBaggrund\n\nAnden del."
        )
        result = parse_minutes(text)
        assert result.items[0].background == [Paragraph("Første del."), Paragraph("Anden del.")]
        assert result.warnings == [
            "Punkt 1: afsnittet “Baggrund” forekommer to gange; teksten er lagt sammen."
        ]

    def test_a_paragraph_split_by_page_noise_is_joined_again(self) -> None:
        text = sample(MARCH_2017).replace(
            'er "ejer" af\n\ntelefonomstillingen',
            'er "ejer" af\n\nSide 9 af 11\n\ntelefonomstillingen',
        )
        variant = parse_minutes(text)
        assert without_lines(variant.items) == without_lines(parsed(MARCH_2017).items)


class TestBadInput:
    def test_empty_text_is_refused(self) -> None:
        with pytest.raises(MinutesParseError) as error:
            parse_minutes("  \n\n")
        assert error.value.line == 1
        assert error.value.message == "Teksten er tom."

    def test_a_random_text_file_is_refused(self) -> None:
        text = "\n# Indkøbsliste\n\nMælk, brød og æg.\nHusk at ringe til tandlægen.\n"
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == 2
        assert "hverken et referat eller en dagsorden" in error.value.message

    def test_minutes_without_items_are_refused(self) -> None:
        with pytest.raises(MinutesParseError) as error:
            parse_minutes("REFERAT Direktionen d. 20-03-2017\n\nMødested B204\n")
        assert error.value.line == 1
        assert "ingen punkter" in error.value.message

    @pytest.mark.parametrize(
        ("written", "impossible"),
        [
            ("REFERAT Direktionen d. 20-03-2017", "REFERAT Direktionen d. 31-02-2017"),
            ("Mødedato Mandag d. 20. marts 2017 kl. 10:00", "Mødedato Mandag d. 31. februar 2017"),
            ("Beslutning Direktionen den 20-03-2017", "Beslutning Direktionen den 31-02-2017"),
        ],
    )
    def test_an_impossible_date_is_refused_with_its_line(
        self, written: str, impossible: str
    ) -> None:
        text = sample(MARCH_2017).replace(written, impossible, 1)
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == line_of(text, impossible)
        assert error.value.message.startswith("Datoen “31")
        assert error.value.message.endswith("” findes ikke.")
        assert str(error.value).startswith(f"Linje {error.value.line}: ")

    def test_an_impossible_time_is_refused(self) -> None:
        text = sample(MARCH_2017).replace("kl. 10:00", "kl. 25:00")
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == 5

    @pytest.mark.parametrize("malformed", ["15/147B9", "2015/14789", "15-14789", "15/1234567"])
    def test_a_malformed_case_number_is_refused_with_its_line(self, malformed: str) -> None:
        text = sample(MARCH_2017).replace("\n15/14789\n", f"\n{malformed}\n")
        with pytest.raises(MinutesParseError) as error:
            parse_minutes(text)
        assert error.value.line == line_of(text, malformed)
        assert error.value.message == (
            f"Sagsnummeret “{malformed}” i punkt 3 er ugyldigt: det skal have formen "
            "ÅÅ/løbenummer, f.eks. 17/22360."
        )

    def test_a_missing_case_number_is_only_a_warning(self) -> None:
        text = sample(MARCH_2017).replace("\n17/171\n", "\n")
        variant = parse_minutes(text)
        assert variant.items[1].case_number == ""
        assert variant.warnings == ["Punkt 2 har intet sagsnummer."]


class TestNormalisePdfText:
    def test_it_drops_page_numbers_and_running_headers(self) -> None:
        noisy = with_page_noise(sample(JUNE_2017), "Direktionen 26-06-2017")
        clean = normalise_pdf_text(noisy)
        assert "Side " not in clean
        assert "\nDirektionen 26-06-2017\n" not in clean
        assert clean.startswith("REFERAT Direktionen d. 26-06-2017\n")
        assert without_lines(parse_minutes(clean).items) == without_lines(parsed(JUNE_2017).items)

    def test_it_joins_a_table_whose_header_row_is_repeated(self) -> None:
        clean = normalise_pdf_text(sample(JUNE_2017))
        assert clean.count("Punkt\tDisponering af it-promillepulje\treference\t2017") == 1
        assert "5.1\tHardware strategi\t\t0\n5.1- ny\tMobiltelefoner" in clean

    def test_it_joins_a_sentence_split_by_a_page_break(self) -> None:
        clean = normalise_pdf_text(sample(MARCH_2017))
        assert 'da BAC er "ejer" af telefonomstillingen og BURC' in clean
        assert without_lines(parse_minutes(clean).items) == without_lines(parsed(MARCH_2017).items)

    def test_it_fixes_hyphenation_only_where_the_text_shows_it_is_safe(self) -> None:
        text = (
            "Udviklingen af tandplejen fortsætter, og den videre udvik-\n"
            "ling følges tæt af it-promillepuljen og af Børne-\n"
            "og Ungetandplejen samt af it-\n"
            "promillepuljen og af HTK-\n"
            "lis og af kvalitets-\n"
            "sikringen.\n"
        )
        assert normalise_pdf_text(text) == (
            "Udviklingen af tandplejen fortsætter, og den videre udvikling følges tæt af "
            "it-promillepuljen og af Børne- og Ungetandplejen samt af it-promillepuljen og af "
            "HTK-lis og af kvalitets-sikringen.\n"
        )

    @pytest.mark.parametrize("name", SAMPLES)
    def test_it_rebuilds_paragraphs_from_physically_wrapped_lines(self, name: str) -> None:
        text = physically_wrapped(sample(name))
        assert "\n\n" not in text
        result = parse_minutes(normalise_pdf_text(text))
        assert result.warnings == []
        assert item_facts(result) == item_facts(parsed(name))
        assert result.participants == parsed(name).participants

    def test_rebuilt_paragraphs_keep_their_sub_headings(self) -> None:
        result = parse_minutes(normalise_pdf_text(physically_wrapped(sample(APRIL_2018))))
        udbud = result.items[2]
        assert udbud.background == item(APRIL_2018, 3).background
        assert udbud.presentation[:4] == item(APRIL_2018, 3).presentation[:4]

    def test_it_reads_what_pdfplumber_extracted_from_a_printed_pdf(self) -> None:
        # Made by printing the parsed 2017-03-20 minutes with WeasyPrint (page header
        # "Direktionen 20-03-2017", footer "Side N af 11") and extracting the text with
        # pdfplumber, pages joined by form feeds as exchange/legacy.py does.
        text = (FIXTURES / "direktionen-2017-03-20.pdfplumber.txt").read_text(encoding="utf-8")
        clean = normalise_pdf_text(text)
        assert "Side " not in clean and "\nDirektionen 20-03-2017\n" not in clean
        result = parse_minutes(clean)
        assert result.warnings == []
        assert item_facts(result) == item_facts(parsed(MARCH_2017))
        recommendations = [i.recommendation for i in result.items]
        assert recommendations == [i.recommendation for i in parsed(MARCH_2017).items]
        assert result.items[0].background == item(MARCH_2017, 1).background

    def test_it_keeps_a_lower_case_attachment_title_after_bilag_apart(self) -> None:
        clean = normalise_pdf_text(sample(JUNE_2017))
        assert "\nBilag\n\nit-strategiske pejlemærker status 1. halvår 2017\n" in clean


class TestTheHtml:
    def test_it_renders_blocks_as_escaped_html(self) -> None:
        blocks = [
            Heading("Økonomi & drift"),
            Paragraph('Beløb < 5 mio. kr. og "særskilt" sag'),
            ListBlock(True, ["at A", "at B"]),
            ListBlock(False, ["x"]),
            Table([["", "2018"], ["I alt", "<i>1.000</i>"]], header_rows=1),
        ]
        assert blocks_to_html(blocks) == (
            "<h3>Økonomi &amp; drift</h3>\n"
            "<p>Beløb &lt; 5 mio. kr. og &quot;særskilt&quot; sag</p>\n"
            "<ol><li>at A</li><li>at B</li></ol>\n"
            "<ul><li>x</li></ul>\n"
            "<table><thead><tr><th></th><th>2018</th></tr></thead>"
            "<tbody><tr><td>I alt</td><td>&lt;i&gt;1.000&lt;/i&gt;</td></tr></tbody></table>"
        )

    @pytest.mark.parametrize("name", SAMPLES)
    def test_every_section_of_the_samples_survives_a_round_trip(self, name: str) -> None:
        for it in parsed(name).items:
            sections = [it.background, it.presentation, it.economy]
            sections += [d.blocks for d in [it.decision] if d]
            sections += [r.blocks for r in [it.recommendation] if r]
            for blocks in sections:
                assert html_to_blocks(blocks_to_html(blocks)) == blocks

    def test_it_reads_html_written_by_an_editor(self) -> None:
        html = (
            "Løs tekst <h2>Status</h2><p>Første <strong>vigtige</strong>&nbsp;afsnit<br>fortsat</p>"
            "<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul>"
            "<table><tr><th>Tekst</th><th>Beløb</th></tr><tr><td>Fiber</td><td>6.000</td></tr>"
            "</table><div>Sidste</div>"
        )
        assert html_to_blocks(html) == [
            Paragraph("Løs tekst"),
            Heading("Status"),
            Paragraph("Første vigtige afsnit fortsat"),
            ListBlock(False, ["a", "a1", "b"]),
            Table([["Tekst", "Beløb"], ["Fiber", "6.000"]], header_rows=1),
            Paragraph("Sidste"),
        ]
