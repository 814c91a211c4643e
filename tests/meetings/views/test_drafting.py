"""The secretary's pages without a browser: forms, htmx partials, status codes, permissions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from meetings.forms.drafting import EDITOR_EXTENSIONS
from meetings.models import AgendaItem, Attachment, Case, Meeting
from meetings.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from tests.conftest import People
from tests.factories import AgendaItemFactory, CaseFactory, DecisionFactory, MeetingFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def editor_post(item: AgendaItem, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": item.version,
        "title": item.title,
        "case_number": item.case.number if item.case else "",
        "background": item.background,
        "rec_unit": "",
        "rec_lead_in": "",
        "rec_clauses": "",
        "decision_outcome": "",
        "decision_text": "",
        "presentation": item.presentation,
        "economy": item.economy,
    }
    data.update(changes)
    return data


class TestEditorMatchesSanitizer:
    def test_every_tag_and_attribute_the_editor_makes_survives_sanitising(self) -> None:
        allow = allowlist_from_extensions(expand_extensions(EDITOR_EXTENSIONS))
        assert set(allow["tags"]) <= ALLOWED_TAGS
        for tag, attributes in allow["attributes"].items():
            kept = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
            assert set(attributes) - {"type", "data-type", "rel"} <= kept, tag


@pytest.mark.django_db
class TestNewMeeting:
    def test_the_list_offers_nyt_moede_only_to_secretaries(self, people: People) -> None:
        assert "Nyt møde" in people.client_for("secretary").get("/").content.decode()
        assert "Nyt møde" not in people.client_for("director").get("/").content.decode()

    def test_the_form_lists_the_bodys_members_with_their_roles(self, people: People) -> None:
        page = people.client_for("secretary").get("/meetings/new/").content.decode()
        assert "Mødedato" in page and "Mødested" in page and "Mødedeltagere" in page
        assert "Lars" in page and "Sekretær" in page
        assert "Afbud" in page

    def test_creating_a_meeting_records_participants_apologies_and_guests(
        self, people: People
    ) -> None:
        response = people.client_for("secretary").post(
            "/meetings/new/",
            {
                "body": people.body.pk,
                "starts_at": "2018-04-23T12:30",
                "location": "Mødelokale B105",
                f"member-{people.seat(people.director)}": "absent",
                f"member-{people.seat(people.secretary)}": "present",
                "guests": "René Hasly (it-chef)\nMette",
            },
        )
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        assert response["Location"] == meeting.get_absolute_url()
        assert timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M") == (
            "23-04-2018 12:30"
        )
        rows = set(meeting.attendances.values_list("name", "role", "present"))
        assert rows == {
            ("Lars", "medlem", False),
            ("Kathrine", "sekretær", True),
            ("René Hasly", "it-chef", True),
            ("Mette", "", True),
        }
        page = people.client_for("secretary").get(meeting.get_absolute_url()).content.decode()
        assert "Afbud" in page and "René Hasly (it-chef)" in page

    def test_a_bad_date_keeps_what_was_typed_and_says_why_in_danish(self, people: People) -> None:
        response = people.client_for("secretary").post(
            "/meetings/new/",
            {"body": people.body.pk, "starts_at": "", "location": "Teams", "guests": "René"},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Angiv mødedato og tidspunkt." in page
        assert 'value="Teams"' in page and "René" in page
        assert not Meeting.objects.exists()

    def test_a_meeting_in_year_1_is_refused_and_the_meeting_list_still_opens(
        self, people: People
    ) -> None:
        client = people.client_for("secretary")
        response = client.post(
            "/meetings/new/",
            {"body": people.body.pk, "starts_at": "0001-01-01T00:00", "location": "Teams"},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Mødedatoen skal ligge mellem år 1900 og 2100." in page
        assert 'value="Teams"' in page
        assert not Meeting.objects.exists()
        assert client.get("/").status_code == 200

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("abc", "Vælg et organ, du er sekretær for."),
            ("1.5", "Vælg et organ, du er sekretær for."),
            ("\x00", "Null-tegn er ikke tilladte."),
        ],
    )
    def test_a_tampered_body_is_a_danish_field_error_not_a_server_error(
        self, people: People, value: str, message: str
    ) -> None:
        client = people.client_for("secretary")
        response = client.post(
            "/meetings/new/",
            {"body": value, "starts_at": "2018-04-23T12:30", "location": "Teams"},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert client.get("/meetings/new/participants/", {"body": value}).status_code == 200
        assert client.get("/meetings/new/", {"body": value}).status_code == 200
        assert not Meeting.objects.exists()

    def test_editing_a_meeting_moves_it_and_changes_the_participants(
        self, people: People, draft: Meeting
    ) -> None:
        client = people.client_for("secretary")
        page = client.get(f"/meetings/{draft.pk}/edit/").content.decode()
        assert 'value="2018-04-23T12:30"' in page
        response = client.post(
            f"/meetings/{draft.pk}/edit/",
            {
                "body": people.body.pk,
                "starts_at": "2018-04-24T09:00",
                "location": "Teams",
                "version": draft.version,
                f"member-{people.seat(people.director)}": "present",
                f"member-{people.seat(people.secretary)}": "none",
            },
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.location == "Teams"
        assert timezone.localtime(draft.starts_at).hour == 9
        assert list(draft.attendances.values_list("name", "present")) == [("Lars", True)]
        assert draft.version == 2

    def test_a_save_on_top_of_anothers_save_loses_neither(
        self, people: People, draft: Meeting
    ) -> None:
        first, second = people.client_for("secretary"), people.client_for("superuser")
        opened = f'name="version" value="{draft.version}"'
        assert opened in first.get(f"/meetings/{draft.pk}/edit/").content.decode()
        assert opened in second.get(f"/meetings/{draft.pk}/edit/").content.decode()
        form = {"body": people.body.pk, "starts_at": "2018-04-23T12:30", "version": draft.version}
        saved = second.post(
            f"/meetings/{draft.pk}/edit/",
            {**form, "location": "Byrådssalen", "guests": "René Hasly (it-chef)"},
        )
        assert saved.status_code == 302

        late = first.post(
            f"/meetings/{draft.pk}/edit/", {**form, "location": "Teams", "guests": "Ole Olsen"}
        )
        page = late.content.decode()
        assert late.status_code == 200
        assert "Mødet er gemt af en anden" in page
        # Both versions are on the page: the user's in the form, the saved one beside it.
        assert 'value="Teams"' in page and "Ole Olsen" in page
        assert "Byrådssalen" in page and "René Hasly (it-chef)" in page
        draft.refresh_from_db()
        assert draft.location == "Byrådssalen"
        assert [a.name for a in draft.attendances.filter(user=None)] == ["René Hasly"]

        # Saving again, now on top of the saved version, keeps the user's.
        assert f'name="version" value="{draft.version}"' in page
        again = first.post(
            f"/meetings/{draft.pk}/edit/",
            {**form, "version": draft.version, "location": "Teams", "guests": "Ole Olsen"},
        )
        assert again.status_code == 302
        draft.refresh_from_db()
        assert draft.location == "Teams"
        assert [a.name for a in draft.attendances.filter(user=None)] == ["Ole Olsen"]

    @pytest.mark.parametrize("role", ["director", "staff"])
    def test_others_may_not_open_the_form(self, people: People, role: str) -> None:
        assert people.client_for(role).get("/meetings/new/").status_code == 403


@pytest.mark.django_db
class TestAgendaEditing:
    def test_the_secretary_sees_the_agenda_tools_and_the_director_does_not(
        self, people: People, draft: Meeting
    ) -> None:
        AgendaItemFactory(meeting=draft, title="Øvrige sager")
        page = people.client_for("secretary").get(draft.get_absolute_url()).content.decode()
        assert "Nyt punkt" in page and "Flyt ned" in page and "Rediger" in page
        page = people.client_for("director").get(draft.get_absolute_url()).content.decode()
        assert "Øvrige sager" in page
        assert "Nyt punkt" not in page and "Flyt ned" not in page

    def test_an_approved_meeting_offers_no_editing(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.APPROVED)
        page = people.client_for("secretary").get(meeting.get_absolute_url()).content.decode()
        assert "Nyt punkt" not in page

    def test_adding_an_item_returns_the_agenda_with_it(
        self, people: People, draft: Meeting
    ) -> None:
        response = people.client_for("secretary").post(
            f"/meetings/{draft.pk}/items/new/",
            {"title": "Udbud af KMD", "case_number": "17/8444", "closed": "on"},
            **HTMX,
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="agenda-region"' in page
        assert "Punkt 1:</strong> Udbud af KMD" in page
        item = AgendaItem.objects.get()
        assert item.closed and item.case.number == "17/8444"

    def test_a_bad_case_number_keeps_the_title_and_explains(
        self, people: People, draft: Meeting
    ) -> None:
        response = people.client_for("secretary").post(
            f"/meetings/{draft.pk}/items/new/",
            {"title": "Udbud af KMD", "case_number": "17-abc"},
            **HTMX,
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "det skal have formen ÅÅ/NNNNN" in page
        assert 'value="Udbud af KMD"' in page
        assert not AgendaItem.objects.exists()

    def test_moving_down_renumbers_and_keeps_the_keyboard_on_the_button(
        self, people: People, draft: Meeting
    ) -> None:
        a = AgendaItemFactory(meeting=draft, title="A")
        AgendaItemFactory(meeting=draft, title="B")
        AgendaItemFactory(meeting=draft, title="C")
        response = people.client_for("secretary").post(
            f"/items/{a.pk}/move/", {"direction": "down"}, **HTMX
        )
        page = response.content.decode()
        assert page.index("</strong> B") < page.index("</strong> A") < page.index("</strong> C")
        assert "er nu punkt 2" in page
        assert page.count("autofocus") == 1

    def test_drag_and_drop_order_is_saved(self, people: People, draft: Meeting) -> None:
        a, b, c = (AgendaItemFactory(meeting=draft, title=t) for t in "ABC")
        people.client_for("secretary").post(
            f"/meetings/{draft.pk}/reorder/", {"order": f"{c.pk},{a.pk},{b.pk}"}, **HTMX
        )
        assert list(draft.items.order_by("number").values_list("title", flat=True)) == list("CAB")

    def test_removing_an_item(self, people: People, draft: Meeting) -> None:
        a = AgendaItemFactory(meeting=draft, title="A")
        b = AgendaItemFactory(meeting=draft, title="B")
        people.client_for("secretary").post(f"/items/{a.pk}/remove/", **HTMX)
        b.refresh_from_db()
        assert b.number == 1 and not AgendaItem.objects.filter(pk=a.pk).exists()

    def test_the_director_may_not_move_or_remove(self, people: People, draft: Meeting) -> None:
        a = AgendaItemFactory(meeting=draft)
        client = people.client_for("director")
        assert client.post(f"/items/{a.pk}/move/", {"direction": "down"}).status_code == 403
        assert client.post(f"/items/{a.pk}/remove/").status_code == 403
        assert AgendaItem.objects.filter(pk=a.pk).exists()

    def test_the_meeting_page_costs_the_same_queries_for_3_and_15_items(
        self, people: People, draft: Meeting
    ) -> None:
        client = people.client_for("secretary")

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(draft.get_absolute_url()).status_code == 200
            return len(queries)

        for _ in range(3):
            DecisionFactory(item=AgendaItemFactory(meeting=draft))
        few = count()
        for _ in range(12):
            DecisionFactory(item=AgendaItemFactory(meeting=draft))
        assert count() == few


@pytest.mark.django_db
class TestItemEditor:
    def test_the_editor_labels_every_section(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft)
        page = people.client_for("secretary").get(f"/items/{item.pk}/edit/").content.decode()
        for label in (
            "Titel", "Sagsnummer", "Lukket punkt", "Baggrund", "Indstillende enhed",
            "Indstillingspunkter", "Udfald", "Beslutningstekst", "Sagsfremstilling", "Økonomi",
            "Bilag", "Gemt",
        ):  # fmt: skip
            assert label in page, label
        assert "django_prose_editor/editor.js" in page
        assert (
            "no-store"
            in people.client_for("secretary").get(f"/items/{item.pk}/edit/")["Cache-Control"]
        )

    def test_the_editor_of_an_approved_meeting_sends_back_with_a_reason(
        self, people: People
    ) -> None:
        item = AgendaItemFactory(
            meeting=MeetingFactory(body=people.body, status=Meeting.Status.APPROVED)
        )
        response = people.client_for("secretary").get(f"/items/{item.pk}/edit/", follow=True)
        assert "punktet kan ikke længere redigeres" in response.content.decode()
        assert response.redirect_chain[-1][0].startswith(item.meeting.get_absolute_url())

    @pytest.mark.parametrize(("role", "expected"), [("director", 403), ("staff", 404)])
    def test_others_may_not_open_the_editor(
        self, people: People, draft: Meeting, role: str, expected: int
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        assert people.client_for(role).get(f"/items/{item.pk}/edit/").status_code == expected

    def test_autosave_saves_sanitised_text_and_returns_the_new_version(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        response = people.client_for("secretary").post(
            f"/items/{item.pk}/autosave/",
            editor_post(
                item,
                decision_outcome="godkendt",
                decision_text=(
                    '<p>Godkendt.<script>alert(1)</script><a href="javascript:x">x</a></p>'
                ),
                rec_unit="ØDC",
                rec_lead_in="Det indstilles,",
                rec_clauses="at udbuddet godkendes\nat tidsplanen tages til efterretning",
                rec_numbered="on",
            ),
            **HTMX,
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert 'name="version" id="id_version" value="2"' in page
        assert "Gemt kl." in page
        item.refresh_from_db()
        assert item.decision.text == '<p>Godkendt.<a rel="noopener noreferrer">x</a></p>'
        assert item.recommendation.clauses.count() == 2

    def test_a_save_over_the_size_limit_is_refused_in_danish_and_saves_nothing(
        self, people: People, draft: Meeting, settings
    ) -> None:
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
        item = AgendaItemFactory(meeting=draft, presentation="<p>Kort.</p>")
        response = people.client_for("secretary").post(
            f"/items/{item.pk}/autosave/",
            editor_post(item, presentation="<p>" + "lang tekst " * 2_000 + "</p>"),
            **HTMX,
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "Det sendte kunne ikke modtages" in page and "intet er gemt" in page
        assert "Bad Request" not in page
        item.refresh_from_db()
        assert item.presentation == "<p>Kort.</p>"

    def test_a_stale_autosave_shows_both_texts(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft, background="<p>Fælles start</p>")
        client = people.client_for("secretary")
        client.post(
            f"/items/{item.pk}/autosave/",
            editor_post(item, background="<p>Lars' udgave</p>"),
            **HTMX,
        )
        response = client.post(
            f"/items/{item.pk}/autosave/",
            editor_post(item, background="<p>Kathrines udgave</p>"),
            **HTMX,
        )
        page = response.content.decode()
        assert response.status_code == 409
        assert "Lars&#x27; udgave" in page or "Lars' udgave" in page
        assert "Kathrines udgave" in page
        assert 'data-version="2"' in page
        assert "Gem min version" in page
        item.refresh_from_db()
        assert item.background == "<p>Lars' udgave</p>"

    def test_a_bad_case_number_is_shown_next_to_the_field(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        response = people.client_for("secretary").post(
            f"/items/{item.pk}/autosave/", editor_post(item, case_number="17/abc"), **HTMX
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "Sagsnummer: Sagsnummeret" in page
        assert 'id="id_case_number-error" hx-swap-oob="innerHTML"' in page

    def test_a_lapsed_session_answers_401_with_a_login_link_not_a_redirect(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        from django.test import Client

        response = Client().post(
            f"/items/{item.pk}/autosave/",
            editor_post(item, background="<p>x</p>"),
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL=f"http://testserver/items/{item.pk}/edit/",
        )
        assert response.status_code == 401
        page = response.content.decode()
        assert "Din session er udløbet" in page
        assert f"/login/?next=/items/{item.pk}/edit/" in page

    def test_an_approved_meeting_answers_423(self, people: People) -> None:
        item = AgendaItemFactory(
            meeting=MeetingFactory(body=people.body, status=Meeting.Status.APPROVED)
        )
        response = people.client_for("secretary").post(
            f"/items/{item.pk}/autosave/", editor_post(item, title="Ny"), **HTMX
        )
        assert response.status_code == 423
        assert "kan ikke længere redigeres" in response.content.decode()

    def test_the_heartbeat_names_the_others(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft)
        people.client_for("superuser").post(f"/items/{item.pk}/presence/", **HTMX)
        page = people.client_for("secretary").post(f"/items/{item.pk}/presence/").content
        assert "Også åben hos: admin" in page.decode()

    def test_an_attachment_is_uploaded_and_a_fake_refused(
        self, people: People, draft: Meeting
    ) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        item = AgendaItemFactory(meeting=draft)
        client = people.client_for("secretary")
        ok = client.post(
            f"/items/{item.pk}/attachments/",
            {"title": "", "file": SimpleUploadedFile("Udbudsplan_2018.pdf", b"%PDF-1.4 x")},
            **HTMX,
        )
        assert ok.status_code == 200
        assert "Udbudsplan 2018" in ok.content.decode()
        bad = client.post(
            f"/items/{item.pk}/attachments/",
            {"file": SimpleUploadedFile("regneark.xlsx", b"not a spreadsheet")},
            **HTMX,
        )
        assert bad.status_code == 400
        assert "er ikke en PDF-, Word-, Excel- eller billedfil" in bad.content.decode()
        assert Attachment.objects.count() == 1

    def test_an_internal_attachment_stays_with_the_body(
        self, people: People, draft: Meeting
    ) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        item = AgendaItemFactory(meeting=draft)
        client = people.client_for("secretary")
        page = client.post(
            f"/items/{item.pk}/attachments/",
            {"file": SimpleUploadedFile("Notat.pdf", b"%PDF-1.4 x"), "internal": "on"},
            **HTMX,
        ).content.decode()
        assert "Kun internt" in page and "Vis med punktet" in page
        attachment = Attachment.objects.get(item=item)
        assert attachment.internal
        # Published minutes: staff outside the body read the item, not the internal file.
        Meeting.objects.filter(pk=draft.pk).update(status=Meeting.Status.PUBLISHED)
        staff = people.client_for("staff")
        assert "Notat" not in staff.get(f"/meetings/{draft.pk}/").content.decode()
        assert staff.get(f"/attachments/{attachment.pk}/").status_code == 404
        assert (
            people.client_for("director").get(f"/attachments/{attachment.pk}/").status_code == 200
        )
        # Shown with the item again (while the meeting is a draft).
        Meeting.objects.filter(pk=draft.pk).update(status=Meeting.Status.DRAFT)
        client.post(f"/attachments/{attachment.pk}/internal/", {"internal": "0"}, **HTMX)
        attachment.refresh_from_db()
        assert not attachment.internal


@pytest.mark.django_db
class TestCaseSuggestions:
    def test_existing_cases_come_with_their_history_and_closed_titles_hidden(
        self, people: People
    ) -> None:
        case = CaseFactory(number="17/22360", title="Øvrige sager")
        AgendaItemFactory(
            meeting=MeetingFactory(body=people.body), case=case, title="Øvrige sager april"
        )
        AgendaItemFactory(
            meeting=MeetingFactory(body=people.other_body),
            case=case,
            title="Hemmelig sag",
            closed=True,
        )
        page = (
            people.client_for("secretary")
            .get("/cases/suggest/", {"case_number": "17/22"}, **HTMX)
            .content.decode()
        )
        assert "Brug 17/22360" in page
        assert "Øvrige sager april" in page
        assert "behandlet 2 gange" in page
        assert "Hemmelig sag" not in page and "Lukket" in page

    def test_a_new_valid_number_is_announced_as_a_new_case(self, people: People) -> None:
        page = (
            people.client_for("secretary")
            .get("/cases/suggest/", {"case_number": "18/4711"})
            .content.decode()
        )
        assert "Ny sag 18/4711" in page
        assert not Case.objects.exists()
