"""Reading the protocol: who sat at a meeting and took part in an item, a vote's tally and
result (computed, never stored), the lines the minutes print, and the protocol as part of what
the members approve."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import AgendaItem, Attendance, Ballot, Membership, Remark, Vote
from meetings.selectors.history import item_history
from meetings.selectors.protocol import (
    closed_items_lacking_public_decision,
    item_roll,
    items_with_protocol,
    member_label,
    public_decision,
    seated_at_meeting,
    vote_sentence,
    vote_tally,
)
from meetings.selectors.review import content_hash, content_lines, fresh_item, item_review_content
from meetings.services.items import item_create
from meetings.services.members import MemberInput, member_add
from meetings.services.protocol import (
    AbsenceInput,
    SubstituteInput,
    item_participation_set,
    public_decision_set,
    remark_save,
    vote_record,
)
from tests.factories import MeetingFactory
from tests.protocol_scenario import COUNCIL_DAY, PUBLIC_TEXT, Council

pytestmark = pytest.mark.django_db

EVERYONE = ["anne", "bent", "carl", "dorte", "erik", "frida", "gorm"]


def _names(members: list[Membership]) -> list[str]:
    return [m.display_name for m in members]


class TestSeatedAtMeeting:
    def test_the_members_recorded_present_in_the_attendance_order(self, council: Council) -> None:
        Attendance.objects.filter(meeting=council.meeting, member=council.seats["erik"]).update(
            present=False
        )
        assert _names(seated_at_meeting(council.meeting)) == [
            "Anne Andersen",
            "Bent Bach",
            "Carl Clausen",
            "Dorte Dahl",
            "Frida Falk",
            "Gorm Grønbech",
        ]

    def test_the_secretary_on_the_list_has_no_seat(self, council: Council) -> None:
        own = Membership.objects.get(body=council.body, user=council.secretary)
        Attendance.objects.create(
            meeting=council.meeting, name="Kathrine", member=own, role="sekretær", position=99
        )
        assert "Kathrine" not in _names(seated_at_meeting(council.meeting))
        assert len(seated_at_meeting(council.meeting)) == 7

    def test_without_recorded_seats_every_member_serving_that_day_sits(
        self, council: Council
    ) -> None:
        member_add(
            actor=council.secretary,
            body=council.body,
            data=MemberInput(
                name="Tidligere Medlem", party="V", ends_on=COUNCIL_DAY - dt.timedelta(days=1)
            ),
        )
        member_add(
            actor=council.secretary,
            body=council.body,
            data=MemberInput(
                name="Kommende Medlem", party="V", starts_on=COUNCIL_DAY + dt.timedelta(days=1)
            ),
        )
        meeting = MeetingFactory(
            body=council.body,
            status="kladde",
            starts_at=council.meeting.starts_at + dt.timedelta(hours=1),
        )
        # Neither the substitute, nor members outside their period, nor the secretary.
        assert _names(seated_at_meeting(meeting)) == [
            "Anne Andersen",
            "Bent Bach",
            "Carl Clausen",
            "Dorte Dahl",
            "Erik Eriksen",
            "Frida Falk",
            "Gorm Grønbech",
        ]


class TestItemRoll:
    def test_absent_inhabil_and_a_substitute_make_the_roll(self, council: Council) -> None:
        item = council.item(1)
        item_participation_set(
            actor=council.secretary,
            item=item,
            absent=[
                AbsenceInput(council.seats["carl"].pk, "inhabil", "Søn af ansøgeren"),
                AbsenceInput(council.seats["erik"].pk, "fraværende"),
            ],
            substitutes=[SubstituteInput(council.seats["hans"].pk, council.seats["carl"].pk)],
        )
        roll = item_roll(item)
        assert _names(roll.present) == [
            "Anne Andersen",
            "Bent Bach",
            "Dorte Dahl",
            "Frida Falk",
            "Gorm Grønbech",
            "Hans Holm",
        ]
        assert [(a.member.display_name, a.kind_label, a.note) for a in roll.absent] == [
            ("Carl Clausen", "Inhabil", "Søn af ansøgeren"),
            ("Erik Eriksen", "Fraværende", ""),
        ]
        assert [
            (s.member.display_name, s.substitute_for.display_name) for s in roll.substitutions
        ] == [("Hans Holm", "Carl Clausen")]


class TestTally:
    def test_the_count_by_choice_and_party_and_the_result(self, council: Council) -> None:
        vote = vote_record(
            actor=council.secretary,
            item=council.item(1),
            question="Ændringsforslag fra Ø",
            for_ids=council.ids("frida", "gorm", "bent"),
            against_ids=council.ids("anne", "carl", "dorte", "erik"),
            abstain_ids=[],
        )
        tally = vote_tally(vote)
        assert not tally.adopted
        assert tally.result_label == "forkastet"
        assert tally.as_json() == {
            "for": {
                "count": 3,
                "members": council.ids("frida", "gorm", "bent"),
                "parties": {"Ø": 2, "A": 1},
            },
            "imod": {
                "count": 4,
                "members": council.ids("anne", "carl", "dorte", "erik"),
                "parties": {"A": 2, "V": 2},
            },
            "undlod": {"count": 0, "members": [], "parties": {}},
        }
        assert vote_sentence(vote) == (
            "For stemte: Ø (2), A (1). Imod stemte: A (2), V (2). Undlod: –. "
            "Forslaget blev forkastet."
        )

    def test_a_member_without_a_party_is_counted_by_name(self, council: Council) -> None:
        council.seats["gorm"].party = None
        council.seats["gorm"].save()
        assert member_label(council.seats["gorm"]) == "Gorm Grønbech"
        assert member_label(council.seats["frida"]) == "Frida Falk (Ø)"
        vote = vote_record(
            actor=council.secretary,
            item=council.item(1),
            question="Indstillingen",
            for_ids=council.ids(*EVERYONE[:6]),
            against_ids=council.ids("gorm"),
            abstain_ids=[],
        )
        assert vote_tally(vote).by_party(Ballot.Choice.AGAINST) == [("Gorm Grønbech", 1)]


class TestPublicDecision:
    def test_the_closed_items_lacking_it_are_named(self, council: Council) -> None:
        assert closed_items_lacking_public_decision(council.meeting) == [2]
        assert public_decision(council.item(2)) == ""
        public_decision_set(actor=council.secretary, item=council.item(2), text=PUBLIC_TEXT)
        assert closed_items_lacking_public_decision(council.meeting) == []
        assert public_decision(council.item(2)) == PUBLIC_TEXT

    def test_a_closed_item_without_a_decision_lacks_it_too(self, council: Council) -> None:
        item_create(actor=council.secretary, meeting=council.meeting, title="Lukket", closed=True)
        assert closed_items_lacking_public_decision(council.meeting) == [2, 4]


def _record_protocol(council: Council, number: int) -> None:
    item = council.item(number)
    item_participation_set(
        actor=council.secretary,
        item=item,
        absent=[AbsenceInput(council.seats["gorm"].pk, "inhabil", "Sælgers bror")],
    )
    vote_record(
        actor=council.secretary,
        item=item,
        question="Indstillingen",
        for_ids=council.ids("anne", "bent", "carl", "dorte", "erik"),
        against_ids=council.ids("frida"),
        abstain_ids=[],
    )
    remark_save(actor=council.users["frida"], item=item, kind=Remark.Kind.DISSENT, text="Imod.")


class TestProtocolIsApproved:
    def test_a_vote_remark_or_absence_changes_what_the_members_approve(
        self, council: Council
    ) -> None:
        item = council.item(1)
        before = content_hash(item_review_content(fresh_item(item.pk)))
        _record_protocol(council, 1)
        content = item_review_content(fresh_item(item.pk))
        assert content_hash(content) != before
        lines = content_lines(content)
        assert "[Inhabil] Gorm Grønbech: Sælgers bror" in lines
        assert "[Afstemning] Indstillingen" in lines
        assert "  Frida Falk: Imod" in lines
        assert "[Protokoltilførsel] Frida Falk: Imod." in lines

    def test_an_item_without_a_protocol_keeps_its_hash(self, council: Council) -> None:
        content = item_review_content(fresh_item(council.item(3).pk))
        assert not {"protocol"} & set(content)


class TestItemsWithProtocol:
    def test_a_meetings_protocol_is_read_in_a_fixed_number_of_queries(
        self, council: Council
    ) -> None:
        _record_protocol(council, 1)

        def read() -> int:
            with CaptureQueriesContext(connection) as queries:
                items = items_with_protocol(
                    AgendaItem.objects.filter(meeting=council.meeting).order_by("number")
                )
                for item in items:
                    for vote in item.votes.all():
                        vote_sentence(vote)
                    for remark in item.remarks.all():
                        member_label(remark.member)
                    for addendum in item.addenda.all():
                        list(addendum.approvals.all())
            return len(queries)

        once = read()
        _record_protocol(council, 3)
        assert read() == once
        assert Vote.objects.count() == 2


class TestProtocolInHistory:
    def test_the_body_reads_who_left_the_item_and_the_vote_in_its_history(
        self, council: Council
    ) -> None:
        item = council.item(1)
        item_participation_set(
            actor=council.secretary,
            item=item,
            absent=[AbsenceInput(council.seats["carl"].pk, "inhabil", "Søn af ansøgeren")],
        )
        present = [m.pk for m in item_roll(item).present]
        vote_record(
            actor=council.secretary,
            item=item,
            question="Indstillingen",
            for_ids=present,
            against_ids=[],
            abstain_ids=[],
        )
        entries = item_history(item, user=council.secretary)
        by_kind = {e.kind: e for e in entries}
        absence = {c.name: c.after for c in by_kind["ItemParticipation"].changes}
        assert absence["member"] == "Carl Clausen"
        assert absence["note"] == "Søn af ansøgeren"
        assert {c.name: c.after for c in by_kind["Vote"].changes}["question"] == "Indstillingen"
        secretary = council.secretary
        assert by_kind["Vote"].user_name == (secretary.get_full_name() or secretary.username)
