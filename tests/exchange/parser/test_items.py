"""The items: number, title, case number, closed flag, attachments and decisions, and their
lines sorted into sections (exchange/parser/_items.py)."""

from __future__ import annotations

import pytest

from exchange.parser import Heading, Paragraph, parse_minutes
from tests.exchange.parser.samples import (
    APRIL_2018,
    EXPECTED_ATTACHMENTS,
    EXPECTED_ITEMS,
    EXPECTED_OUTCOMES,
    JUNE_2017,
    MARCH_2017,
    SAMPLES,
    item,
    minutes,
    parsed,
    sample,
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
