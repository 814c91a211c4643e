"""The JSON API: 201/200/400/403/404/409/423, tokens for integrations, the exchange format,
and closed items for every role."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from exchange.export import meeting_to_exchange, meetings_to_exchange
from meetings.models import AgendaItem, Attachment, Case, Meeting
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    AttendanceFactory,
    CaseFactory,
    DecisionFactory,
    MeetingFactory,
)

SECRET = "Hemmelig omorganisering"


def post_json(client: Client, url: str, data: object, **extra: str):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def patch_json(client: Client, url: str, data: object):
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def published(people: People) -> Meeting:
    meeting = MeetingFactory(
        body=people.body,
        status=Meeting.Status.PUBLISHED,
        starts_at=timezone.make_aware(dt.datetime(2018, 3, 19, 12, 30)),
        location="Mødelokale B105",
    )
    AttendanceFactory(meeting=meeting, name="Kathrine Seier Skastrup", role="sekretær")
    item = AgendaItemFactory(
        meeting=meeting, title="Udbud af KMD", case=CaseFactory(number="17/8444")
    )
    DecisionFactory(item=item, text="<p>Godkendt.</p>")
    AttachmentFactory(item=item, title="Udbudsplan")
    closed = AgendaItemFactory(
        meeting=meeting,
        title=SECRET,
        closed=True,
        case=CaseFactory(number="17/171"),
        background=f"<p>{SECRET}</p>",
    )
    AttachmentFactory(item=closed, title="Fortroligt bilag")
    return meeting


@pytest.mark.django_db
class TestMeetingsApi:
    def test_the_secretary_creates_a_meeting_by_body_name(self, people: People) -> None:
        response = post_json(
            people.client_for("secretary"),
            "/api/meetings/",
            {
                "body": "Direktionen",
                "starts_at": "2018-04-23T12:30:00+02:00",
                "location": "Mødelokale B105",
                "participants": [{"name": "Lars Holte", "role": "medlem"}],
            },
        )
        assert response.status_code == 201, response.content
        data = response.json()
        meeting = Meeting.objects.get(pk=data["id"])
        assert meeting.status == Meeting.Status.DRAFT
        assert data["starts_at"] == "2018-04-23T12:30:00+02:00"
        assert data["status"] == "draft"
        assert data["participants"] == [{"name": "Lars Holte", "role": "medlem", "present": True}]
        assert response["Location"] == f"/api/meetings/{meeting.pk}/"

    @pytest.mark.parametrize(
        ("starts_at", "message"),
        [
            ("0001-01-01T00:00:00+02:00", "Mødedatoen skal ligge mellem år 1900 og 2100."),
            ("1800-01-01T10:00:00+01:00", "Mødedatoen skal ligge mellem år 1900 og 2100."),
        ],
    )
    def test_an_impossible_date_is_a_danish_field_error(
        self, people: People, starts_at: str, message: str
    ) -> None:
        response = post_json(
            people.client_for("secretary"),
            "/api/meetings/",
            {"body": "Direktionen", "starts_at": starts_at},
        )
        assert response.status_code == 400
        assert message in response.json()["starts_at"][0]
        assert not Meeting.objects.exists()

    def test_a_body_by_slug_works_too_with_a_token(self, people: People) -> None:
        token = Token.objects.create(user=people.secretary)
        response = Client().post(
            "/api/meetings/",
            json.dumps({"body": "direktionen", "starts_at": "2018-05-01T09:00:00+02:00"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
        assert response.status_code == 201

    def test_bad_input_answers_400_with_danish_field_errors(self, people: People) -> None:
        response = post_json(
            people.client_for("secretary"),
            "/api/meetings/",
            {"body": "Byrådet", "starts_at": "i morgen"},
        )
        assert response.status_code == 400
        errors = response.json()
        assert errors["body"] == ["Organet “Byrådet” findes ikke."]
        assert "ISO 8601" in errors["starts_at"][0]
        assert not Meeting.objects.exists()

    @pytest.mark.parametrize("participants", [{}, {"name": "Ole"}, "Ole", 7])
    def test_participants_that_are_not_a_list_answer_400_in_danish(
        self, people: People, participants: object
    ) -> None:
        response = post_json(
            people.client_for("secretary"),
            "/api/meetings/",
            {
                "body": "Direktionen",
                "starts_at": "2018-04-23T12:30:00+02:00",
                "participants": participants,
            },
        )
        assert response.status_code == 400
        assert response.json()["participants"] == ["Skal være en liste af {name, role, present}."]
        assert not Meeting.objects.exists()

    def test_a_participant_with_a_present_that_is_not_true_or_false_answers_400(
        self, people: People
    ) -> None:
        response = post_json(
            people.client_for("secretary"),
            "/api/meetings/",
            {
                "body": "Direktionen",
                "starts_at": "2018-04-23T12:30:00+02:00",
                "participants": [{"name": "Ole", "present": "nej"}],
            },
        )
        assert response.status_code == 400
        assert "true eller false" in response.json()["participants"][0]

    @pytest.mark.parametrize(
        "path",
        [
            "/api/items/null,null/",
            "/api/items/abc/",
            "/api/items/99999999999999999999999/",
            "/api/meetings/null/",
            "/api/meetings/99999999999999999999999/",
            "/api/items/99999999999999999999999/history/",
        ],
    )
    def test_an_id_that_cannot_be_one_answers_404_in_danish(
        self, people: People, path: str
    ) -> None:
        response = people.client_for("secretary").get(path)
        assert response.status_code == 404
        assert response.json()["detail"]

    def test_missing_fields_are_named_in_danish(self, people: People) -> None:
        response = post_json(people.client_for("secretary"), "/api/meetings/", {})
        assert response.status_code == 400
        assert response.json()["body"] == ["Feltet skal udfyldes."]

    def test_a_malformed_json_body_answers_in_danish(self, people: People) -> None:
        response = people.client_for("secretary").post(
            "/api/meetings/", "{nej", content_type="application/json"
        )
        assert response.status_code == 400
        assert "gyldig JSON" in response.json()["detail"]

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_only_the_secretary_creates(self, people: People, role: str) -> None:
        response = post_json(
            people.client_for(role),
            "/api/meetings/",
            {"body": "Direktionen", "starts_at": "2018-04-23T12:30:00+02:00"},
        )
        assert response.status_code == 403
        assert "sekretæren" in response.json()["detail"]

    def test_anonymous_users_are_refused(self, client: Client) -> None:
        assert client.get("/api/meetings/").status_code in {401, 403}

    def test_the_list_shows_drafts_only_to_the_body(
        self, people: People, draft: Meeting, published: Meeting
    ) -> None:
        mine = people.client_for("secretary").get("/api/meetings/").json()["results"]
        theirs = people.client_for("staff").get("/api/meetings/").json()["results"]
        assert {m["id"] for m in mine} == {draft.pk, published.pk}
        assert [m["id"] for m in theirs] == [published.pk]

    @pytest.mark.parametrize("role", ROLES)
    def test_a_meeting_reads_in_the_exchange_format_with_closed_items_withheld(
        self, people: People, published: Meeting, role: str
    ) -> None:
        response = people.client_for(role).get(f"/api/meetings/{published.pk}/")
        assert response.status_code == 200
        data = response.json()
        body = response.content.decode()
        assert data["body"] == "Direktionen"
        assert data["starts_at"] == "2018-03-19T12:30:00+01:00"
        assert data["status"] == "published"
        first, second = data["items"]
        assert first["title"] == "Udbud af KMD"
        assert first["decision"]["text"] == "<p>Godkendt.</p>"
        assert first["decision"]["decided_on"] == "2018-03-19"
        assert first["attachments"] == [{"title": "Udbudsplan"}]
        assert "id" in first and "version" in first
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert second["title"] == SECRET
        else:
            # The stub, with the closed item's public decision (none written here).
            assert second == {
                "number": 2,
                "title": "Lukket",
                "case_number": "17/171",
                "closed": True,
                "public_decision": "",
            }
            assert SECRET not in body
            assert "Fortroligt bilag" not in body

    def test_a_draft_is_not_found_for_staff(self, people: People, draft: Meeting) -> None:
        assert people.client_for("staff").get(f"/api/meetings/{draft.pk}/").status_code == 404


@pytest.mark.django_db
class TestExchangeModule:
    def test_public_output_withholds_closed_content_whoever_asks(self, published: Meeting) -> None:
        text = json.dumps(
            meetings_to_exchange(Meeting.objects.filter(pk=published.pk), public=True)
        )
        assert '"format": "referat/1"' in text
        assert SECRET not in text
        assert "Fortroligt bilag" not in text

    def test_the_systems_own_export_has_everything(self, published: Meeting) -> None:
        assert SECRET in json.dumps(meeting_to_exchange(published))

    def test_the_recommendation_reads_as_html_and_as_structure(
        self, people: People, draft: Meeting
    ) -> None:
        response = post_json(
            people.client_for("secretary"),
            f"/api/meetings/{draft.pk}/items/",
            {
                "title": "Udbud",
                "recommendation": "<p>Det indstilles,</p><ol><li>at sourcing godkendes</li>"
                "<li>at tidsplanen tages til efterretning</li></ol><p>Bemærk fristen.</p>",
            },
        )
        item = response.json()
        assert item["recommendation_lead_in"] == "Det indstilles,"
        assert item["recommendation_clauses"] == [
            "at sourcing godkendes",
            "at tidsplanen tages til efterretning",
        ]
        assert item["recommendation"] == (
            "<p>Det indstilles,</p><ol><li>at sourcing godkendes</li>"
            "<li>at tidsplanen tages til efterretning</li></ol><p>Bemærk fristen.</p>"
        )


@pytest.mark.django_db
class TestItemsApi:
    def test_an_esdh_pushes_an_item_and_gets_its_id_and_version(
        self, people: People, draft: Meeting
    ) -> None:
        token = Token.objects.create(user=people.secretary)
        response = Client().post(
            f"/api/meetings/{draft.pk}/items/",
            json.dumps(
                {
                    "title": "Udbud af KMD driftskontrakt",
                    "case_number": "17/8444",
                    "closed": False,
                    "background": "<p>Baggrund</p><img src=x onerror=alert(1)>",
                    "recommendation": "<p>Det indstilles,</p>",
                    "presentation": "<h2>Udbuddet</h2><table><tr><td>1</td></tr></table>",
                    "economy": "<p>0 kr.</p>",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
        assert response.status_code == 201, response.content
        item = response.json()
        assert item["number"] == 1
        assert item["version"] == 1
        assert item["case_number"] == "17/8444"
        assert item["background"] == "<p>Baggrund</p>"
        assert "onerror" not in response.content.decode()
        assert AgendaItem.objects.get(pk=item["id"]).meeting == draft

    def test_a_bad_case_number_answers_400_and_saves_nothing(
        self, people: People, draft: Meeting
    ) -> None:
        response = post_json(
            people.client_for("secretary"),
            f"/api/meetings/{draft.pk}/items/",
            {"title": "Punkt", "case_number": "2017/22360/1", "background": "<p>Tekst</p>"},
        )
        assert response.status_code == 400
        assert "det skal have formen ÅÅ/NNNNN" in response.json()["case_number"][0]
        assert not AgendaItem.objects.exists()
        assert not Case.objects.exists()

    def test_an_unknown_outcome_answers_400_naming_the_outcomes(
        self, people: People, draft: Meeting
    ) -> None:
        response = post_json(
            people.client_for("secretary"),
            f"/api/meetings/{draft.pk}/items/",
            {"title": "Punkt", "case_number": "18/1", "decision": {"outcome": "måske"}},
        )
        assert response.status_code == 400
        message = response.json()["decision"]["outcome"][0]
        assert "Udfaldet “måske” findes ikke" in message
        assert "taget_til_efterretning" in message
        assert not Case.objects.exists()

    def test_a_missing_title_is_a_danish_field_error(self, people: People, draft) -> None:
        response = post_json(people.client_for("secretary"), f"/api/meetings/{draft.pk}/items/", {})
        assert response.status_code == 400
        assert response.json() == {"title": ["Feltet skal udfyldes."]}

    def test_the_director_may_not_add_items(self, people: People, draft: Meeting) -> None:
        response = post_json(
            people.client_for("director"), f"/api/meetings/{draft.pk}/items/", {"title": "X"}
        )
        assert response.status_code == 403

    def test_patch_with_the_current_version_saves_and_sets_the_decision(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        response = patch_json(
            people.client_for("secretary"),
            f"/api/items/{item.pk}/",
            {
                "version": 1,
                "decision": {"text": "<p>Godkendt med bemærkninger.</p>", "outcome": "Godkendt"},
            },
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["version"] == 2
        assert data["decision"] == {
            "text": "<p>Godkendt med bemærkninger.</p>",
            "outcome": "Godkendt",
            "decided_on": "2018-04-23",
            "public_text": "",
        }

    def test_a_decision_patch_without_an_outcome_keeps_the_stored_outcome(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        client = people.client_for("secretary")
        first = {"version": 1, "decision": {"text": "<p>Godkendt.</p>", "outcome": "Godkendt"}}
        assert patch_json(client, f"/api/items/{item.pk}/", first).status_code == 200
        response = patch_json(
            client,
            f"/api/items/{item.pk}/",
            {"version": 2, "decision": {"text": "<p>Godkendt med en rettelse.</p>"}},
        )
        assert response.status_code == 200, response.content
        assert response.json()["decision"]["text"] == "<p>Godkendt med en rettelse.</p>"
        assert response.json()["decision"]["outcome"] == "Godkendt"
        # And the other way round: the outcome alone keeps the text.
        response = patch_json(
            client, f"/api/items/{item.pk}/", {"version": 3, "decision": {"outcome": "Drøftet"}}
        )
        assert response.json()["decision"]["text"] == "<p>Godkendt med en rettelse.</p>"
        assert response.json()["decision"]["outcome"] == "Drøftet"
        # An empty outcome sent on purpose still clears it.
        response = patch_json(
            client, f"/api/items/{item.pk}/", {"version": 4, "decision": {"outcome": ""}}
        )
        assert response.json()["decision"]["outcome"] == ""

    def test_a_stale_version_answers_409_with_the_current_item(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft, background="<p>Gammel</p>")
        client = people.client_for("secretary")
        assert (
            patch_json(client, f"/api/items/{item.pk}/", {"version": 1, "title": "A"}).status_code
            == 200
        )
        response = patch_json(
            client, f"/api/items/{item.pk}/", {"version": 1, "background": "<p>Min</p>"}
        )
        assert response.status_code == 409
        data = response.json()
        assert "gemt af en anden" in data["detail"]
        assert data["current"]["version"] == 2
        assert data["current"]["title"] == "A"
        assert data["current"]["background"] == "<p>Gammel</p>"

    def test_patch_without_a_version_is_a_field_error(self, people: People, draft) -> None:
        item = AgendaItemFactory(meeting=draft)
        response = patch_json(people.client_for("secretary"), f"/api/items/{item.pk}/", {})
        assert response.status_code == 400
        assert response.json() == {"version": ["Feltet skal udfyldes."]}

    def test_an_approved_meeting_answers_423(self, people: People) -> None:
        item = AgendaItemFactory(
            meeting=MeetingFactory(body=people.body, status=Meeting.Status.APPROVED)
        )
        response = patch_json(
            people.client_for("secretary"), f"/api/items/{item.pk}/", {"version": 1, "title": "X"}
        )
        assert response.status_code == 423
        assert "kan ikke længere redigeres" in response.json()["detail"]

    @pytest.mark.parametrize(("role", "expected"), [("director", 403), ("outsider", 404)])
    def test_others_may_not_patch(
        self, people: People, draft: Meeting, role: str, expected: int
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        response = patch_json(
            people.client_for(role), f"/api/items/{item.pk}/", {"version": 1, "title": "X"}
        )
        assert response.status_code == expected
        item.refresh_from_db()
        assert item.version == 1

    @pytest.mark.parametrize("role", ROLES)
    def test_a_closed_item_reads_as_lukket_to_those_without_access(
        self, people: People, published: Meeting, role: str
    ) -> None:
        closed = published.items.get(closed=True)
        response = people.client_for(role).get(f"/api/items/{closed.pk}/")
        assert response.status_code == 200
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert response.json()["title"] == SECRET
        else:
            assert response.json()["title"] == "Lukket"
            assert SECRET not in response.content.decode()

    def test_attachments_are_uploaded_and_checked(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft)
        client = people.client_for("secretary")
        good = client.post(
            f"/api/items/{item.pk}/attachments/",
            {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x"), "title": "Udbudsplan"},
        )
        assert good.status_code == 201, good.content
        assert good.json()["content_type"] == "application/pdf"
        assert client.get(good.json()["url"]).status_code == 200
        bad = client.post(
            f"/api/items/{item.pk}/attachments/",
            {"file": SimpleUploadedFile("plan.pdf", b"#!/bin/sh\nrm -rf /")},
        )
        assert bad.status_code == 400
        assert "PDF-, Word-, Excel- eller billedfil" in bad.json()["file"][0]
        assert Attachment.objects.count() == 1

    def test_removing_an_item_renumbers(self, people: People, draft: Meeting) -> None:
        a, b = AgendaItemFactory(meeting=draft), AgendaItemFactory(meeting=draft)
        assert people.client_for("secretary").delete(f"/api/items/{a.pk}/").status_code == 204
        b.refresh_from_db()
        assert b.number == 1

    def test_the_schema_documents_the_drafting_routes(self, people: People) -> None:
        schema = people.client_for("staff").get("/api/schema/").content.decode()
        for route in (
            "/api/meetings/{id}/items/",
            "/api/items/{id}/",
            "/api/items/{id}/attachments/",
        ):
            assert route in schema
