"""A political body's meeting, built through the real services and shared by the service,
selector and API tests of the protocol (registered in tests/conftest.py).

Byrådet has three parties and seven seats, four of them with a user; Kathrine (the people's
secretary) keeps its protocol too. The draft meeting has all seven present and three items:
1 open, 2 closed (every text carrying CLOSED_TOKEN), 3 open. Nothing of the protocol is
recorded yet: each test records what it is about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from meetings.access import meeting_reviewers
from meetings.models import AgendaItem, Body, Decision, Meeting, Membership
from meetings.services.items import DecisionInput, item_create
from meetings.services.meetings import AttendeeInput, meeting_create
from meetings.services.members import MemberInput, member_add, party_create
from meetings.services.protocol import public_decision_set
from meetings.services.review import decision_approve, meeting_submit_for_review
from tests.conftest import People
from tests.factories import BodyFactory
from tests.review_scenario import CLOSED_TOKEN

COUNCIL_DAY = dt.date(2026, 3, 10)
PUBLIC_TEXT = "Byrådet godkendte købet af ejendommen."

# short name: (full name, party, role, username or None)
SEATS = {
    "anne": ("Anne Andersen", "A", Membership.Role.CHAIR, "borgmester"),
    "bent": ("Bent Bach", "A", Membership.Role.MEMBER, "byraad1"),
    "carl": ("Carl Clausen", "A", Membership.Role.MEMBER, None),
    "dorte": ("Dorte Dahl", "V", Membership.Role.VICE_CHAIR, "byraad2"),
    "erik": ("Erik Eriksen", "V", Membership.Role.MEMBER, None),
    "frida": ("Frida Falk", "Ø", Membership.Role.MEMBER, "byraad3"),
    "gorm": ("Gorm Grønbech", "Ø", Membership.Role.MEMBER, None),
}
# A substitute of party A, seated only where the secretary puts him.
SUBSTITUTE = ("hans", "Hans Holm", "A", Membership.Role.SUBSTITUTE)


@dataclass
class Council:
    people: People
    body: Body
    seats: dict[str, Membership]
    users: dict[str, User]
    meeting: Meeting

    @property
    def secretary(self) -> User:
        return self.people.secretary

    def ids(self, *names: str) -> list[int]:
        return [self.seats[name].pk for name in names]

    def item(self, number: int) -> AgendaItem:
        return AgendaItem.objects.select_related("meeting__body").get(
            meeting=self.meeting, number=number
        )

    def api(self, who: str) -> APIClient:
        """An API client for a seat's user ("anne"), a role of People, or "anonymous"."""
        client = APIClient()
        if who in self.users:
            client.force_authenticate(self.users[who])
        elif who != "anonymous":
            client.force_authenticate(getattr(self.people, who))
        return client

    def approve_all(self) -> None:
        """Send the minutes for review (with the closed item's public decision) and let every
        reviewer approve every item: the decisions are locked and the minutes approved."""
        closed = self.item(2)
        if not Decision.objects.filter(item=closed).exclude(public_text="").exists():
            public_decision_set(actor=self.secretary, item=closed, text=PUBLIC_TEXT)
        meeting_submit_for_review(meeting=self.meeting, actor=self.secretary)
        reviewers = meeting_reviewers(self.meeting)
        for item in AgendaItem.objects.filter(meeting=self.meeting).order_by("number"):
            for reviewer in reviewers:
                decision_approve(item=item, actor=reviewer)
        self.meeting.refresh_from_db()


def build_council(people: People) -> Council:
    body = BodyFactory(name="Byrådet", slug="byraadet")
    admin = people.superuser
    Membership.objects.create(body=body, user=people.secretary, role=Membership.Role.SECRETARY)
    for letter, name in (("A", "Socialdemokratiet"), ("V", "Venstre"), ("Ø", "Enhedslisten")):
        party_create(actor=admin, letter=letter, name=name)
    seats: dict[str, Membership] = {}
    users: dict[str, User] = {}
    for short, (full, party, role, username) in SEATS.items():
        user = None
        if username:
            first, last = full.split(" ", 1)
            user = users[short] = User.objects.create_user(
                username=username, first_name=first, last_name=last
            )
        seats[short] = member_add(
            actor=people.secretary,
            body=body,
            data=MemberInput(
                name="" if user else full, user_id=user.pk if user else None, party=party, role=role
            ),
        )
    short, full, party, role = SUBSTITUTE
    seats[short] = member_add(
        actor=people.secretary,
        body=body,
        data=MemberInput(name=full, party=party, role=role),
    )
    meeting = meeting_create(
        actor=people.secretary,
        body=body,
        starts_at=timezone.make_aware(dt.datetime.combine(COUNCIL_DAY, dt.time(17, 0))),
        location="Byrådssalen",
        attendees=[
            AttendeeInput(
                name=seat.display_name,
                role=seat.get_role_display(),
                user_id=seat.user_id,
                member_id=seat.pk,
            )
            for short, seat in seats.items()
            if short in SEATS
        ],
    )
    secretary = people.secretary
    item_create(
        actor=secretary,
        meeting=meeting,
        title="Lokalplan 1100 for Havnefronten",
        case_number="26/101",
        decision=DecisionInput(text="<p>Indstillingen blev godkendt.</p>", outcome="Godkendt"),
    )
    item_create(
        actor=secretary,
        meeting=meeting,
        title=f"Køb af ejendom {CLOSED_TOKEN}",
        case_number="26/102",
        closed=True,
        background=f"<p>Sælger {CLOSED_TOKEN} vil sælge.</p>",
        decision=DecisionInput(
            text=f"<p>Købet godkendes til {CLOSED_TOKEN} kr.</p>", outcome="Godkendt"
        ),
    )
    item_create(
        actor=secretary,
        meeting=meeting,
        title="Eventuelt",
        case_number="26/103",
        decision=DecisionInput(text="<p>Intet.</p>", outcome="Taget til efterretning"),
    )
    return Council(people, body, seats, users, meeting)


@pytest.fixture
def council(people: People) -> Council:
    return build_council(people)
