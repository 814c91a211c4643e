"""The document header: body, date and time, place, participants and the table of contents
(exchange/parser/_header.py)."""

from __future__ import annotations

import datetime

import pytest

from exchange.parser import parse_minutes
from tests.exchange.parser.samples import MARCH_2017, MEETING_STARTS, SAMPLES, minutes, parsed


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
