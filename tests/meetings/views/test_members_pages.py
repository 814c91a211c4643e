"""A body's members page and the meeting's attendance by seat, as the secretary, a member,
staff, an outsider and anonymous users meet them."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Attendance, Meeting, Membership, Party
from tests.conftest import People
from tests.factories import MeetingFactory, UserFactory
from tests.protocol_pages_scenario import Council, build_council

pytestmark = pytest.mark.django_db

URL = "/bodies/direktionen/members/"


def text_of(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return re.sub(r" ([.,:;)])", r"\1", text)


@pytest.fixture
def council(people: People) -> Council:
    return build_council(people)


class TestTheMembersPage:
    def test_the_secretary_sees_every_seat_with_party_role_and_user(self, council: Council) -> None:
        response = council.people.client_for("secretary").get(URL)
        page = text_of(response)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "Medlemmer af Direktionen" in page
        assert "Anne Hansen A – Socialdemokratiet Medlem" in page
        assert "Eva Esbensen A – Socialdemokratiet Stedfortræder" in page
        assert "Birgitte Dam V – Venstre Formand" in page
        assert "formand" in page  # the chair's user
        assert "Tilføj et medlem" in page and "Tilføj et parti" in page

    def test_the_secretary_adds_a_member_without_a_user(self, council: Council) -> None:
        client = council.people.client_for("secretary")
        response = client.post(
            URL,
            {
                "name": "Frida Frost",
                "user": "",
                "party": "Ø",
                "role": "medlem",
                "starts_on": "01-01-2026",
                "ends_on": "",
            },
        )
        assert response.status_code == 302
        seat = Membership.objects.get(name="Frida Frost")
        assert (seat.party.letter, seat.role, seat.starts_on, seat.user) == (
            "Ø",
            "medlem",
            dt.date(2026, 1, 1),
            None,
        )
        page = text_of(client.get(URL))
        assert "Frida Frost er tilføjet som medlem af Direktionen." in page
        assert "Frida Frost Ø – Enhedslisten Medlem 01-01-2026 –" in page

    def test_a_member_with_a_user_is_named_after_the_user(self, council: Council) -> None:
        user = UserFactory(username="gorm", first_name="Gorm", last_name="Gram")
        response = council.people.client_for("secretary").post(
            URL, {"name": "", "user": user.pk, "party": "V", "role": "næstformand"}
        )
        assert response.status_code == 302
        seat = Membership.objects.get(user=user)
        assert seat.display_name == "Gorm Gram"
        assert seat.role == "næstformand"

    def test_bad_input_gets_danish_messages_and_keeps_what_was_typed(
        self, council: Council
    ) -> None:
        response = council.people.client_for("secretary").post(
            URL,
            {
                "name": "Hanne Hald",
                "party": "Å",
                "role": "medlem",
                "starts_on": "01-06-2026",
                "ends_on": "31-12-2025",
            },
        )
        assert response.status_code == 400
        page = text_of(response)
        assert "Vælg et parti fra listen, eller opret det nedenfor." in page
        assert 'value="Hanne Hald"' in response.content.decode()
        assert not Membership.objects.filter(name="Hanne Hald").exists()
        response = council.people.client_for("secretary").post(
            URL, {"name": "Hanne Hald", "role": "medlem", "starts_on": "01-06-2026",
                  "ends_on": "31-12-2025"},
        )  # fmt: skip
        assert response.status_code == 400
        assert "Perioden skal slutte efter, den begynder." in text_of(response)
        assert 'value="01-06-2026"' in response.content.decode()
        response = council.people.client_for("secretary").post(
            URL, {"name": "Hanne Hald", "role": "medlem", "starts_on": "1. juni"}
        )
        assert response.status_code == 400
        assert "Skriv datoen som dd-mm-åååå, f.eks. 01-01-2026." in text_of(response)
        assert 'value="1. juni"' in response.content.decode()
        response = council.people.client_for("secretary").post(
            URL, {"name": "", "party": "A", "role": "medlem"}
        )
        assert response.status_code == 400
        assert "Angiv medlemmets navn eller vælg en bruger." in text_of(response)

    def test_only_an_administrator_gives_the_secretarys_role(self, council: Council) -> None:
        page = council.people.client_for("secretary").get(URL).content.decode()
        assert 'value="sekretær"' not in page
        response = council.people.client_for("secretary").post(
            URL, {"name": "Ib Isen", "role": "sekretær"}
        )
        assert response.status_code == 400
        assert "Vælg en rolle fra listen." in text_of(response)
        response = council.people.client_for("superuser").post(
            URL, {"name": "Ib Isen", "role": "sekretær"}
        )
        assert response.status_code == 302

    def test_the_secretary_ends_a_seat_and_the_list_says_so(self, council: Council) -> None:
        bo = council.seat("bo")
        client = council.people.client_for("secretary")
        edit = client.get(f"{URL}{bo.pk}/")
        assert 'value="Bo Berg"' in edit.content.decode()
        response = client.post(
            f"{URL}{bo.pk}/",
            {"name": "Bo Berg", "party": "V", "role": "medlem", "ends_on": "2026-12-31"},
        )
        assert response.status_code == 302
        bo.refresh_from_db()
        assert bo.ends_on == dt.date(2026, 12, 31)
        assert "… – 31-12-2026" in text_of(client.get(URL))

    def test_a_seat_the_protocol_names_is_kept_and_one_that_no_one_names_is_removed(
        self, council: Council
    ) -> None:
        client = council.people.client_for("secretary")
        response = client.post(f"{URL}{council.seat('anne').pk}/remove/")
        assert response.status_code == 302
        page = text_of(client.get(response["Location"]))
        assert (
            "Anne Hansen står i protokollen for tidligere møder og kan ikke slettes. "
            "Sæt i stedet en slutdato for medlemsperioden." in page
        )
        assert Membership.objects.filter(pk=council.seat("anne").pk).exists()
        spare = Membership.objects.create(body=council.people.body, name="Ulla Ubrugt")
        response = client.post(f"{URL}{spare.pk}/remove/")
        assert "Ulla Ubrugt er fjernet fra Direktionen." in text_of(
            client.get(response["Location"])
        )
        assert not Membership.objects.filter(pk=spare.pk).exists()

    def test_the_secretary_adds_a_party(self, council: Council) -> None:
        client = council.people.client_for("secretary")
        response = client.post(
            "/bodies/direktionen/parties/", {"party-letter": "F", "party-name": "SF"}
        )
        assert response.status_code == 302
        assert Party.objects.get(letter="F").name == "SF"
        response = client.post(
            "/bodies/direktionen/parties/", {"party-letter": "A", "party-name": "Andet"}
        )
        assert response.status_code == 400
        assert "Partibogstavet A er i brug." in text_of(response)
        assert 'value="Andet"' in response.content.decode()

    def test_a_member_reads_the_list_but_cannot_change_it(self, council: Council) -> None:
        client = council.people.client_for("director")
        response = client.get(URL)
        page = text_of(response)
        assert response.status_code == 200
        assert "Anne Hansen" in page
        assert "Tilføj et medlem" not in page and "Ret" not in page.split()
        assert "formand" not in page.split()  # no user names for readers
        response = client.post(URL, {"name": "Snydt Ind", "role": "medlem"})
        assert response.status_code == 403
        assert not Membership.objects.filter(name="Snydt Ind").exists()
        assert client.post("/bodies/direktionen/parties/", {"party-letter": "X"}).status_code == 403

    def test_staff_see_the_members_of_a_body_with_published_minutes_only(
        self, people: People
    ) -> None:
        client = people.client_for("staff")
        assert client.get(URL).status_code == 404
        MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        response = client.get(URL)
        assert response.status_code == 200
        assert "Tilføj et medlem" not in text_of(response)

    def test_the_secretary_of_another_body_cannot_change_it(self, council: Council) -> None:
        client = council.people.client_for("outsider")
        assert client.get(URL).status_code == 404
        response = client.post(URL, {"name": "Snydt Ind", "role": "medlem"})
        assert response.status_code == 404
        assert not Membership.objects.filter(name="Snydt Ind").exists()

    def test_anonymous_users_are_sent_to_log_in(self, council: Council) -> None:
        response = Client().get(URL)
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_the_meeting_page_links_to_the_members(self, council: Council) -> None:
        page = council.people.client_for("director").get(council.meeting.get_absolute_url())
        assert f'href="{URL}"' in page.content.decode()


class TestAttendanceBySeat:
    def form(self, council: Council, **choices: str) -> dict[str, str]:
        """The meeting form as the secretary sends it: every seat present, but as given."""
        data = {
            "body": str(council.people.body.pk),
            "starts_at": "2026-12-21T16:00",
            "location": "Byrådssalen",
            "guests": "",
        }
        for seat in Membership.objects.filter(body=council.people.body):
            data[f"member-{seat.pk}"] = "present"
        data.update(choices)
        return data

    def test_every_seat_is_listed_those_without_a_user_too_and_a_substitute_not_present(
        self, council: Council
    ) -> None:
        page = council.people.client_for("secretary").get("/meetings/new/").content.decode()
        assert "Anne Hansen (A)" in page and "Carl Ravn (Ø)" in page
        eva = council.seat("eva")
        assert re.search(rf'name="member-{eva.pk}".*?<option value="none" selected>', page, re.S)
        assert f'name="subst-{eva.pk}"' in page

    def test_a_substitute_takes_the_seat_of_a_member_who_sent_afbud(self, council: Council) -> None:
        anne, eva, carl = council.seat("anne"), council.seat("eva"), council.seat("carl")
        client = council.people.client_for("secretary")
        response = client.post(
            "/meetings/new/",
            self.form(
                council,
                **{
                    f"member-{anne.pk}": "absent",
                    f"member-{carl.pk}": "absent",
                    f"subst-{eva.pk}": str(anne.pk),
                },
            ),
        )
        assert response.status_code == 302
        meeting = Meeting.objects.get(starts_at__date=dt.date(2026, 12, 21))
        line = Attendance.objects.get(meeting=meeting, member=eva)
        assert (line.present, line.substitute_for) == (True, anne)
        page = text_of(client.get(meeting.get_absolute_url()))
        assert "Eva Esbensen (A, stedfortræder for Anne Hansen)" in page
        assert "Afbud Anne Hansen (A), Carl Ravn (Ø)" in page
        # The form shows it again as saved.
        edit = client.get(f"/meetings/{meeting.pk}/edit/").content.decode()
        assert re.search(
            rf'name="subst-{eva.pk}".*?<option value="{anne.pk}" selected>', edit, re.S
        )

    def test_a_substitute_for_a_member_who_is_present_is_refused_and_the_form_kept(
        self, council: Council
    ) -> None:
        eva, bo = council.seat("eva"), council.seat("bo")
        response = council.people.client_for("secretary").post(
            "/meetings/new/",
            self.form(council, **{f"subst-{eva.pk}": str(bo.pk), "location": "Salen"}),
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Bo Berg er selv til stede, så ingen kan træde ind i stedet." in text_of(response)
        assert re.search(rf'name="subst-{eva.pk}".*?<option value="{bo.pk}" selected>', page, re.S)
        assert 'value="Salen"' in page
        assert not Meeting.objects.filter(location="Salen").exists()

    def test_a_substitute_who_sent_afbud_is_refused(self, council: Council) -> None:
        anne, eva = council.seat("anne"), council.seat("eva")
        response = council.people.client_for("secretary").post(
            "/meetings/new/",
            self.form(
                council,
                **{
                    f"member-{anne.pk}": "absent",
                    f"member-{eva.pk}": "absent",
                    f"subst-{eva.pk}": str(anne.pk),
                },
            ),
        )
        assert "Eva Esbensen har meldt afbud og kan ikke træde ind for et andet medlem." in (
            text_of(response)
        )

    def test_afbud_works_for_a_member_without_a_user(self, council: Council) -> None:
        carl = council.seat("carl")
        client = council.people.client_for("secretary")
        client.post("/meetings/new/", self.form(council, **{f"member-{carl.pk}": "absent"}))
        meeting = Meeting.objects.get(starts_at=timezone.make_aware(dt.datetime(2026, 12, 21, 16)))
        assert Attendance.objects.get(meeting=meeting, member=carl).present is False
        page = text_of(client.get(meeting.get_absolute_url()))
        assert "Afbud Carl Ravn (Ø)" in page
        assert "Carl Ravn" not in page.split("Mødedeltagere")[1].split("Afbud")[0]
