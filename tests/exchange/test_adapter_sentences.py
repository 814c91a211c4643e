"""What the adapters share: Danish dates, case numbers by their label, attendance lists in
their forms, and the protocol's sentences, recognised only where they are unambiguous."""

from __future__ import annotations

import datetime as dt

from exchange.adapters._common import (
    Notes,
    attachment_titles,
    attendance_from_lines,
    find_date,
    find_remarks,
    find_time,
    labelled_case_number,
    read_protocol,
    remarks_of,
    seat_substitutes,
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

    def test_an_absence_with_a_substitute_takes_the_members_seat(self) -> None:
        notes = Notes()
        people = seat_substitutes(
            attendance_from_lines(
                ["Tilstede: Dorte Lund (Ø)",
                 "Fraværende: Anne Hansen (A) – Bo Jensen (A) mødte som stedfortræder"]
            ),
            notes,
        )  # fmt: skip
        assert people == [
            {"name": "Dorte Lund (Ø)"},
            {"name": "Anne Hansen (A)", "present": False, "member": "Anne Hansen"},
            {"name": "Bo Jensen (A)", "role": "stedfortræder", "member": "Bo Jensen",
             "substitute_for": "Anne Hansen"},
        ]  # fmt: skip
        assert notes.unplaced == []

    def test_a_substitute_named_in_a_sentence(self) -> None:
        people = seat_substitutes(
            attendance_from_lines(
                ["Tilstede", "Anne Hansen", "Carl Berg",
                 "Bo Jensen deltog som stedfortræder for Carl Berg."]
            ),
            Notes(),
        )  # fmt: skip
        assert people == [
            {"name": "Anne Hansen"},
            {"name": "Carl Berg", "present": False, "member": "Carl Berg"},
            {"name": "Bo Jensen", "role": "stedfortræder", "member": "Bo Jensen",
             "substitute_for": "Carl Berg"},
        ]  # fmt: skip

    def test_a_substitute_for_a_party_or_twice_for_one_member_stays_a_participant(self) -> None:
        notes = Notes()
        people = seat_substitutes(
            attendance_from_lines(
                ["Fraværende: Venstre – Bo Jensen mødte som stedfortræder",
                 "Fraværende: Anne Hansen – Carl Berg mødte som stedfortræder",
                 "Fraværende: Anne Hansen – Erik Vad mødte som stedfortræder"]
            ),
            notes,
        )  # fmt: skip
        assert [p for p in people if "member" in p] == [
            {"name": "Anne Hansen", "present": False, "member": "Anne Hansen"},
            {"name": "Carl Berg", "role": "stedfortræder", "member": "Carl Berg",
             "substitute_for": "Anne Hansen"},
        ]  # fmt: skip
        assert {"name": "Bo Jensen", "role": "stedfortræder"} in people
        assert {"name": "Erik Vad", "role": "stedfortræder"} in people
        assert len(notes.unplaced) == 2
        assert "“Venstre” ikke entydigt er et navngivet medlem" in notes.unplaced[0]


class TestProtocol:
    def test_members_who_did_not_take_part(self) -> None:
        protocol = read_protocol(
            "Godkendt.\nJesper Kjeldsen og Anne Vang (Ø) deltog ikke i sagens behandling.",
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


PARTICIPANTS = [{"name": "Anne Hansen (A)"}, {"name": "Dorte Lund (Ø)"}, {"name": "Bo Jensen"}]


class TestRemarks:
    def test_a_protocol_remark_and_a_minority_statement_of_named_participants(self) -> None:
        notes = Notes()
        remarks = remarks_of(
            "Godkendt. Dorte Lund (Ø) ønskede følgende tilført protokollen: Ø kan ikke støtte\n"
            "lokalplanen, fordi den fjerner et grønt område.\n"
            "Mindretalsudtalelse fra Anne Hansen:\nA stemmer imod.\n"
            "Bo Jensen begærede sagen indbragt for byrådet.",
            PARTICIPANTS,
            "Punkt 1",
            notes,
        )
        assert remarks == [
            {"kind": "protokoltilførsel", "member": "Dorte Lund",
             "text": "Ø kan ikke støtte lokalplanen, fordi den fjerner et grønt område."},
            {"kind": "mindretalsudtalelse", "member": "Anne Hansen", "text": "A stemmer imod."},
        ]  # fmt: skip
        assert notes.unplaced == []

    def test_asking_for_the_council_to_decide_is_no_remark(self) -> None:
        assert find_remarks("Bo Jensen (V) begærede sagen indbragt for byrådet.") == []
        assert find_remarks("Sagen blev tilført protokollen i 2012 som et tillæg.") == []

    def test_a_party_or_a_stranger_stays_text_and_is_reported(self) -> None:
        notes = Notes()
        remarks = remarks_of(
            "Mindretalsudtalelse fra Enhedslisten: Vi kan ikke støtte forslaget.\n"
            "Carl Berg ønskede følgende tilført protokollen: Jeg er imod.\n"
            "Et mindretal (Ø) afgav følgende mindretalsudtalelse: Forslaget er for dyrt.",
            PARTICIPANTS,
            "Punkt 2",
            notes,
        )
        assert remarks == []
        assert notes.unplaced == [
            "Punkt 2: Mindretalsudtalelse fra “Enhedslisten” er ikke registreret som "
            "bemærkning, fordi “Enhedslisten” ikke er et navngivet medlem; den står i "
            "beslutningens tekst.",
            "Punkt 2: Protokoltilførsel fra “Carl Berg” er ikke registreret som bemærkning, "
            "fordi Carl Berg ikke står blandt mødets deltagere; den står i beslutningens tekst.",
            "Punkt 2: Mindretalsudtalelse fra “Et mindretal (Ø)” er ikke registreret som "
            "bemærkning, fordi “Et mindretal (Ø)” ikke er et navngivet medlem; den står i "
            "beslutningens tekst.",
        ]
