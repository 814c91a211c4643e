"""Every read-only page for each role, asserting on what the user would see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from meetings.models import Meeting
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    AttendanceFactory,
    CaseFactory,
    DecisionFactory,
    MeetingFactory,
)

SECRET = "Hemmelig fyringsrunde i ØDC"


@pytest.fixture
def minutes(people: People) -> Meeting:
    meeting = MeetingFactory(
        body=people.body,
        location="Mødelokale B105",
        starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30)),
    )
    AttendanceFactory(meeting=meeting, name="Lars Holte", role="medlem", position=1)
    AttendanceFactory(meeting=meeting, name="Kathrine Seier Skastrup", role="sekretær", position=2)
    case = CaseFactory(number="17/8444", title="KMD")
    item = AgendaItemFactory(
        meeting=meeting, number=1, title="Udbud af KMD driftskontrakt", case=case
    )
    DecisionFactory(item=item, text="<p>Godkendt med bemærkninger.</p>")
    closed = AgendaItemFactory(
        meeting=meeting,
        number=2,
        title=SECRET,
        case=CaseFactory(number="17/171"),
        closed=True,
        background=f"<p>{SECRET} – baggrund</p>",
    )
    DecisionFactory(item=closed, text=f"<p>{SECRET} – beslutning</p>")
    AttachmentFactory(
        item=closed, title="Fortroligt bilag", file=ContentFile(b"%PDF-1.4 x", name="f.pdf")
    )
    AttachmentFactory(item=item, title="Udbudsplan", file=ContentFile(b"data", name="plan.pdf"))
    return meeting


@pytest.mark.django_db
class TestLogin:
    def test_the_login_page_is_in_danish(self, client) -> None:
        response = client.get("/login/")
        assert response.status_code == 200
        assert "Log ind" in response.content.decode()
        assert 'lang="da"' in response.content.decode()

    def test_a_wrong_password_says_so_in_danish(self, client, people: People) -> None:
        response = client.post("/login/", {"username": "sekretaer", "password": "forkert"})
        assert "Brugernavn og adgangskode passer ikke sammen" in response.content.decode()

    def test_a_good_password_logs_in(self, client, people: People) -> None:
        response = client.post("/login/", {"username": "sekretaer", "password": "test-password"})
        assert response.status_code == 302

    # "/" is the public front page for them (tests/meetings/views/test_public_pages.py).
    @pytest.mark.parametrize("url", ["/meetings/1/", "/cases/17-8444/", "/attachments/1/"])
    def test_what_the_public_may_not_read_is_not_found_with_a_way_to_log_in(
        self, client, url: str
    ) -> None:
        # The same address for everyone: what is not public answers 404 to the anonymous,
        # with a login that brings a member or an employee back to it.
        response = client.get(url)
        assert response.status_code == 404
        assert f'href="/login/?next={url}"' in response.content.decode()


@pytest.mark.django_db
class TestMeetingList:
    @pytest.mark.parametrize("role", ROLES)
    def test_published_minutes_are_listed_for_everyone(
        self, people: People, minutes: Meeting, role: str
    ) -> None:
        response = people.client_for(role).get("/")
        assert response.status_code == 200
        assert minutes.get_absolute_url() in response.content.decode()

    def test_drafts_are_listed_only_for_the_body(self, people: People) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        assert draft.get_absolute_url() in people.client_for("secretary").get("/").content.decode()
        assert draft.get_absolute_url() not in people.client_for("staff").get("/").content.decode()

    def test_it_filters_by_body_and_year(self, people: People, minutes: Meeting) -> None:
        other = MeetingFactory(body=people.other_body)
        client = people.client_for("superuser")
        page = client.get("/", {"body": "direktionen", "year": "2018"}).content.decode()
        assert minutes.get_absolute_url() in page
        assert other.get_absolute_url() not in page
        page = client.get("/", {"year": "1999"}).content.decode()
        assert minutes.get_absolute_url() not in page

    def test_a_malformed_year_gives_a_danish_message(self, people: People, minutes) -> None:
        page = people.client_for("staff").get("/", {"year": "20x8"}).content.decode()
        assert "ikke et gyldigt årstal" in page
        assert minutes.get_absolute_url() in page

    def test_an_unknown_body_is_a_danish_404(self, people: People) -> None:
        response = people.client_for("staff").get("/", {"body": "findes-ikke"})
        assert response.status_code == 404
        assert "findes ikke" in response.content.decode()


@pytest.mark.django_db
class TestMeetingPage:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_minutes_read_with_header_participants_and_items(
        self, people: People, minutes: Meeting, role: str
    ) -> None:
        response = people.client_for(role).get(minutes.get_absolute_url())
        page = response.content.decode()
        assert response.status_code == 200
        assert "Mødelokale B105" in page
        assert "Kathrine Seier Skastrup (sekretær)" in page
        assert "Punkt 1: Udbud af KMD driftskontrakt" in page
        assert "Godkendt med bemærkninger." in page
        assert "17/8444" in page
        assert "no-store" in response["Cache-Control"]

    @pytest.mark.parametrize("role", ROLES)
    def test_a_closed_item_shows_only_lukket_and_the_case_number_to_outsiders(
        self, people: People, minutes: Meeting, role: str
    ) -> None:
        page = people.client_for(role).get(minutes.get_absolute_url()).content.decode()
        assert "17/171" in page
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert SECRET in page
            assert "Fortroligt bilag" in page
            assert "Lukket punkt – fortroligt" in page
        else:
            assert "Punkt 2: Lukket" in page
            assert SECRET not in page
            assert "Fortroligt bilag" not in page

    def test_the_date_reads_in_danish(self, people: People, minutes: Meeting) -> None:
        page = people.client_for("staff").get(minutes.get_absolute_url()).content.decode()
        assert "Mandag d. 23. april 2018 kl. 12:30" in page

    def test_a_draft_is_not_found_for_staff(self, people: People) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        assert people.client_for("staff").get(draft.get_absolute_url()).status_code == 404
        assert people.client_for("director").get(draft.get_absolute_url()).status_code == 200


@pytest.mark.django_db
class TestCasePage:
    def test_it_lists_every_item_of_the_case_newest_first(self, people: People) -> None:
        case = CaseFactory(number="17/22360", title="Øvrige sager")
        older = AgendaItemFactory(case=case, title="Øvrige sager 20-03-2017",
                                  meeting=MeetingFactory(body=people.body))  # fmt: skip
        newer = AgendaItemFactory(case=case, title="Øvrige sager 23-04-2018",
                                  meeting=MeetingFactory(body=people.body))  # fmt: skip
        page = people.client_for("staff").get("/cases/17-22360/").content.decode()
        assert page.index(newer.title) < page.index(older.title)

    @pytest.mark.parametrize("role", ROLES)
    def test_closed_items_of_a_case_stay_closed(
        self, people: People, minutes: Meeting, role: str
    ) -> None:
        response = people.client_for(role).get("/cases/17-171/")
        assert response.status_code == 200
        page = response.content.decode()
        assert (SECRET in page) == (role in ROLES_WITH_CLOSED_ACCESS)
        assert "no-store" in response["Cache-Control"]

    def test_a_malformed_case_number_is_a_danish_404(self, people: People) -> None:
        response = people.client_for("staff").get("/cases/17-abc/")
        assert response.status_code == 404
        assert "Sagsnummeret" in response.content.decode()
        assert "ÅÅ/NNNNN" in response.content.decode()


@pytest.mark.django_db
class TestAttachmentDownload:
    @pytest.mark.parametrize("role", ROLES)
    def test_a_closed_items_file_reaches_only_the_body(
        self, people: People, minutes: Meeting, role: str
    ) -> None:
        attachment = minutes.items.get(number=2).attachments.get()
        response = people.client_for(role).get(attachment.get_download_url())
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
        else:
            assert response.status_code == 404

    def test_an_open_items_file_reaches_staff(self, people: People, minutes: Meeting) -> None:
        attachment = minutes.items.get(number=1).attachments.get()
        response = people.client_for("staff").get(attachment.get_download_url())
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
