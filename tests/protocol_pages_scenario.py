"""A political body's meeting, built through the real services, for the protocol's page and
browser tests: Direktionen (the `people` body) seated with parties, members with and without a
user, a substitute who takes the seat of a member who sent afbud, and a draft meeting with an
open item and a closed one (whose every text carries CLOSED_TOKEN).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from meetings.models import AgendaItem, Decision, Meeting, Membership, Party
from meetings.services.meetings import AttendeeInput, meeting_create
from meetings.services.members import MemberInput, member_add, party_create
from tests.conftest import People
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tests.review_scenario import CLOSED_TOKEN


@dataclass
class Council:
    people: People
    chair: User
    seats: dict[str, Membership]  # by first name: lars, birgitte, anne, bo, carl, dorte, eva
    meeting: Meeting
    open_item: AgendaItem
    closed_item: AgendaItem

    def seat(self, name: str) -> Membership:
        return self.seats[name]


def build_council(people: People) -> Council:
    secretary = people.secretary
    for letter, name in [("A", "Socialdemokratiet"), ("V", "Venstre"), ("Ø", "Enhedslisten")]:
        party_create(actor=secretary, letter=letter, name=name)
    director = Membership.objects.get(user=people.director, body=people.body)
    director.party = Party.objects.get(letter="A")
    director.name = "Lars Holte"
    director.save()
    chair = UserFactory(username="formand", first_name="Birgitte", last_name="Dam")
    chair_seat = MembershipFactory(
        user=chair,
        body=people.body,
        role=Membership.Role.CHAIR,
        party=Party.objects.get(letter="V"),
    )
    seats = {"lars": director, "birgitte": chair_seat}
    for key, name, party, role in [
        ("anne", "Anne Hansen", "A", Membership.Role.MEMBER),
        ("bo", "Bo Berg", "V", Membership.Role.MEMBER),
        ("carl", "Carl Ravn", "Ø", Membership.Role.MEMBER),
        ("dorte", "Dorte Dal", "Ø", Membership.Role.MEMBER),
        ("eva", "Eva Esbensen", "A", Membership.Role.SUBSTITUTE),
    ]:
        seats[key] = member_add(
            actor=secretary,
            body=people.body,
            data=MemberInput(name=name, party=party, role=role),
        )

    def line(key: str, *, present: bool = True, taking: str = "") -> AttendeeInput:
        seat = seats[key]
        return AttendeeInput(
            name=seat.display_name,
            role=seat.role,
            present=present,
            user_id=seat.user_id,
            member_id=seat.pk,
            substitute_for_id=seats[taking].pk if taking else None,
        )

    secretary_seat = Membership.objects.get(user=secretary, body=people.body)
    meeting = meeting_create(
        actor=secretary,
        body=people.body,
        starts_at=timezone.make_aware(dt.datetime(2026, 12, 14, 16, 0)),
        location="Byrådssalen",
        attendees=[
            line("birgitte"),
            line("lars"),
            line("anne", present=False),
            line("bo"),
            line("carl"),
            line("dorte"),
            line("eva", taking="anne"),
            AttendeeInput(
                name=secretary_seat.display_name,
                role=secretary_seat.role,
                user_id=secretary.pk,
                member_id=secretary_seat.pk,
            ),
        ],
    )
    open_item = AgendaItem.objects.create(
        meeting=meeting,
        number=1,
        title="Lokalplan 1234 for Nørregade",
        case=CaseFactory(number="26/1001"),
        background="<p>Forslag til lokalplan.</p>",
    )
    Decision.objects.create(
        item=open_item, text="<p>Lokalplanen vedtages endeligt.</p>", outcome="godkendt"
    )
    closed_item = AgendaItem.objects.create(
        meeting=meeting,
        number=2,
        title=f"Køb af ejendom {CLOSED_TOKEN}",
        case=CaseFactory(number="26/1002"),
        closed=True,
        background=f"<p>Prisen {CLOSED_TOKEN} er fortrolig.</p>",
    )
    Decision.objects.create(
        item=closed_item, text=f"<p>Købet {CLOSED_TOKEN} godkendes.</p>", outcome="godkendt"
    )
    AgendaItem.objects.create(
        meeting=meeting, number=3, title="Eventuelt", case=CaseFactory(number="26/1003")
    )
    return Council(people, chair, seats, meeting, open_item, closed_item)
