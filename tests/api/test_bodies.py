"""The JSON API of bodies and their members: who may read and who may change them, and bad input
answered in Danish with nothing changed."""

from __future__ import annotations

import pytest

from meetings.models import Body, Meeting, Membership
from tests.factories import MeetingFactory, UserFactory
from tests.protocol_scenario import Council

pytestmark = pytest.mark.django_db


def _members_url(council: Council) -> str:
    return f"/api/bodies/{council.body.pk}/members/"


def _publish_a_meeting(council: Council) -> None:
    MeetingFactory(body=council.body, status=Meeting.Status.PUBLISHED)


class TestBodyList:
    def test_each_user_gets_the_bodies_whose_meetings_they_may_open(self, council: Council) -> None:
        MeetingFactory(body=council.people.body, status=Meeting.Status.PUBLISHED)

        def names(who: str) -> list[str]:
            response = council.api(who).get("/api/bodies/")
            assert response.status_code == 200
            return [b["name"] for b in response.json()]

        # Staff read Direktionen's published minutes; Byrådet has only a draft.
        assert names("staff") == ["Direktionen"]
        assert names("anne") == ["Byrådet", "Direktionen"]
        assert names("outsider") == ["Direktionen", "Økonomiudvalget"]
        assert names("superuser") == ["Byrådet", "Direktionen", "Økonomiudvalget"]
        assert council.api("anonymous").get("/api/bodies/").status_code in {401, 403}

    def test_a_superuser_creates_a_body_with_its_standard_items(self, council: Council) -> None:
        response = council.api("superuser").post(
            "/api/bodies/",
            {
                "name": "Børne- og Skoleudvalget",
                "standard_items": ["Godkendelse af dagsorden", "Meddelelser", "Eventuelt"],
            },
            format="json",
        )
        assert response.status_code == 201
        body = response.json()
        assert body["slug"] == "boerne-og-skoleudvalget"
        assert body["standard_items"] == ["Godkendelse af dagsorden", "Meddelelser", "Eventuelt"]
        assert Body.objects.get(pk=body["id"]).name == "Børne- og Skoleudvalget"

    def test_no_one_else_may_and_nothing_is_created(self, council: Council) -> None:
        before = Body.objects.count()
        response = council.api("secretary").post(
            "/api/bodies/", {"name": "Nyt udvalg"}, format="json"
        )
        assert response.status_code == 403
        assert response.json() == {"detail": "Kun en administrator kan oprette organer."}
        assert Body.objects.count() == before

    def test_bad_fields_are_named_in_danish_and_nothing_is_created(self, council: Council) -> None:
        before = Body.objects.count()
        response = council.api("superuser").post(
            "/api/bodies/",
            {"name": "byrådet", "slug": "Byrådet!", "standard_items": ["Meddelelser", " "]},
            format="json",
        )
        assert response.status_code == 400
        errors = response.json()
        assert errors["name"] == ["Der findes allerede et organ med navnet byrådet."]
        assert errors["slug"][0].startswith("Det korte navn må kun have små bogstaver")
        assert errors["standard_items"][0].startswith("Standardpunkterne skal være højst 30")
        assert Body.objects.count() == before
        response = council.api("superuser").post("/api/bodies/", {"slug": "x"}, format="json")
        assert response.json() == {"name": ["Feltet skal udfyldes."]}


class TestMemberList:
    def test_members_are_listed_in_order_with_party_and_role(self, council: Council) -> None:
        response = council.api("anne").get(_members_url(council))
        assert response.status_code == 200
        seats = response.json()
        # The secretary's seat first (made first), then the members in the body's order.
        assert [(s["name"], s["party"], s["role"]) for s in seats[1:4]] == [
            ("Anne Andersen", "A", "formand"),
            ("Bent Bach", "A", "medlem"),
            ("Carl Clausen", "A", "medlem"),
        ]
        anne = seats[1]
        assert anne == {
            "id": council.seats["anne"].pk,
            "name": "Anne Andersen",
            "user": council.users["anne"].pk,
            "party": "A",
            "party_name": "Socialdemokratiet",
            "role": "formand",
            "role_label": "Formand",
            "starts_on": None,
            "ends_on": None,
            "position": council.seats["anne"].position,
        }
        assert seats[0]["role"] == "sekretær"
        assert seats[0]["party"] is None

    def test_anyone_who_may_open_the_bodys_meetings_reads_them(self, council: Council) -> None:
        assert council.api("staff").get(_members_url(council)).status_code == 404
        _publish_a_meeting(council)
        response = council.api("staff").get(_members_url(council))
        assert response.status_code == 200
        assert len(response.json()) == 9

    def test_an_unknown_body_is_404_in_danish(self, council: Council) -> None:
        response = council.api("superuser").get("/api/bodies/999999/members/")
        assert response.status_code == 404
        assert response.json()["detail"] == "Findes ikke, eller du har ikke adgang til det."


