"""What the adapters share: Danish dates, case numbers by their label, attendance lists in
their forms, and the protocol's sentences, recognised only where they are unambiguous."""

from __future__ import annotations

import datetime as dt

from exchange.adapters._common import (
    attachment_titles,
    attendance_from_lines,
    find_date,
    find_time,
    labelled_case_number,
    read_protocol,
)


class TestDatesAndTimes:
    def test_the_forms_danish_documents_print(self) -> None:
        assert find_date("Dato: 04.12.2012") == dt.date(2012, 12, 4)
        assert find_date("onsdag den 1. oktober 2025 kl. 15.45") == dt.date(2025, 10, 1)
        assert find_date("2013-06-20 10:30") == dt.date(2013, 6, 20)
        assert find_time("onsdag den 1. oktober 2025 kl. 15.45") == dt.time(15, 45)
        assert find_time("15-05-2013 16:30:00") == dt.time(16, 30)
        # A dot between digits is a time only after "kl."
        assert find_time("04.12.2012") is None


class TestCaseNumbers:
    def test_a_document_number_is_no_case_number(self) -> None:
        assert labelled_case_number("Sagsnr.: 2012-28504") == "2012-28504"
        assert labelled_case_number("Dok.nr.: 2012-203438") is None
        assert labelled_case_number("Sagsnr.:                  12/27845") == "12/27845"

    def test_document_numbers_are_left_out_of_attachment_titles(self) -> None:
        assert attachment_titles(
            [
                "2012-200782 - Bygningsliste og prioriteringssystem",
                "1 Åben Opsamlingsnotat. Temamøde 20.09.2012                     222359/12",
                "Ingen",
            ]
        ) == ["Bygningsliste og prioriteringssystem", "Opsamlingsnotat. Temamøde 20.09.2012"]


class TestAttendance:
    def test_headed_lists_roles_and_the_secretary(self) -> None:
        people = attendance_from_lines(
            ["Tilstede", "Lolan Ottesen (A) - formand", "Birte Kramhøft (F)",
             "Afbud/Fraværende", "Per Mortensen (A)", "Sekretær", "Mie Helene Andresen"]
        )  # fmt: skip
        assert people == [
            {"name": "Lolan Ottesen (A)", "role": "formand"},
            {"name": "Birte Kramhøft (F)"},
            {"name": "Per Mortensen (A)", "present": False},
            {"name": "Mie Helene Andresen", "role": "sekretær"},
        ]

    def test_a_members_table_in_two_columns(self) -> None:
        people = attendance_from_lines(
            ["Medlemmer", "Jesper Mathiesen (A) Ole Bjerregaard (V)", "Niels Viderø (A)"]
        )
        assert [p["name"] for p in people] == [
            "Jesper Mathiesen (A)", "Ole Bjerregaard (V)", "Niels Viderø (A)"
        ]  # fmt: skip

    def test_an_absence_with_a_substitute(self) -> None:
        people = attendance_from_lines(
            ["Fraværende: Anne Hansen – Bo Jensen mødte som stedfortræder"]
        )
        assert people == [
            {"name": "Anne Hansen", "present": False},
            {"name": "Bo Jensen", "role": "stedfortræder"},
        ]


class TestProtocol:
    def test_members_who_did_not_take_part(self) -> None:
        protocol = read_protocol(
            "Godkendt.\nJesper Kjeldsen og Anne Vang deltog ikke i sagens behandling.",
            question="Indstillingen",
        )
        assert protocol.participation == [
            {"member": "Jesper Kjeldsen", "kind": "fraværende"},
            {"member": "Anne Vang", "kind": "fraværende"},
        ]

    def test_a_vote_by_name(self) -> None:
        protocol = read_protocol(
            "For stemte: Anne Vang, Bo Jensen\nImod stemte: Carl Berg\nUndlod: Dorte Holm",
            question="Indstillingen",
        )
        assert protocol.votes == [
            {
                "question": "Indstillingen",
                "ballots": [
                    {"member": "Anne Vang", "choice": "for"},
                    {"member": "Bo Jensen", "choice": "for"},
                    {"member": "Carl Berg", "choice": "imod"},
                    {"member": "Dorte Holm", "choice": "undlod"},
                ],
            }
        ]

    def test_a_party_is_kept_as_text(self) -> None:
        protocol = read_protocol(
            "Socialistisk Folkeparti deltog ikke i behandlingen.\nFor: Socialdemokratiet",
            question="Indstillingen",
        )
        assert protocol.participation == [] and protocol.votes == []
