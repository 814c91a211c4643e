"""The political protocol's services: who took part in an item, named votes entered by party,
a member's protokoltilførsel, a closed item's public decision, and additions to signed minutes.

Bad input gets a Danish message naming what is wrong, and changes nothing: each refusal
asserts the rows of the protocol are as they were."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from meetings.errors import DomainError, InvalidInput, MeetingLocked, NotAllowed
from meetings.locks import DECISION_LOCKED_SQLSTATE
from meetings.models import (
    REMARK_MAX_LENGTH,
    Addendum,
    AddendumApproval,
    Ballot,
    Decision,
    ItemParticipation,
    Meeting,
    Remark,
    Vote,
)
from meetings.selectors.protocol import (
    absence_sentence,
    item_roll,
    substitution_sentence,
    vote_sentence,
    vote_tally,
)
from meetings.services.items import decision_set
from meetings.services.protocol import (
    AbsenceInput,
    SubstituteInput,
    addendum_add,
    addendum_approve,
    addendum_signers,
    ballots_by_party,
    item_participation_set,
    member_absent_from_items,
    parse_party_vote,
    public_decision_set,
    remark_delete,
    remark_save,
    vote_delete,
    vote_record,
    vote_record_by_party,
)
from meetings.services.review import meeting_publish, meeting_reopen, meeting_submit_for_review
from tests.protocol_scenario import PUBLIC_TEXT, Council

pytestmark = pytest.mark.django_db

INHABIL = ItemParticipation.Kind.DISQUALIFIED
ABSENT = ItemParticipation.Kind.ABSENT


def _protocol_rows() -> tuple[int, ...]:
    """How many rows of the protocol there are: a refused change must leave them all."""
    return (
        ItemParticipation.objects.count(),
        Vote.objects.count(),
        Ballot.objects.count(),
        Remark.objects.count(),
        Addendum.objects.count(),
        AddendumApproval.objects.count(),
    )


def _vote(council: Council, number: int = 1, **choices: list[str]) -> Vote:
    """A vote on the item by short names: _vote(c, for_=["anne"], against=[…], abstain=[…])."""
    return vote_record(
        actor=council.secretary,
        item=council.item(number),
        question="Indstillingen",
        for_ids=council.ids(*choices.get("for_", [])),
        against_ids=council.ids(*choices.get("against", [])),
        abstain_ids=council.ids(*choices.get("abstain", [])),
    )


EVERYONE = ["anne", "bent", "carl", "dorte", "erik", "frida", "gorm"]


class TestItemParticipation:
    def test_an_inhabil_member_is_absent_from_the_item_with_the_bodys_reason(
        self, council: Council
    ) -> None:
        item = council.item(1)
        item_participation_set(
            actor=council.secretary,
            item=item,
            absent=[
                AbsenceInput(council.seats["bent"].pk, INHABIL, " Ejer naboejendommen "),
                AbsenceInput(council.seats["erik"].pk, ABSENT, "Kom efter punktet"),
            ],
        )
        roll = item_roll(item)
        assert council.seats["bent"].pk not in roll.present_ids
        assert council.seats["erik"].pk not in roll.present_ids
        assert len(roll.present) == 5
        assert [absence_sentence(a) for a in roll.absent] == [
            "Bent Bach (A) deltog ikke i behandlingen af punktet (inhabil: Ejer naboejendommen).",
            "Erik Eriksen (V) deltog ikke i behandlingen af punktet "
            "(fraværende: Kom efter punktet).",
        ]
        # The other items keep everyone.
        assert len(item_roll(council.item(3)).present) == 7

    def test_inhabil_without_a_reason_is_refused_and_nothing_changes(
        self, council: Council
    ) -> None:
        before = _protocol_rows()
        with pytest.raises(InvalidInput) as excinfo:
            item_participation_set(
                actor=council.secretary,
                item=council.item(1),
                absent=[AbsenceInput(council.seats["bent"].pk, INHABIL, "  ")],
            )
        assert str(excinfo.value) == (
            "Angiv kort, hvorfor Bent Bach er inhabil (forvaltningslovens § 3)."
        )
        assert _protocol_rows() == before

    def test_setting_it_again_replaces_the_items_record(self, council: Council) -> None:
        item = council.item(1)
        bent = council.seats["bent"].pk
        item_participation_set(
            actor=council.secretary, item=item, absent=[AbsenceInput(bent, INHABIL, "Naboskab")]
        )
        item_participation_set(actor=council.secretary, item=item, absent=[])
        assert len(item_roll(item).present) == 7
        assert not ItemParticipation.objects.filter(item=item).exists()

    def test_a_substitute_takes_an_absent_members_seat_for_the_item(self, council: Council) -> None:
        item = council.item(1)
        carl, hans = council.seats["carl"], council.seats["hans"]
        item_participation_set(
            actor=council.secretary,
            item=item,
            absent=[AbsenceInput(carl.pk, INHABIL, "Søn af ansøgeren")],
            substitutes=[SubstituteInput(hans.pk, carl.pk)],
        )
        roll = item_roll(item)
        assert hans.pk in roll.present_ids
        assert carl.pk not in roll.present_ids
        assert len(roll.present) == 7
        assert [substitution_sentence(s) for s in roll.substitutions] == [
            "Hans Holm (A) deltog som stedfortræder for Carl Clausen (A)."
        ]
        # And he votes in Carl's place; Carl may not.
        with pytest.raises(InvalidInput, match=r"Carl Clausen \(A\) \(inhabil\) deltog ikke"):
            _vote(
                council, for_=["anne", "bent", "carl", "dorte", "erik"], against=["frida", "gorm"]
            )
        _vote(council, for_=["anne", "bent", "hans", "dorte", "erik"], against=["frida", "gorm"])

    @pytest.mark.parametrize(
        ("absent", "substitutes", "message"),
        [
            (
                [("bent", ABSENT), ("bent", INHABIL)],
                [],
                "Bent Bach er nævnt mere end én gang.",
            ),
            ([], [("hans", "carl")], None),  # carl is there: fine only if he is absent
            (
                [("carl", ABSENT)],
                [("anne", "carl")],
                "Anne Andersen deltog allerede i mødet og kan ikke også være stedfortræder.",
            ),
            (
                [("bent", "stedfortræder")],
                [],
                "Fravær skal være »fraværende« eller »inhabil«.",
            ),
        ],
        ids=["twice", "substitute-for-present", "seated-substitute", "bad-kind"],
    )
    def test_bad_input_is_refused_in_danish_and_nothing_changes(
        self,
        council: Council,
        absent: list[tuple[str, str]],
        substitutes: list[tuple[str, str]],
        message: str | None,
    ) -> None:
        item = council.item(1)
        call = {
            "actor": council.secretary,
            "item": item,
            "absent": [AbsenceInput(council.seats[s].pk, kind, "Grund") for s, kind in absent],
            "substitutes": [
                SubstituteInput(council.seats[s].pk, council.seats[f].pk) for s, f in substitutes
            ],
        }
        if message is None:
            # A substitute for a member who stays is two people in one seat: the seat's holder
            # leaves the item's roll, the substitute takes it.
            item_participation_set(**call)
            assert len(item_roll(item).present) == 7
            return
        before = _protocol_rows()
        with pytest.raises(InvalidInput) as excinfo:
            item_participation_set(**call)
        assert str(excinfo.value) == message
        assert _protocol_rows() == before

    def test_a_substitute_for_someone_not_at_the_meeting_is_refused(self, council: Council) -> None:
        # Hans is not seated at the meeting; nobody can take his seat.
        before = _protocol_rows()
        with pytest.raises(InvalidInput) as excinfo:
            item_participation_set(
                actor=council.secretary,
                item=council.item(1),
                absent=[],
                substitutes=[SubstituteInput(council.seats["carl"].pk, council.seats["hans"].pk)],
            )
        assert str(excinfo.value) == "Hans Holm deltog ikke i mødet, så ingen kan tage pladsen."
        assert _protocol_rows() == before

    def test_a_member_of_another_body_is_refused(self, council: Council) -> None:
        director_seat = council.people.seat(council.people.director)
        with pytest.raises(InvalidInput) as excinfo:
            item_participation_set(
                actor=council.secretary,
                item=council.item(1),
                absent=[AbsenceInput(director_seat, ABSENT)],
            )
        assert str(excinfo.value) == f"Medlem nr. {director_seat} er ikke medlem af Byrådet."

    def test_absence_that_would_void_a_recorded_vote_is_refused(self, council: Council) -> None:
        _vote(council, for_=EVERYONE)
        before = _protocol_rows()
        with pytest.raises(InvalidInput) as excinfo:
            item_participation_set(
                actor=council.secretary,
                item=council.item(1),
                absent=[AbsenceInput(council.seats["gorm"].pk, INHABIL, "Bestyrelsesmedlem")],
            )
        assert str(excinfo.value) == (
            "Afstemning 1 tæller Gorm Grønbech, som så ikke deltog i behandlingen. "
            "Slet afstemningen først, og registrér den igen."
        )
        assert _protocol_rows() == before

    @pytest.mark.parametrize("who", ["anne", "director", "outsider"])
    def test_only_the_secretary_records_it(self, council: Council, who: str) -> None:
        actor = council.users.get(who) or getattr(council.people, who)
        with pytest.raises(PermissionDenied):
            item_participation_set(
                actor=actor,
                item=council.item(1),
                absent=[AbsenceInput(council.seats["bent"].pk, ABSENT)],
            )
        assert not ItemParticipation.objects.exists()

    def test_left_the_meeting_after_an_item_sets_the_following_items(
        self, council: Council
    ) -> None:
        set_numbers = member_absent_from_items(
            actor=council.secretary,
            meeting=council.meeting,
            member_id=council.seats["dorte"].pk,
            numbers=[2, 3],
            note="Forlod mødet efter punkt 1",
        )
        assert set_numbers == [2, 3]
        dorte = council.seats["dorte"].pk
        assert dorte in item_roll(council.item(1)).present_ids
        assert dorte not in item_roll(council.item(2)).present_ids
        assert [a.note for a in item_roll(council.item(3)).absent] == ["Forlod mødet efter punkt 1"]

    def test_an_approved_item_takes_no_participation(self, council: Council) -> None:
        council.approve_all()
        before = _protocol_rows()
        with pytest.raises(MeetingLocked, match="godkendt"):
            item_participation_set(
                actor=council.secretary,
                item=council.item(1),
                absent=[AbsenceInput(council.seats["bent"].pk, ABSENT)],
            )
        assert _protocol_rows() == before


class TestPartyVote:
    def test_the_parties_choices_are_read_from_the_minutes_way_of_writing(self) -> None:
        assert parse_party_vote("A og V for, Ø imod") == {"A": "for", "V": "for", "Ø": "imod"}
        assert parse_party_vote("A, V stemte for; Ø undlod") == {
            "A": "for",
            "V": "for",
            "Ø": "undlod",
        }
        assert parse_party_vote("ø hverken for eller imod") == {"Ø": "undlod"}
        assert parse_party_vote("A, V og C for. Ø, F imod") == {
            "A": "for",
            "V": "for",
            "C": "for",
            "Ø": "imod",
            "F": "imod",
        }

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                "A og V stemmer måske",
                "»A og V stemmer måske« kan ikke læses. Skriv fx »A og V for, Ø imod«.",
            ),
            ("A for, A imod", "Parti A står både som For og Imod."),
            ("A for, V, Ø", "»V, Ø« kan ikke læses: skriv, hvad partiet stemte, fx »A for«."),
        ],
    )
    def test_what_cannot_be_read_is_named(self, text: str, message: str) -> None:
        with pytest.raises(InvalidInput) as excinfo:
            parse_party_vote(text)
        assert str(excinfo.value) == message


class TestVoteRecord:
    def test_a_vote_entered_by_party_with_one_exception_is_tallied(self, council: Council) -> None:
        item = council.item(1)
        present = item_roll(item).present
        ballots = ballots_by_party(
            present,
            parse_party_vote("A og V for, Ø imod"),
            {council.seats["bent"].pk: Ballot.Choice.ABSTAIN},
        )
        vote = vote_record(
            actor=council.secretary,
            item=item,
            question="Indstillingen om lokalplan 1100",
            for_ids=ballots["for"],
            against_ids=ballots["imod"],
            abstain_ids=ballots["undlod"],
        )
        tally = vote_tally(vote)
        assert [tally.count(c) for c in Ballot.Choice] == [4, 2, 1]
        assert tally.adopted
        assert tally.result_label == "vedtaget"
        assert tally.by_party(Ballot.Choice.FOR) == [("A", 2), ("V", 2)]
        assert {m.display_name for m in tally.voters[Ballot.Choice.ABSTAIN]} == {"Bent Bach"}
        assert vote_sentence(vote) == (
            "For stemte: A (2), V (2). Imod stemte: Ø (2). Undlod: A (1). Forslaget blev vedtaget."
        )
        assert tally.as_json()["imod"] == {
            "count": 2,
            "members": council.ids("frida", "gorm"),
            "parties": {"Ø": 2},
        }
        assert vote.position == 1
        assert vote.created_by == council.secretary

    def test_a_tie_falls(self, council: Council) -> None:
        vote = _vote(
            council,
            for_=["anne", "bent", "carl"],
            against=["dorte", "erik", "frida"],
            abstain=["gorm"],
        )
        tally = vote_tally(vote)
        assert not tally.adopted
        assert vote_sentence(vote) == (
            "For stemte: A (3). Imod stemte: V (2), Ø (1). Undlod: Ø (1). Forslaget blev forkastet."
        )

    def test_an_amendment_then_the_recommendation_keep_their_order(self, council: Council) -> None:
        first = _vote(council, for_=["frida", "gorm"], against=EVERYONE[:5])
        second = _vote(council, for_=EVERYONE)
        assert (first.position, second.position) == (1, 2)
        assert not vote_tally(first).adopted
        assert vote_sentence(first).endswith("Undlod: –. Forslaget blev forkastet.")
        vote_delete(actor=council.secretary, vote=first)
        assert list(
            Vote.objects.filter(item=council.item(1)).values_list("position", flat=True)
        ) == [2]

    def test_a_closed_item_takes_votes_too(self, council: Council) -> None:
        vote = _vote(council, 2, for_=EVERYONE)
        assert vote_tally(vote).adopted

    @pytest.mark.parametrize(
        ("choices", "message"),
        [
            (
                {
                    "for_": ["anne", "bent", "carl", "dorte", "bent"],
                    "against": ["erik", "frida", "gorm"],
                },
                "Bent Bach har stemt mere end én gang.",
            ),
            (
                {
                    "for_": ["anne", "bent", "carl", "dorte"],
                    "against": ["erik", "frida", "anne"],
                    "abstain": ["gorm"],
                },
                "Anne Andersen har stemt mere end én gang.",
            ),
            (
                {"for_": ["anne", "bent", "carl", "dorte"], "against": ["frida", "gorm"]},
                "Stemmerne passer ikke med de 7, der deltog i behandlingen: "
                "der mangler en stemme fra Erik Eriksen (V).",
            ),
            (
                {"for_": [*EVERYONE, "hans"]},
                "Hans Holm (A) (ikke til stede) deltog ikke i behandlingen af punkt 1 og kan "
                "ikke stemme.",
            ),
            ({}, "Afstemningen har ingen stemmer."),
        ],
        ids=["twice", "twice-across-choices", "tally-short", "not-at-the-meeting", "empty"],
    )
    def test_a_bad_tally_is_refused_in_danish_and_nothing_is_recorded(
        self, council: Council, choices: dict[str, list[str]], message: str
    ) -> None:
        before = _protocol_rows()
        with pytest.raises(InvalidInput) as excinfo:
            _vote(council, **choices)
        assert str(excinfo.value) == message
        assert _protocol_rows() == before

    @pytest.mark.parametrize(("kind", "label"), [(ABSENT, "fraværende"), (INHABIL, "inhabil")])
    def test_a_member_absent_or_inhabil_for_the_item_cannot_vote(
        self, council: Council, kind: str, label: str
    ) -> None:
        item_participation_set(
            actor=council.secretary,
            item=council.item(1),
            absent=[AbsenceInput(council.seats["erik"].pk, kind, "Ejer grunden")],
        )
        before = _protocol_rows()
        with pytest.raises(InvalidInput) as excinfo:
            _vote(council, for_=EVERYONE)
        assert str(excinfo.value) == (
            f"Erik Eriksen (V) ({label}) deltog ikke i behandlingen af punkt 1 og kan ikke stemme."
        )
        assert _protocol_rows() == before
        # Without him the vote counts six.
        vote = _vote(council, for_=["anne", "bent", "carl", "dorte", "frida", "gorm"])
        assert vote_tally(vote).count(Ballot.Choice.FOR) == 6

    def test_a_party_no_one_present_sits_for_is_refused(self, council: Council) -> None:
        present = item_roll(council.item(1)).present
        with pytest.raises(InvalidInput) as excinfo:
            ballots_by_party(present, {"A": "for", "Q": "imod"})
        assert str(excinfo.value) == "Ingen fra parti Q deltog i behandlingen."

    def test_a_party_left_out_names_its_members(self, council: Council) -> None:
        present = item_roll(council.item(1)).present
        with pytest.raises(InvalidInput) as excinfo:
            ballots_by_party(present, {"A": "for", "V": "for"})
        assert str(excinfo.value) == (
            "Der mangler en stemme fra Frida Falk (Ø), Gorm Grønbech (Ø)."
        )

    def test_an_unknown_choice_is_refused(self, council: Council) -> None:
        present = item_roll(council.item(1)).present
        with pytest.raises(InvalidInput, match="»måske«"):
            ballots_by_party(present, {"A": "for", "V": "for", "Ø": "måske"})
        with pytest.raises(InvalidInput, match="»ja«"):
            ballots_by_party(
                present, {"A": "for", "V": "for", "Ø": "imod"}, {council.seats["anne"].pk: "ja"}
            )

    def test_an_exception_for_a_member_who_did_not_take_part_is_refused_by_name(
        self, council: Council
    ) -> None:
        item_participation_set(
            actor=council.secretary,
            item=council.item(1),
            absent=[AbsenceInput(council.seats["erik"].pk, INHABIL, "Ejer grunden")],
        )
        present = item_roll(council.item(1)).present
        ballots = ballots_by_party(
            present, {"A": "for", "V": "for", "Ø": "imod"}, {council.seats["erik"].pk: "imod"}
        )
        before = _protocol_rows()
        with pytest.raises(InvalidInput, match=r"Erik Eriksen \(V\) \(inhabil\) deltog ikke"):
            vote_record(
                actor=council.secretary,
                item=council.item(1),
                question="Indstillingen",
                for_ids=ballots["for"],
                against_ids=ballots["imod"],
                abstain_ids=ballots["undlod"],
            )
        assert _protocol_rows() == before

    def test_a_vote_by_party_is_recorded_over_the_members_who_took_part(
        self, council: Council
    ) -> None:
        item_participation_set(
            actor=council.secretary,
            item=council.item(1),
            absent=[AbsenceInput(council.seats["gorm"].pk, INHABIL, "Ansøgers nabo")],
        )
        vote = vote_record_by_party(
            actor=council.secretary,
            item=council.item(1),
            question="Indstillingen",
            parties="A og V for, Ø imod",
            exceptions={council.seats["erik"].pk: Ballot.Choice.ABSTAIN},
        )
        assert vote_sentence(vote) == (
            "For stemte: A (3), V (1). Imod stemte: Ø (1). Undlod: V (1). Forslaget blev vedtaget."
        )

    def test_a_letter_that_names_no_party_is_refused_with_the_known_ones(
        self, council: Council
    ) -> None:
        before = _protocol_rows()
        with pytest.raises(InvalidInput) as excinfo:
            vote_record_by_party(
                actor=council.secretary,
                item=council.item(1),
                question="Indstillingen",
                parties={"A": "for", "V": "for", "Ø": "imod", "Q": "imod"},
            )
        assert str(excinfo.value) == "Partiet Q findes ikke. Kendte partier: A, V, Ø."
        assert _protocol_rows() == before

    def test_a_question_is_required(self, council: Council) -> None:
        with pytest.raises(InvalidInput, match="Skriv, hvad der stemmes om"):
            vote_record(
                actor=council.secretary,
                item=council.item(1),
                question="  ",
                for_ids=council.ids(*EVERYONE),
                against_ids=[],
                abstain_ids=[],
            )
        assert not Vote.objects.exists()

    def test_a_member_may_not_record_votes(self, council: Council) -> None:
        with pytest.raises(PermissionDenied):
            vote_record(
                actor=council.users["anne"],
                item=council.item(1),
                question="Indstillingen",
                for_ids=council.ids(*EVERYONE),
                against_ids=[],
                abstain_ids=[],
            )
        assert not Vote.objects.exists()

    def test_an_approved_items_votes_are_locked(self, council: Council) -> None:
        vote = _vote(council, for_=EVERYONE)
        council.approve_all()
        before = _protocol_rows()
        with pytest.raises(MeetingLocked, match="godkendt"):
            _vote(council, for_=EVERYONE)
        with pytest.raises(MeetingLocked, match="godkendt"):
            vote_delete(actor=council.secretary, vote=vote)
        assert _protocol_rows() == before


class TestRemarks:
    def test_a_member_has_a_protokoltilfoersel_entered_and_may_rewrite_it(
        self, council: Council
    ) -> None:
        item = council.item(1)
        frida = council.users["frida"]
        remark = remark_save(
            actor=frida,
            item=item,
            kind=Remark.Kind.DISSENT,
            text=" Enhedslisten finder planen for tæt. ",
        )
        assert (remark.member, remark.text) == (
            council.seats["frida"],
            "Enhedslisten finder planen for tæt.",
        )
        assert remark.created_by == frida
        remark_save(actor=frida, item=item, kind=Remark.Kind.DISSENT, text="Ny tekst.")
        assert list(Remark.objects.values_list("text", flat=True)) == ["Ny tekst."]

    def test_a_text_of_exactly_the_limit_is_taken(self, council: Council) -> None:
        remark = remark_save(
            actor=council.users["frida"],
            item=council.item(1),
            kind=Remark.Kind.DISSENT,
            text="x" * REMARK_MAX_LENGTH,
        )
        assert len(remark.text) == 1000

    def test_a_longer_text_is_refused_with_its_length(self, council: Council) -> None:
        with pytest.raises(InvalidInput) as excinfo:
            remark_save(
                actor=council.users["frida"],
                item=council.item(1),
                kind=Remark.Kind.DISSENT,
                text="x" * 1234,
            )
        assert str(excinfo.value) == "Teksten må højst være 1.000 tegn; den er 1.234. Forkort den."
        assert not Remark.objects.exists()

    def test_the_database_refuses_a_longer_text_too(self, council: Council) -> None:
        with pytest.raises(DatabaseError), transaction.atomic():
            Remark.objects.create(
                item=council.item(1),
                kind=Remark.Kind.DISSENT,
                member=council.seats["frida"],
                text="x" * 1001,
                created_by=council.users["frida"],
            )
        assert not Remark.objects.exists()

    @pytest.mark.parametrize("who", ["secretary", "outsider", "superuser", "director"])
    def test_anyone_but_a_member_is_refused(self, council: Council, who: str) -> None:
        with pytest.raises(NotAllowed) as excinfo:
            remark_save(
                actor=getattr(council.people, who),
                item=council.item(1),
                kind=Remark.Kind.DISSENT,
                text="Ikke min.",
            )
        assert str(excinfo.value) == (
            "Kun organets medlemmer kan selv skrive en protokoltilførsel eller en udtalelse."
        )
        assert not Remark.objects.exists()

    def test_a_member_who_did_not_take_part_has_nothing_entered(self, council: Council) -> None:
        item_participation_set(
            actor=council.secretary,
            item=council.item(1),
            absent=[AbsenceInput(council.seats["frida"].pk, INHABIL, "Nabo")],
        )
        with pytest.raises(NotAllowed, match="Du deltog ikke i behandlingen af punkt 1"):
            remark_save(
                actor=council.users["frida"],
                item=council.item(1),
                kind=Remark.Kind.DISSENT,
                text="Imod.",
            )
        assert not Remark.objects.exists()

    def test_a_minority_statement_is_a_remark_of_its_own(self, council: Council) -> None:
        item = council.item(1)
        frida = council.users["frida"]
        remark_save(actor=frida, item=item, kind=Remark.Kind.DISSENT, text="Imod.")
        remark_save(actor=frida, item=item, kind=Remark.Kind.MINORITY, text="Mindretallet ...")
        assert Remark.objects.filter(item=item).count() == 2
        with pytest.raises(InvalidInput, match="Vælg protokoltilførsel eller mindretalsudtalelse"):
            remark_save(actor=frida, item=item, kind="kommentar", text="Hm.")

    def test_only_the_member_withdraws_it(self, council: Council) -> None:
        remark = remark_save(
            actor=council.users["frida"],
            item=council.item(1),
            kind=Remark.Kind.DISSENT,
            text="Imod.",
        )
        with pytest.raises(NotAllowed, match="Kun medlemmet selv"):
            remark_delete(actor=council.users["anne"], remark=remark)
        with pytest.raises(NotAllowed):
            remark_delete(actor=council.secretary, remark=remark)
        assert Remark.objects.filter(pk=remark.pk).exists()
        remark_delete(actor=council.users["frida"], remark=remark)
        assert not Remark.objects.exists()

    def test_after_approval_nothing_is_entered_or_withdrawn(self, council: Council) -> None:
        remark = remark_save(
            actor=council.users["frida"],
            item=council.item(1),
            kind=Remark.Kind.DISSENT,
            text="Imod.",
        )
        council.approve_all()
        with pytest.raises(MeetingLocked, match="godkendt"):
            remark_save(
                actor=council.users["frida"],
                item=council.item(1),
                kind=Remark.Kind.DISSENT,
                text="Alligevel for.",
            )
        with pytest.raises(MeetingLocked, match="godkendt"):
            remark_delete(actor=council.users["frida"], remark=remark)
        remark.refresh_from_db()
        assert remark.text == "Imod."


class TestPublicDecision:
    def test_the_secretary_writes_a_closed_items_public_decision(self, council: Council) -> None:
        decision = public_decision_set(
            actor=council.secretary, item=council.item(2), text=f" {PUBLIC_TEXT} "
        )
        assert decision.public_text == PUBLIC_TEXT
        # The confidential decision is untouched.
        assert "kr." in decision.text

    def test_an_open_item_has_none(self, council: Council) -> None:
        with pytest.raises(InvalidInput, match="Kun et lukket punkt"):
            public_decision_set(actor=council.secretary, item=council.item(1), text="Godkendt.")
        assert Decision.objects.get(item=council.item(1)).public_text == ""

    def test_a_member_may_not_write_it(self, council: Council) -> None:
        with pytest.raises(PermissionDenied):
            public_decision_set(actor=council.users["anne"], item=council.item(2), text="X")

    def test_minutes_with_a_closed_item_lacking_it_are_not_sent_for_review(
        self, council: Council
    ) -> None:
        with pytest.raises(DomainError) as excinfo:
            meeting_submit_for_review(meeting=council.meeting, actor=council.secretary)
        assert str(excinfo.value).startswith("Lukket punkt 2 mangler en offentlig beslutning")
        council.meeting.refresh_from_db()
        assert council.meeting.status == Meeting.Status.DRAFT

        public_decision_set(actor=council.secretary, item=council.item(2), text=PUBLIC_TEXT)
        meeting_submit_for_review(meeting=council.meeting, actor=council.secretary)
        council.meeting.refresh_from_db()
        assert council.meeting.status == Meeting.Status.IN_REVIEW

    def test_approved_minutes_lacking_it_are_not_published(self, council: Council) -> None:
        # Approved minutes as an import brings them: approved, with no public decision.
        Meeting.objects.filter(pk=council.meeting.pk).update(status=Meeting.Status.APPROVED)
        with pytest.raises(DomainError, match="Lukket punkt 2 mangler en offentlig beslutning"):
            meeting_publish(meeting=council.meeting, actor=council.secretary)
        council.meeting.refresh_from_db()
        assert council.meeting.status == Meeting.Status.APPROVED

    def test_it_is_locked_with_the_approval(self, council: Council) -> None:
        council.approve_all()
        with pytest.raises(MeetingLocked, match="godkendt"):
            public_decision_set(actor=council.secretary, item=council.item(2), text="Ændret.")
        with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
            Decision.objects.filter(item=council.item(2)).update(public_text="Ændret i databasen")
        assert getattr(excinfo.value.__cause__, "sqlstate", None) == DECISION_LOCKED_SQLSTATE
        assert Decision.objects.get(item=council.item(2)).public_text == PUBLIC_TEXT


def _raw_update_of_decision_text(item_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meetings_decision SET text = %s WHERE item_id = %s",
            ["<p>Ændret bag om systemet.</p>", item_id],
        )


class TestAddenda:
    def test_an_addition_before_approval_is_refused(self, council: Council) -> None:
        with pytest.raises(DomainError) as excinfo:
            addendum_add(
                actor=council.secretary, item=council.item(1), text="Rettelse.", reason="Fejl"
            )
        assert str(excinfo.value) == (
            "Punkt 1 er ikke godkendt endnu. Ret teksten direkte; en tilføjelse bruges først, "
            "når medlemmerne har godkendt punktet."
        )
        assert not Addendum.objects.exists()

    def test_an_addition_after_approval_leaves_the_original_locked(self, council: Council) -> None:
        council.approve_all()
        item = council.item(1)
        original = Decision.objects.get(item=item).text
        addendum = addendum_add(
            actor=council.secretary,
            item=item,
            text="Lokalplanen omfatter også matr. nr. 12a.",
            reason="Matrikelnummeret manglede.",
        )
        assert addendum.approved_at is None
        # The original decision is as it was, and stays so: the service refuses an edit, and
        # the database refuses a raw UPDATE.
        assert Decision.objects.get(item=item).text == original
        with pytest.raises(MeetingLocked, match="godkendt"):
            decision_set(
                actor=council.secretary, item=item, version=item.version, text="<p>Ny.</p>"
            )
        with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
            _raw_update_of_decision_text(item.pk)
        assert getattr(excinfo.value.__cause__, "sqlstate", None) == DECISION_LOCKED_SQLSTATE
        assert Decision.objects.get(item=item).text == original

    def test_it_becomes_part_of_the_protocol_when_every_signer_approved(
        self, council: Council
    ) -> None:
        council.approve_all()
        item = council.item(1)
        signers = addendum_signers(item)
        assert sorted(signers) == sorted(
            council.users[n].pk for n in ("anne", "bent", "dorte", "frida")
        )
        addendum = addendum_add(
            actor=council.secretary, item=item, text="Tilføjet.", reason="Manglede."
        )
        for name in ("anne", "bent", "dorte"):
            addendum = addendum_approve(actor=council.users[name], addendum=addendum)
            assert addendum.approved_at is None
        addendum_approve(actor=council.users["anne"], addendum=addendum)  # twice is harmless
        addendum = addendum_approve(actor=council.users["frida"], addendum=addendum)
        assert addendum.approved_at is not None
        assert AddendumApproval.objects.filter(addendum=addendum).count() == 4

    @pytest.mark.parametrize("who", ["secretary", "director", "superuser"])
    def test_only_a_signer_approves_it(self, council: Council, who: str) -> None:
        council.approve_all()
        addendum = addendum_add(
            actor=council.secretary, item=council.item(1), text="Tilføjet.", reason="Manglede."
        )
        with pytest.raises(NotAllowed, match="Kun de medlemmer, der godkendte punktet"):
            addendum_approve(actor=getattr(council.people, who), addendum=addendum)
        assert not AddendumApproval.objects.exists()

    def test_only_the_secretary_adds_one_and_says_why(self, council: Council) -> None:
        council.approve_all()
        with pytest.raises(PermissionDenied):
            addendum_add(actor=council.users["anne"], item=council.item(1), text="X", reason="Y")
        with pytest.raises(InvalidInput) as excinfo:
            addendum_add(actor=council.secretary, item=council.item(1), text=" ", reason="")
        assert str(excinfo.value) == ("Skriv tilføjelsen. Skriv, hvorfor der tilføjes noget.")
        assert not Addendum.objects.exists()


class TestTheDatabaseKeepsTheApprovedProtocol:
    """What the members approved stays as they approved it, even past the services."""

    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE meetings_vote SET question = 'Ændret' WHERE item_id = %(item)s",
            "DELETE FROM meetings_ballot WHERE vote_id IN "
            "(SELECT id FROM meetings_vote WHERE item_id = %(item)s)",
            "UPDATE meetings_ballot SET choice = 'imod' WHERE vote_id IN "
            "(SELECT id FROM meetings_vote WHERE item_id = %(item)s)",
            "UPDATE meetings_remark SET text = 'Ændret' WHERE item_id = %(item)s",
            "DELETE FROM meetings_itemparticipation WHERE item_id = %(item)s",
            "INSERT INTO meetings_itemparticipation (item_id, member_id, kind, note) "
            "VALUES (%(item)s, %(member)s, 'fraværende', '')",
            "UPDATE meetings_decision SET public_text = 'Ændret' WHERE item_id = %(item)s",
        ],
        ids=[
            "vote-question",
            "ballot-deleted",
            "ballot-changed",
            "remark",
            "participation-deleted",
            "participation-added",
            "public-decision",
        ],
    )
    def test_a_raw_change_of_an_approved_items_protocol_is_refused(
        self, council: Council, sql: str
    ) -> None:
        item = council.item(2)
        item_participation_set(
            actor=council.secretary,
            item=item,
            absent=[AbsenceInput(council.seats["gorm"].pk, INHABIL, "Sælgers bror")],
        )
        _vote(council, 2, for_=["anne", "bent", "carl", "dorte"], against=["erik", "frida"])
        remark_save(actor=council.users["frida"], item=item, kind=Remark.Kind.DISSENT, text="Imod.")
        council.approve_all()
        before = _protocol_rows()
        with (
            pytest.raises(DatabaseError) as excinfo,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, {"item": item.pk, "member": council.seats["hans"].pk})
        assert getattr(excinfo.value.__cause__, "sqlstate", None) == DECISION_LOCKED_SQLSTATE
        assert _protocol_rows() == before

    def test_after_a_reopen_the_protocol_takes_corrections_again(self, council: Council) -> None:
        vote = _vote(council, for_=EVERYONE)
        council.approve_all()
        meeting_reopen(meeting=council.meeting, actor=council.secretary, reason="Forkert optælling")
        vote_delete(actor=council.secretary, vote=vote)
        _vote(council, for_=EVERYONE[:6], against=["gorm"])
        assert vote_tally(Vote.objects.get(item=council.item(1))).count(Ballot.Choice.AGAINST) == 1