class TestMemberAdd:
    def test_the_secretary_gives_a_seat_with_party_and_period(self, council: Council) -> None:
        response = council.api("secretary").post(
            _members_url(council),
            {"name": "Ida Iversen", "party": "V", "role": "medlem", "starts_on": "2026-01-01"},
            format="json",
        )
        assert response.status_code == 201
        seat = response.json()
        assert (seat["name"], seat["party"], seat["party_name"]) == ("Ida Iversen", "V", "Venstre")
        assert (seat["starts_on"], seat["ends_on"], seat["user"]) == ("2026-01-01", None, None)
        assert Membership.objects.get(pk=seat["id"]).body == council.body

    def test_a_seat_with_a_user_takes_the_users_name(self, council: Council) -> None:
        user = UserFactory(username="byraad4", first_name="Jonas", last_name="Juhl")
        response = council.api("secretary").post(
            _members_url(council), {"user": user.pk, "party": "ø"}, format="json"
        )
        assert response.status_code == 201
        assert (response.json()["name"], response.json()["party"]) == ("Jonas Juhl", "Ø")

    @pytest.mark.parametrize(
        ("who", "status"), [("anne", 403), ("director", 404), ("outsider", 404)]
    )
    def test_no_one_but_the_secretary_may(self, council: Council, who: str, status: int) -> None:
        before = Membership.objects.count()
        response = council.api(who).post(
            _members_url(council), {"name": "Ida Iversen"}, format="json"
        )
        assert response.status_code == status
        if status == 403:
            assert response.json() == {"detail": "Kun organets sekretær kan ændre dets medlemmer."}
        assert Membership.objects.count() == before

    @pytest.mark.parametrize(
        ("data", "errors"),
        [
            (
                {"name": "Ida", "party": "Q"},
                {"party": ["Partiet Q findes ikke. Kendte partier: A, V, Ø."]},
            ),
            (
                {"name": "Ida", "starts_on": "1. januar"},
                {"starts_on": ["Skal være en dato som 2026-01-31."]},
            ),
            ({"party": "A"}, {"name": ["Angiv medlemmets navn eller vælg en bruger."]}),
            (
                {"name": "Ida", "user": "Ida"},
                {"user": ["En bruger angives med sit id (et heltal)."]},
            ),
            (
                {"name": "Ida", "user": 999999},
                {"user": ["Brugeren findes ikke eller er deaktiveret."]},
            ),
            (
                {"name": "Ida", "role": "sekretær"},
                {"role": ["Kun en administrator kan give sekretærens rolle."]},
            ),
            (
                {"name": "Ida", "starts_on": "2026-06-01", "ends_on": "2026-01-01"},
                {"ends_on": ["Perioden skal slutte efter, den begynder."]},
            ),
        ],
        ids=[
            "party",
            "date",
            "no-name",
            "user-not-an-id",
            "unknown-user",
            "secretary-role",
            "period",
        ],
    )
    def test_bad_input_is_answered_in_danish_and_adds_nothing(
        self, council: Council, data: dict[str, object], errors: dict[str, list[str]]
    ) -> None:
        before = Membership.objects.count()
        response = council.api("secretary").post(_members_url(council), data, format="json")
        assert response.status_code == 400
        assert response.json() == errors
        assert Membership.objects.count() == before


class TestMemberUpdate:
    def _url(self, council: Council, seat: str) -> str:
        return f"{_members_url(council)}{council.seats[seat].pk}/"

    def test_what_is_sent_changes_and_the_rest_stays(self, council: Council) -> None:
        response = council.api("secretary").patch(
            self._url(council, "erik"), {"party": "A", "ends_on": "2026-12-31"}, format="json"
        )
        assert response.status_code == 200
        seat = response.json()
        assert (seat["name"], seat["party"], seat["role"], seat["ends_on"]) == (
            "Erik Eriksen",
            "A",
            "medlem",
            "2026-12-31",
        )
        council.seats["erik"].refresh_from_db()
        assert council.seats["erik"].party_letter == "A"

    def test_a_member_gets_a_user_and_with_it_the_closed_items(self, council: Council) -> None:
        user = UserFactory(username="erik", first_name="Erik", last_name="Eriksen")
        response = council.api("secretary").patch(
            self._url(council, "erik"), {"user": user.pk}, format="json"
        )
        assert response.status_code == 200
        closed = council.item(2)
        api = council.api("anonymous")
        api.force_authenticate(user)
        assert api.get(f"/api/items/{closed.pk}/").json()["title"].startswith("Køb af ejendom")

    def test_a_bad_change_is_400_and_changes_nothing(self, council: Council) -> None:
        response = council.api("secretary").patch(
            self._url(council, "erik"), {"role": "konge", "party": "V"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["role"][0].startswith("Rollen skal være en af: Formand")
        council.seats["erik"].refresh_from_db()
        assert council.seats["erik"].role == "medlem"

    def test_a_member_may_not_change_a_seat(self, council: Council) -> None:
        response = council.api("anne").patch(
            self._url(council, "anne"), {"party": "V"}, format="json"
        )
        assert response.status_code == 403
        council.seats["anne"].refresh_from_db()
        assert council.seats["anne"].party_letter == "A"

    def test_a_seat_of_another_body_is_404(self, council: Council) -> None:
        director_seat = council.people.seat(council.people.director)
        response = council.api("superuser").patch(
            f"{_members_url(council)}{director_seat}/", {"party": "V"}, format="json"
        )
        assert response.status_code == 404
