"""The agenda's routine on the pages: the body's standard items (settings page and the
new-meeting form), "Kopiér fra forrige møde", and postponed items offered, taken up and linked
both ways — who sees what, and refusals in Danish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import AgendaItem, Decision, Meeting
from tests.conftest import People
from tests.factories import AgendaItemFactory, CaseFactory, DecisionFactory, MeetingFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
STANDARD = ["Godkendelse af dagsorden", "Meddelelser", "Eventuelt"]


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(f"{day} 14:00", "%d-%m-%Y %H:%M"))


def meeting_of(people: People, day: str, status: str = Meeting.Status.DRAFT) -> Meeting:
    return MeetingFactory(body=people.body, starts_at=at(day), status=status)


def postponed(meeting: Meeting, **fields: object) -> AgendaItem:
    item = AgendaItemFactory(meeting=meeting, **fields)
    DecisionFactory(item=item, text="<p>Udsat.</p>", outcome=Decision.Outcome.POSTPONED)
    return item


def page(people: People, role: str, meeting: Meeting) -> str:
    response = people.client_for(role).get(meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def november(people: People) -> Meeting:
    return meeting_of(people, "12-11-2026", Meeting.Status.PUBLISHED)


@pytest.fixture
def december(people: People) -> Meeting:
    return meeting_of(people, "10-12-2026")


@pytest.mark.django_db
class TestStandardItemsSettings:
    URL = "/bodies/direktionen/settings/"

    def test_the_secretary_sees_the_standard_items_one_a_line(self, people: People) -> None:
        people.body.standard_items = STANDARD
        people.body.save()
        response = people.client_for("secretary").get(self.URL)
        text = response.content.decode()
        assert response.status_code == 200
        assert "Indstillinger for Direktionen" in text and "Standardpunkter" in text
        assert "Godkendelse af dagsorden\nMeddelelser\nEventuelt</textarea>" in text

    def test_saving_sets_them_and_says_so(self, people: People) -> None:
        client = people.client_for("secretary")
        response = client.post(
            self.URL, {"standard_items": "Godkendelse af dagsorden\r\n\r\nMeddelelser\r\nEventuelt"}
        )
        assert response.status_code == 302 and response["Location"] == self.URL
        people.body.refresh_from_db()
        assert people.body.standard_items == STANDARD
        assert "Indstillingerne er gemt." in client.get(self.URL).content.decode()

    def test_bad_input_keeps_what_was_typed_and_says_why_in_danish(self, people: People) -> None:
        people.body.standard_items = ["Eventuelt"]
        people.body.save()
        typed = "Meddelelser\nEn helt ny overskrift\nmeddelelser"
        response = people.client_for("secretary").post(self.URL, {"standard_items": typed})
        text = response.content.decode()
        assert response.status_code == 400
        assert "“meddelelser” står flere gange." in text
        assert "En helt ny overskrift" in text and 'aria-invalid="true"' in text
        people.body.refresh_from_db()
        assert people.body.standard_items == ["Eventuelt"]

    def test_a_member_is_refused_in_danish_and_nothing_changes(self, people: People) -> None:
        client = people.client_for("director")
        get = client.get(self.URL)
        post = client.post(self.URL, {"standard_items": "Eventuelt"})
        assert get.status_code == post.status_code == 403
        assert "Kun sekretæren for Direktionen kan ændre organets standardpunkter." in (
            post.content.decode()
        )
        people.body.refresh_from_db()
        assert people.body.standard_items == []

    @pytest.mark.parametrize("role", ["staff", "outsider"])
    def test_someone_outside_the_body_does_not_find_the_page(
        self, people: People, role: str
    ) -> None:
        client = people.client_for(role)
        assert client.get(self.URL).status_code == 404
        assert client.post(self.URL, {"standard_items": "Eventuelt"}).status_code == 404
        people.body.refresh_from_db()
        assert people.body.standard_items == []

    def test_anonymous_is_sent_to_the_login(self, people: People) -> None:
        response = people.client_for("anonymous").get(self.URL)
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_a_superuser_may_set_them(self, people: People) -> None:
        people.client_for("superuser").post(self.URL, {"standard_items": "Eventuelt"})
        people.body.refresh_from_db()
        assert people.body.standard_items == ["Eventuelt"]


@pytest.mark.django_db
class TestNewMeetingForm:
    def form(self, people: People, **fields: object) -> dict[str, object]:
        return {
            "body": people.body.pk,
            "starts_at": "2026-12-10T14:00",
            "location": "B105",
            **fields,
        }

    def test_the_choice_is_ticked_and_names_the_items_when_the_body_has_some(
        self, people: People
    ) -> None:
        people.body.standard_items = STANDARD
        people.body.save()
        text = (
            people.client_for("secretary").get("/meetings/new/?body=direktionen").content.decode()
        )
        assert "Tilføj standardpunkter" in text
        assert 'name="add_standard_items" id="add-standard-items" value="on" checked' in text
        assert "Godkendelse af dagsorden, Meddelelser, Eventuelt" in text

    def test_a_body_without_standard_items_offers_to_set_them(self, people: People) -> None:
        text = (
            people.client_for("secretary").get("/meetings/new/?body=direktionen").content.decode()
        )
        assert 'name="add_standard_items"' not in text
        assert "Direktionen har ingen standardpunkter." in text
        assert "/bodies/direktionen/settings/" in text

    def test_the_new_agenda_starts_with_the_standard_items(self, people: People) -> None:
        people.body.standard_items = STANDARD
        people.body.save()
        client = people.client_for("secretary")
        response = client.post("/meetings/new/", self.form(people, add_standard_items="on"))
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        text = client.get(meeting.get_absolute_url()).content.decode()
        assert "Punkt 1: Godkendelse af dagsorden" in text
        assert "Punkt 2: Meddelelser" in text and "Punkt 3: Eventuelt" in text

    def test_unticked_the_agenda_starts_empty(self, people: People) -> None:
        people.body.standard_items = STANDARD
        people.body.save()
        people.client_for("secretary").post("/meetings/new/", self.form(people))
        assert not Meeting.objects.get().items.exists()

    def test_a_bad_date_keeps_the_choice_as_it_was_sent(self, people: People) -> None:
        people.body.standard_items = STANDARD
        people.body.save()
        response = people.client_for("secretary").post(
            "/meetings/new/", self.form(people, starts_at="")
        )
        text = response.content.decode()
        assert "Angiv mødedato og tidspunkt." in text
        assert 'id="add-standard-items" value="on" checked' not in text
        assert not Meeting.objects.exists()

    def test_choosing_another_body_shows_its_standard_items(self, people: People) -> None:
        people.other_body.standard_items = ["Orientering fra formanden"]
        people.other_body.save()
        text = (
            people.client_for("superuser")
            .get(f"/meetings/new/participants/?body={people.other_body.pk}", **HTMX)
            .content.decode()
        )
        assert 'id="standard-items-choice" class="mb-3" hx-swap-oob="true"' in text
        assert "Orientering fra formanden" in text and " checked" in text


@pytest.mark.django_db
class TestCopyFromPreviousMeeting:
    def test_the_secretary_sees_the_button_with_the_previous_meetings_date(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november)
        assert "Kopiér fra forrige møde (12-11-2026)" in page(people, "secretary", december)

    def test_a_director_does_not_see_it_nor_may_use_it(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november)
        assert "Kopiér fra forrige møde" not in page(people, "director", december)
        response = people.client_for("director").post(
            f"/meetings/{december.pk}/copy-items/", {"source": november.pk}, **HTMX
        )
        assert response.status_code == 403
        assert not december.items.exists()

    def test_copying_puts_the_items_on_the_agenda_and_says_how_many(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(
            meeting=november, title="Øvrige sager", case=CaseFactory(number="17/22360")
        )
        AgendaItemFactory(meeting=november, title="Personalesag", closed=True)
        response = people.client_for("secretary").post(
            f"/meetings/{december.pk}/copy-items/", {"source": november.pk}, **HTMX
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "2 punkter er kopieret fra mødet d. 12-11-2026." in text
        assert "Punkt 1:</strong> Øvrige sager" in text and "17/22360" in text
        assert "Punkt 2:</strong> Personalesag" in text
        assert december.items.get(number=2).closed

    def test_without_htmx_it_redirects_with_the_message(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november, title="Øvrige sager")
        client = people.client_for("secretary")
        response = client.post(f"/meetings/{december.pk}/copy-items/", {"source": november.pk})
        assert response.status_code == 302
        assert (
            "1 punkt er kopieret fra mødet d. 12-11-2026."
            in client.get(response["Location"]).content.decode()
        )

    def test_copying_again_says_nothing_was_added(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november, title="Øvrige sager")
        client = people.client_for("secretary")
        client.post(f"/meetings/{december.pk}/copy-items/", {"source": november.pk}, **HTMX)
        text = client.post(
            f"/meetings/{december.pk}/copy-items/", {"source": november.pk}, **HTMX
        ).content.decode()
        assert (
            "Ingen punkter er kopieret: alle punkter fra mødet d. 12-11-2026 står allerede på "
            "dagsordenen." in text
        )
        assert december.items.count() == 1

    def test_a_published_meeting_is_refused_in_danish(
        self, people: People, november: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november)
        published = meeting_of(people, "10-12-2026", Meeting.Status.PUBLISHED)
        assert "Kopiér fra forrige møde" not in page(people, "secretary", published)
        response = people.client_for("secretary").post(
            f"/meetings/{published.pk}/copy-items/", {"source": november.pk}, **HTMX
        )
        assert response.status_code == 423
        assert "Mødet er offentliggjort, så punkterne kan ikke længere redigeres." in (
            response.content.decode()
        )
        assert not published.items.exists()

    def test_with_no_earlier_meeting_there_is_no_button_and_a_post_is_refused(
        self, people: People, december: Meeting
    ) -> None:
        assert "Kopiér fra forrige møde" not in page(people, "secretary", december)
        response = people.client_for("secretary").post(
            f"/meetings/{december.pk}/copy-items/", **HTMX
        )
        assert response.status_code == 409
        assert "Direktionen har intet tidligere møde med punkter at kopiere fra." in (
            response.content.decode()
        )


@pytest.mark.django_db
class TestPostponedItems:
    def test_the_next_agenda_offers_the_postponed_item_to_the_secretary(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        for _ in range(3):
            AgendaItemFactory(meeting=november)
        postponed(november, title="Etablering af ungdomskulturelt makerspace")
        text = page(people, "secretary", december)
        assert "Udsatte punkter" in text
        assert "Punkt 4 fra mødet 12-11-2026" in text
        assert "Etablering af ungdomskulturelt makerspace" in text and "Tilføj" in text

    @pytest.mark.parametrize("role", ["director", "superuser"])
    def test_the_offer_is_for_those_who_edit_the_agenda(
        self, people: People, november: Meeting, december: Meeting, role: str
    ) -> None:
        postponed(november, title="Makerspace")
        shown = "Udsatte punkter" in page(people, role, december)
        assert shown == (role == "superuser")

    def test_taking_it_up_links_both_items_and_it_is_not_offered_again(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=december, title="Meddelelser")
        for _ in range(3):
            AgendaItemFactory(meeting=november)
        earlier = postponed(
            november,
            title="Makerspace",
            background="<p>Baggrund om makerspace.</p>",
            economy="<p>1,2 mio. kr.</p>",
        )
        client = people.client_for("secretary")
        response = client.post(f"/meetings/{december.pk}/postponed/{earlier.pk}/take-up/", **HTMX)
        text = response.content.decode()
        assert response.status_code == 200
        assert "Punkt 4 fra mødet d. 12-11-2026 er taget op igen som punkt 2." in text
        assert "Udsatte punkter" not in text

        later = page(people, "secretary", december)
        assert "Punkt 2: Makerspace" in later
        assert "Baggrund om makerspace." in later and "1,2 mio. kr." in later
        assert "Udsat fra mødet 12-11-2026, punkt 4" in later
        assert f'href="/meetings/{november.pk}/#punkt-4"' in later

        earlier_page = page(people, "secretary", november)
        assert "Behandles igen på mødet 10-12-2026, punkt 2" in earlier_page
        assert f'href="/meetings/{december.pk}/#punkt-2"' in earlier_page

        again = client.post(f"/meetings/{december.pk}/postponed/{earlier.pk}/take-up/", **HTMX)
        assert again.status_code == 409
        assert (
            "Punkt 4 fra mødet d. 12-11-2026 er allerede taget op igen på mødet d. 10-12-2026, "
            "punkt 2." in again.content.decode()
        )
        assert december.items.count() == 2

    def test_staff_do_not_learn_of_the_draft_agenda_from_the_published_item(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        earlier = postponed(november, title="Makerspace")
        people.client_for("secretary").post(
            f"/meetings/{december.pk}/postponed/{earlier.pk}/take-up/", **HTMX
        )
        assert "Behandles igen" not in page(people, "staff", november)
        assert "Behandles igen på mødet 10-12-2026" in page(people, "director", november)

    def test_a_closed_postponed_item_comes_back_closed_and_shows_only_to_the_body(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        earlier = postponed(november, title="Fortrolig personalesag", closed=True)
        people.client_for("secretary").post(
            f"/meetings/{december.pk}/postponed/{earlier.pk}/take-up/", **HTMX
        )
        item = december.items.get()
        assert item.closed and item.postponed_from == earlier
        Meeting.objects.filter(pk=december.pk).update(status=Meeting.Status.PUBLISHED)
        for role in ("staff", "outsider"):
            for meeting in (november, december):
                text = page(people, role, meeting)
                assert "Fortrolig personalesag" not in text
                assert "Punkt 1: Lukket" in text
                assert "Udsat fra mødet" not in text and "Behandles igen" not in text
        text = page(people, "director", december)
        assert "Fortrolig personalesag" in text and "Udsat fra mødet 12-11-2026, punkt 1" in text

    def test_an_item_not_postponed_is_refused_in_danish(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=november)
        DecisionFactory(item=item)
        response = people.client_for("secretary").post(
            f"/meetings/{december.pk}/postponed/{item.pk}/take-up/", **HTMX
        )
        assert response.status_code == 409
        assert "Punkt 1 fra mødet d. 12-11-2026 er ikke udsat." in response.content.decode()
        assert not december.items.exists()

    def test_a_director_may_not_take_it_up(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        earlier = postponed(november)
        response = people.client_for("director").post(
            f"/meetings/{december.pk}/postponed/{earlier.pk}/take-up/", **HTMX
        )
        assert response.status_code == 403
        assert not december.items.exists()

    def test_a_closed_item_of_another_body_is_not_found(
        self, people: People, december: Meeting
    ) -> None:
        other = MeetingFactory(
            body=people.other_body, starts_at=at("12-11-2026"), status=Meeting.Status.PUBLISHED
        )
        secret = postponed(other, title="Andet organs hemmelighed", closed=True)
        response = people.client_for("secretary").post(
            f"/meetings/{december.pk}/postponed/{secret.pk}/take-up/", **HTMX
        )
        assert response.status_code == 404
        assert "Andet organs hemmelighed" not in response.content.decode()
        assert not december.items.exists()

    def test_the_meeting_page_costs_the_same_queries_with_3_and_15_linked_items(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        client = people.client_for("secretary")

        def count(meeting: Meeting) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(meeting.get_absolute_url()).status_code == 200
            return len(queries)

        def link(n: int) -> None:
            for _ in range(n):
                earlier = postponed(november)
                AgendaItemFactory(meeting=december, postponed_from=earlier)

        link(3)
        few = (count(november), count(december))
        link(12)
        assert (count(november), count(december)) == few
