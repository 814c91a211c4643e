"""A council meeting with a full protocol, built through the real services: parties, members
with and without users, a substitute for a member who sent afbud, an inhabil member, named
votes, a protokoltilførsel, a mindretalsudtalelse, a closed item with its public decision, the
members' approval (their signature), publication and an approved addition.

Every piece of the closed item's protocol carries CLOSED_TOKEN, so a test that must not see it
asserts the token is absent. Shared by the PDF and exchange-format tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from meetings.models import Addendum, AgendaItem, Body, Meeting, Membership
from meetings.services.items import DecisionInput, item_create
from meetings.services.meetings import AttendeeInput, meeting_create
from meetings.services.members import MemberInput, member_add, party_create
from meetings.services.protocol import (
    AbsenceInput,
    addendum_add,
    addendum_approve,
    addendum_signers,
    item_participation_set,
    public_decision_set,
    remark_save,
    vote_record,
)
from meetings.services.review import decision_approve, meeting_publish, meeting_submit_for_review
from tests.conftest import People
from tests.factories import UserFactory
from tests.review_scenario import CLOSED_TOKEN

COUNCIL_DAY = dt.date(2026, 11, 25)
COUNCIL_PUBLIC_DECISION = "Byrådet godkendte køb af en landbrugsejendom til skovrejsning."
DISSENT = "Enhedslisten kan ikke støtte en lokalplan, der inddrager landbrugsjord."
MINORITY = "Et mindretal anbefaler, at anlægget udbydes i totalentreprise."
ADDENDUM_TEXT = "Lokalplanens nummer er 1221, ikke 1212."
ADDENDUM_REASON = "Skrivefejl i lokalplanens nummer"
CLOSED_VOTE = f"Køb af ejendommen {CLOSED_TOKEN}"
CLOSED_REMARK = f"Enhedslisten er imod købet {CLOSED_TOKEN}"


@dataclass
class Council:
    people: People
    body: Body
    meeting: Meeting
    seats: dict[str, Membership]  # anne, bo, carl, dorte, erik, frida, secretary
    users: dict[str, User]  # anne, bo, carl, dorte: the members who sign
    addendum: Addendum | None = None

    def item(self, number: int) -> AgendaItem:
        return self.meeting.items.get(number=number)


def build_council(people: People, *, stage: str = "published", chair_only: bool = False) -> Council:
    """Byrådet's meeting of 25-11-2026. `stage`: "draft" (the protocol entered, not sent),
    "published" (approved by the four members with users — or by the chair alone, with
    `chair_only` — published, and item 1 corrected by an approved addition)."""
    admin = people.superuser
    body = Body.objects.create(name="Byrådet", slug="byraadet", review_by_chair_only=chair_only)
    for letter, name in (("A", "Socialdemokratiet"), ("V", "Venstre"), ("Ø", "Enhedslisten")):
        party_create(actor=admin, letter=letter, name=name)
    users = {
        "anne": UserFactory(username="anne", first_name="Anne", last_name="Hansen"),
        "bo": UserFactory(username="bo", first_name="Bo", last_name="Berg"),
        "carl": UserFactory(username="carl", first_name="Carl", last_name="Holm"),
        "dorte": UserFactory(username="dorte", first_name="Dorte", last_name="Lund"),
    }
    inputs = {
        "anne": MemberInput(user_id=users["anne"].pk, party="A", role="formand"),
        "bo": MemberInput(user_id=users["bo"].pk, party="V"),
        "carl": MemberInput(user_id=users["carl"].pk, party="A"),
        "dorte": MemberInput(user_id=users["dorte"].pk, party="Ø"),
        "erik": MemberInput(name="Erik Vad", party="V"),
        "frida": MemberInput(name="Frida Kjær", party="V", role="stedfortræder"),
        "secretary": MemberInput(user_id=people.secretary.pk, role="sekretær"),
    }
    seats = {key: member_add(actor=admin, body=body, data=data) for key, data in inputs.items()}
    secretary = people.secretary

    def attendee(
        key: str, role: str, *, present: bool = True, substitute_for: str | None = None
    ) -> AttendeeInput:
        seat = seats[key]
        return AttendeeInput(
            name=seat.display_name,
            role=role,
            present=present,
            user_id=seat.user_id,
            member_id=seat.pk,
            substitute_for_id=seats[substitute_for].pk if substitute_for else None,
        )

    meeting = meeting_create(
        actor=secretary,
        body=body,
        starts_at=timezone.make_aware(dt.datetime.combine(COUNCIL_DAY, dt.time(17, 0))),
        location="Byrådssalen",
        attendees=[
            attendee("anne", "formand"),
            attendee("bo", "medlem"),
            attendee("carl", "medlem"),
            attendee("dorte", "medlem"),
            attendee("erik", "medlem", present=False),
            attendee("frida", "stedfortræder", substitute_for="erik"),
            attendee("secretary", "sekretær"),
        ],
    )
    approved = DecisionInput(text="<p>Godkendt.</p>", outcome="godkendt", decided_on=COUNCIL_DAY)
    plan = item_create(
        actor=secretary,
        meeting=meeting,
        title="Lokalplan 1221 – Erhvervsområde ved Kattrup",
        case_number="25/1221",
        background="<p>Lokalplanen giver mulighed for nye erhvervsgrunde.</p>",
        decision=approved,
    )
    purchase = item_create(
        actor=secretary,
        meeting=meeting,
        title=f"Køb af landbrugsejendom {CLOSED_TOKEN}",
        case_number="25/999",
        closed=True,
        background=f"<p>Prisen er forhandlet {CLOSED_TOKEN}.</p>",
        decision=DecisionInput(
            text=f"<p>Købet godkendes {CLOSED_TOKEN}.</p>",
            outcome="godkendt",
            decided_on=COUNCIL_DAY,
        ),
    )
    sports = item_create(
        actor=secretary,
        meeting=meeting,
        title="Anlægsbevilling til idrætsanlæg i Lisbjerg",
        case_number="25/4410",
        decision=approved,
    )

    # Item 1: Carl Holm is inhabil; an amendment falls, the recommendation is carried.
    item_participation_set(
        actor=secretary,
        item=plan,
        absent=[
            AbsenceInput(member_id=seats["carl"].pk, kind="inhabil", note="ejer en naboejendom")
        ],
    )
    ids = {key: seat.pk for key, seat in seats.items()}
    vote_record(
        actor=secretary,
        item=plan,
        question="Ændringsforslag fra Ø om at udskyde lokalplanen",
        for_ids=[ids["dorte"]],
        against_ids=[ids["anne"], ids["bo"], ids["frida"]],
        abstain_ids=[],
    )
    vote_record(
        actor=secretary,
        item=plan,
        question="Indstillingen",
        for_ids=[ids["anne"], ids["bo"], ids["frida"]],
        against_ids=[ids["dorte"]],
        abstain_ids=[],
    )
    remark_save(actor=users["dorte"], item=plan, kind="protokoltilførsel", text=DISSENT)

    # Item 2 (closed): Bo Berg left the room; a vote and a remark behind closed doors.
    item_participation_set(
        actor=secretary,
        item=purchase,
        absent=[AbsenceInput(member_id=seats["bo"].pk, note=f"forlod mødet {CLOSED_TOKEN}")],
    )
    vote_record(
        actor=secretary,
        item=purchase,
        question=CLOSED_VOTE,
        for_ids=[ids["anne"], ids["carl"], ids["frida"]],
        against_ids=[ids["dorte"]],
        abstain_ids=[],
    )
    remark_save(actor=users["dorte"], item=purchase, kind="protokoltilførsel", text=CLOSED_REMARK)
    public_decision_set(actor=secretary, item=purchase, text=COUNCIL_PUBLIC_DECISION)

    # Item 3: a minority statement follows the recommendation.
    remark_save(actor=users["carl"], item=sports, kind="mindretalsudtalelse", text=MINORITY)

    council = Council(people, body, meeting, seats, users)
    if stage == "draft":
        return council

    meeting_submit_for_review(meeting=meeting, actor=secretary)
    signers = [users["anne"]] if chair_only else list(users.values())
    for item in meeting.items.order_by("number"):
        for user in signers:
            decision_approve(item=item, actor=user)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    meeting_publish(meeting=meeting, actor=secretary)
    addendum = addendum_add(actor=secretary, item=plan, text=ADDENDUM_TEXT, reason=ADDENDUM_REASON)
    for user_id in addendum_signers(plan):
        addendum_approve(actor=User.objects.get(pk=user_id), addendum=addendum)
    addendum.refresh_from_db()
    assert addendum.approved_at is not None
    council.addendum = addendum
    meeting.refresh_from_db()
    return council
