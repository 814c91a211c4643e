"""A body's members as its secretary keeps them: seats with a name or a user, a party and a
period, who may change them, and a substitute (stedfortræder) taking a seat at one meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.errors import DomainError, NotAllowed
from meetings.models import AgendaItem, Attendance, Body, Membership, Party
from meetings.selectors.protocol import item_roll, seated_at_meeting
from meetings.services.meetings import AttendeeInput, meeting_update
from meetings.services.members import (
    MemberInput,
    body_create,
    member_add,
    member_remove,
    member_update,
    party_create,
)
from meetings.services.protocol import ballots_by_party, parse_party_vote, vote_record
from tests.factories import UserFactory
from tests.protocol_scenario import Council

pytestmark = pytest.mark.django_db


def _field_errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


class TestMemberAdd:
    def test_the_secretary_gives_a_seat_with_a_party_and_a_period(self, council: Council) -> None:
        seat = member_add(
            actor=council.secretary,
            body=council.body,
            data=MemberInput(
                name=" Ida Iversen ",
                party="v",
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2029, 12, 31),
            ),
        )
        seat.refresh_from_db()
        assert seat.display_name == "Ida Iversen"
        assert (seat.party_letter, seat.party.name) == ("V", "Venstre")
        assert seat.role == Membership.Role.MEMBER
        assert seat.position == max(s.position for s in council.seats.values()) + 1
        assert seat.serves_on(dt.date(2027, 6, 1))
        assert not seat.serves_on(dt.date(2030, 1, 1))

    def test_a_seat_with_a_user_prints_the_users_name(self, council: Council) -> None:
        user = UserFactory(username="byraad4", first_name="Jonas", last_name="Juhl")
        seat = member_add(
            actor=council.secretary,
            body=council.body,
            data=MemberInput(user_id=user.pk, party="Ø"),
        )
        assert seat.display_name == "Jonas Juhl"

    def test_a_users_seat_opens_the_bodys_closed_items_to_the_user(self, council: Council) -> None:
        staff = council.people.staff
        closed = council.item(2)
        assert not AgendaItem.objects.visible_to(staff).filter(pk=closed.pk).exists()
        seat = member_add(
            actor=council.secretary, body=council.body, data=MemberInput(user_id=staff.pk)
        )
        assert AgendaItem.objects.visible_to(staff).filter(pk=closed.pk).exists()
        member_remove(actor=council.secretary, member=seat)
        assert not AgendaItem.objects.visible_to(staff).filter(pk=closed.pk).exists()

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_only_the_bodys_secretary_or_a_superuser_may(self, council: Council, role: str) -> None:
        before = Membership.objects.count()
        with pytest.raises(PermissionDenied, match="Kun organets sekretær kan ændre"):
            member_add(
                actor=getattr(council.people, role),
                body=council.body,
                data=MemberInput(name="Ida Iversen"),
            )
        assert Membership.objects.count() == before
        member_add(
            actor=council.people.superuser, body=council.body, data=MemberInput(name="Ida Iversen")
        )
        assert Membership.objects.count() == before + 1

    def test_an_unknown_party_letter_names_the_known_ones_and_adds_nothing(
        self, council: Council
    ) -> None:
        before = Membership.objects.count()
        with pytest.raises(ValidationError) as excinfo:
            member_add(
                actor=council.secretary,
                body=council.body,
                data=MemberInput(name="Ida Iversen", party="Q"),
            )
        assert _field_errors(excinfo) == {
            "party": ["Partiet Q findes ikke. Kendte partier: A, V, Ø."]
        }
        assert Membership.objects.count() == before

    def test_every_bad_field_is_named_at_once(self, council: Council) -> None:
        with pytest.raises(ValidationError) as excinfo:
            member_add(
                actor=council.secretary,
                body=council.body,
                data=MemberInput(
                    role="borgmester",
                    starts_on=dt.date(2026, 1, 1),
                    ends_on=dt.date(2025, 1, 1),
                ),
            )
        errors = _field_errors(excinfo)
        assert errors["name"] == ["Angiv medlemmets navn eller vælg en bruger."]
        assert errors["role"][0].startswith("Rollen skal være en af: Formand, Næstformand")
        assert errors["ends_on"] == ["Perioden skal slutte efter, den begynder."]

    def test_only_a_superuser_gives_the_secretarys_role(self, council: Council) -> None:
        user = UserFactory(username="sekretaer2")
        data = MemberInput(user_id=user.pk, role=Membership.Role.SECRETARY)
        with pytest.raises(ValidationError) as excinfo:
            member_add(actor=council.secretary, body=council.body, data=data)
        assert _field_errors(excinfo) == {
            "role": ["Kun en administrator kan give sekretærens rolle."]
        }
        seat = member_add(actor=council.people.superuser, body=council.body, data=data)
        assert seat.role == Membership.Role.SECRETARY

    def test_a_user_holds_one_seat_per_body(self, council: Council) -> None:
        before = Membership.objects.count()
        with pytest.raises(ValidationError) as excinfo:
            member_add(
                actor=council.secretary,
                body=council.body,
                data=MemberInput(user_id=council.users["anne"].pk),
            )
        assert _field_errors(excinfo) == {"user": ["Brugeren er allerede medlem af organet."]}
        assert Membership.objects.count() == before

    def test_a_deactivated_user_is_refused(self, council: Council) -> None:
        user = UserFactory(username="tidligere", is_active=False)
        with pytest.raises(ValidationError) as excinfo:
            member_add(
                actor=council.secretary, body=council.body, data=MemberInput(user_id=user.pk)
            )
        assert _field_errors(excinfo) == {"user": ["Brugeren findes ikke eller er deaktiveret."]}


class TestMemberUpdate:
    def test_a_member_changes_party_and_ends_the_period(self, council: Council) -> None:
        erik = council.seats["erik"]
        member_update(
            actor=council.secretary,
            member=erik,
            data=MemberInput(name="Erik Eriksen", party="A", ends_on=dt.date(2026, 12, 31)),
        )
        erik.refresh_from_db()
        assert erik.party_letter == "A"
        assert erik.ends_on == dt.date(2026, 12, 31)
        assert erik.pk == council.seats["erik"].pk

    def test_a_bad_change_keeps_the_seat_as_it_was(self, council: Council) -> None:
        erik = council.seats["erik"]
        with pytest.raises(ValidationError):
            member_update(
                actor=council.secretary, member=erik, data=MemberInput(name="", party="V")
            )
        erik.refresh_from_db()
        assert (erik.name, erik.party_letter) == ("Erik Eriksen", "V")

    def test_a_secretary_may_not_change_a_secretarys_seat(self, council: Council) -> None:
        own = Membership.objects.get(body=council.body, user=council.secretary)
        with pytest.raises(NotAllowed, match="Kun en administrator kan ændre en sekretærs plads"):
            member_update(
                actor=council.secretary,
                member=own,
                data=MemberInput(user_id=council.secretary.pk, role=Membership.Role.MEMBER),
            )
        own.refresh_from_db()
        assert own.role == Membership.Role.SECRETARY

    def test_a_member_may_not_change_their_own_seat(self, council: Council) -> None:
        anne = council.seats["anne"]
        with pytest.raises(PermissionDenied):
            member_update(
                actor=council.users["anne"],
                member=anne,
                data=MemberInput(user_id=anne.user_id, party="V", role=Membership.Role.CHAIR),
            )
        anne.refresh_from_db()
        assert anne.party_letter == "A"


class TestMemberRemove:
    def test_a_seat_no_meeting_names_is_removed(self, council: Council) -> None:
        hans = council.seats["hans"]
        member_remove(actor=council.secretary, member=hans)
        assert not Membership.objects.filter(pk=hans.pk).exists()

    def test_a_seat_in_the_protocol_is_kept_and_the_secretary_told_to_end_it(
        self, council: Council
    ) -> None:
        before = Membership.objects.count()
        with pytest.raises(DomainError) as excinfo:
            member_remove(actor=council.secretary, member=council.seats["carl"])
        assert str(excinfo.value) == (
            "Carl Clausen står i protokollen for tidligere møder og kan ikke slettes. "
            "Sæt i stedet en slutdato for medlemsperioden."
        )
        assert Membership.objects.count() == before


class TestPartyCreate:
    def test_a_secretary_creates_a_party(self, council: Council) -> None:
        party = party_create(
            actor=council.secretary, letter=" K ", name="Det Konservative Folkeparti"
        )
        assert str(party) == "K – Det Konservative Folkeparti"

    def test_a_letter_in_use_or_too_long_is_refused(self, council: Council) -> None:
        before = Party.objects.count()
        with pytest.raises(ValidationError) as excinfo:
            party_create(actor=council.secretary, letter="ø", name="Et andet parti")
        assert _field_errors(excinfo) == {"letter": ["Partibogstavet ø er i brug."]}
        with pytest.raises(ValidationError) as excinfo:
            party_create(actor=council.secretary, letter="ABCD", name="")
        assert set(_field_errors(excinfo)) == {"letter", "name"}
        assert Party.objects.count() == before

    def test_someone_who_keeps_no_body_may_not(self, council: Council) -> None:
        with pytest.raises(NotAllowed, match="Kun en sekretær kan oprette partier"):
            party_create(actor=council.people.staff, letter="K", name="Konservative")


class TestBodyCreate:
    def test_a_superuser_creates_a_body_with_its_standard_items(self, council: Council) -> None:
        body = body_create(
            actor=council.people.superuser,
            name=" Økonomi- og Erhvervsudvalget ",
            standard_items=["Godkendelse af dagsorden", " Eventuelt "],
        )
        assert (body.name, body.slug) == (
            "Økonomi- og Erhvervsudvalget",
            "oekonomi-og-erhvervsudvalget",
        )
        assert body.standard_items == ["Godkendelse af dagsorden", "Eventuelt"]

    def test_no_secretary_may(self, council: Council) -> None:
        before = Body.objects.count()
        with pytest.raises(NotAllowed, match="Kun en administrator kan oprette organer"):
            body_create(actor=council.secretary, name="Nyt udvalg")
        assert Body.objects.count() == before

    def test_a_name_or_slug_in_use_is_refused(self, council: Council) -> None:
        before = Body.objects.count()
        with pytest.raises(ValidationError) as excinfo:
            body_create(actor=council.people.superuser, name="BYRÅDET", slug="direktionen")
        assert _field_errors(excinfo) == {
            "name": ["Der findes allerede et organ med navnet BYRÅDET."],
            "slug": ["Det korte navn direktionen er i brug."],
        }
        with pytest.raises(ValidationError) as excinfo:
            body_create(actor=council.people.superuser, name="Udvalg", standard_items=["x" * 501])
        assert list(_field_errors(excinfo)) == ["standard_items"]
        assert Body.objects.count() == before


def _attendees(council: Council, *, afbud: str, substitute: str) -> list[AttendeeInput]:
    """Everyone present but `afbud`, who sent apologies; `substitute` takes that seat."""
    lines = []
    for short, seat in council.seats.items():
        if short == substitute:
            continue
        lines.append(
            AttendeeInput(
                name=seat.display_name,
                user_id=seat.user_id,
                member_id=seat.pk,
                present=short != afbud,
            )
        )
    sub = council.seats[substitute]
    lines.append(
        AttendeeInput(
            name=sub.display_name,
            role="stedfortræder",
            member_id=sub.pk,
            substitute_for_id=council.seats[afbud].pk,
        )
    )
    return lines


class TestSubstituteAtAMeeting:
    def test_a_substitute_takes_the_seat_of_a_member_who_sent_afbud(self, council: Council) -> None:
        meeting = council.meeting
        meeting_update(
            actor=council.secretary,
            meeting=meeting,
            version=meeting.version,
            starts_at=meeting.starts_at,
            location=meeting.location,
            attendees=_attendees(council, afbud="carl", substitute="hans"),
        )
        seated = {m.display_name for m in seated_at_meeting(meeting)}
        assert "Hans Holm" in seated
        assert "Carl Clausen" not in seated
        assert len(seated) == 7
        hans = Attendance.objects.get(meeting=meeting, member=council.seats["hans"])
        assert hans.substitute_for == council.seats["carl"]

        # The substitute votes with his party; the member who sent afbud cannot.
        item = council.item(1)
        present = item_roll(item).present
        ballots = ballots_by_party(present, parse_party_vote("A og V for, Ø imod"))
        assert council.seats["hans"].pk in ballots["for"]
        assert council.seats["carl"].pk not in ballots["for"]
        vote = vote_record(
            actor=council.secretary,
            item=item,
            question="Indstillingen",
            for_ids=ballots["for"],
            against_ids=ballots["imod"],
            abstain_ids=ballots["undlod"],
        )
        assert vote.ballots.count() == 7

    def test_a_substitute_for_a_member_who_is_there_is_refused_and_nothing_changes(
        self, council: Council
    ) -> None:
        meeting = council.meeting
        before = list(Attendance.objects.filter(meeting=meeting).values_list("pk", flat=True))
        attendees = _attendees(council, afbud="carl", substitute="hans")
        # Carl is there after all.
        attendees = [
            AttendeeInput(
                name=a.name,
                member_id=a.member_id,
                user_id=a.user_id,
                present=True,
                substitute_for_id=a.substitute_for_id,
            )
            for a in attendees
        ]
        with pytest.raises(ValidationError) as excinfo:
            meeting_update(
                actor=council.secretary,
                meeting=meeting,
                version=meeting.version,
                starts_at=meeting.starts_at,
                location=meeting.location,
                attendees=attendees,
            )
        assert _field_errors(excinfo) == {
            "attendees": ["Carl Clausen er selv til stede, så ingen kan træde ind i stedet."]
        }
        after = list(Attendance.objects.filter(meeting=meeting).values_list("pk", flat=True))
        assert after == before

    def test_a_seat_of_another_body_is_refused(self, council: Council) -> None:
        meeting = council.meeting
        director_seat = council.people.seat(council.people.director)
        with pytest.raises(ValidationError) as excinfo:
            meeting_update(
                actor=council.secretary,
                meeting=meeting,
                version=meeting.version,
                starts_at=meeting.starts_at,
                location=meeting.location,
                attendees=[AttendeeInput(name="Lars", member_id=director_seat)],
            )
        assert _field_errors(excinfo) == {
            "attendees": ["En af deltagerne er ikke medlem af Byrådet."]
        }
        assert Attendance.objects.filter(meeting=meeting).count() == 7
