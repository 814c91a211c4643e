"""The review workflow's JSON API: each action, its refusals as HTTP codes with Danish
details, and the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meetings.models import AgendaItem, Attendance, Decision, DecisionApproval, Meeting
from tests.review_scenario import Review

pytestmark = pytest.mark.django_db


def _api(review: Review, role: str) -> APIClient:
    client = APIClient()
    user = review.chair if role == "chair" else getattr(review.people, role)
    client.force_authenticate(user)
    return client


class TestTransitions:
    def test_the_secretary_moves_the_minutes_through_every_state(self, review: Review) -> None:
        api = _api(review, "secretary")
        url = f"/api/meetings/{review.draft.pk}/transitions/"
        response = api.post(url, {"action": "submit_for_review"}, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == "til_godkendelse"
        assert response["Cache-Control"].startswith("no-store")
        review.approve_all(review.draft)
        body = api.post(url, {"action": "publish"}, format="json").json()
        assert (body["status"], body["status_label"]) == ("offentliggjort", "Offentliggjort")
        body = api.post(url, {"action": "reopen", "reason": "Stavefejl"}, format="json").json()
        assert body["status"] == "genåbnet"
        assert body["transitions"][-1]["reason"] == "Stavefejl"
        assert body["transitions"][-1]["by"]["name"] == "Kathrine"
        assert [t["action"] for t in body["transitions"]] == [
            "submit_for_review", "approve", "publish", "reopen",
        ]  # fmt: skip

    def test_a_refused_state_is_409_with_a_danish_detail(self, review: Review) -> None:
        response = _api(review, "secretary").post(
            f"/api/meetings/{review.draft.pk}/transitions/", {"action": "publish"}, format="json"
        )
        assert response.status_code == 409
        assert "kan ikke offentliggøres" in response.json()["detail"]

    def test_a_director_is_403_with_a_danish_detail(self, review: Review) -> None:
        response = _api(review, "director").post(
            f"/api/meetings/{review.draft.pk}/transitions/",
            {"action": "submit_for_review"},
            format="json",
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "Kun organets sekretær kan ændre referatets status."

    def test_an_unknown_action_is_400(self, review: Review) -> None:
        response = _api(review, "secretary").post(
            f"/api/meetings/{review.draft.pk}/transitions/", {"action": "archive"}, format="json"
        )
        assert response.status_code == 400
        assert "action" in response.json()

    def test_a_meeting_outside_ones_bodies_is_404(self, review: Review) -> None:
        response = _api(review, "outsider").post(
            f"/api/meetings/{review.draft.pk}/transitions/",
            {"action": "submit_for_review"},
            format="json",
        )
        assert response.status_code == 404

    def test_a_token_works_like_a_session(self, review: Review) -> None:
        token = Token.objects.create(user=review.people.secretary)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(
            f"/api/meetings/{review.draft.pk}/transitions/",
            {"action": "submit_for_review"},
            format="json",
        )
        assert response.status_code == 200
        assert review.draft.transitions.get().by == review.people.secretary


class TestApproveAndRequestChanges:
    def test_approving_returns_where_the_decision_stands(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        response = _api(review, "director").post(f"/api/items/{item.pk}/approve/")
        assert response.status_code == 200
        body = response.json()
        assert body["locked"] is True
        assert {r["name"]: r["state"] for r in body["reviewers"]} == {
            "Lars": "approved",
            "Birgitte Dam": "approved",
        }
        assert len(body["text_hash"]) == 64

    def test_an_approval_bound_to_an_old_hash_is_409_and_records_nothing(
        self, review: Review
    ) -> None:
        api = _api(review, "director")
        item = review.item(review.in_review, 1)
        seen = api.get(f"/api/items/{item.pk}/review/").json()["text_hash"]
        Decision.objects.filter(item=item).update(text="<p>Udskudt.</p>")
        response = api.post(f"/api/items/{item.pk}/approve/", {"text_hash": seen}, format="json")
        assert response.status_code == 409
        assert "Punktet er ændret" in response.json()["detail"]
        assert not DecisionApproval.objects.filter(
            decision__item=item, reviewer=review.people.director
        ).exists()
        changes = api.get(f"/api/items/{item.pk}/review/").json()["changes_since_my_last_review"]
        assert changes == []  # the director never acted on it: nothing to compare with
        chair = _api(review, "chair").get(f"/api/items/{item.pk}/review/").json()
        kinds = [
            (line["kind"], line["text"])
            for hunk in chair["changes_since_my_last_review"]
            for line in hunk
        ]
        assert ("added", "Udskudt.") in kinds

    def test_a_locked_decision_is_423(self, review: Review) -> None:
        item = review.item(review.published, 1)
        response = _api(review, "director").post(
            f"/api/items/{item.pk}/request-changes/", {"comment": "Ret"}, format="json"
        )
        assert response.status_code == 409  # the minutes are published, not under review
        review.item(review.in_review, 1)
        item = review.item(review.in_review, 1)
        _api(review, "director").post(f"/api/items/{item.pk}/approve/")
        response = _api(review, "chair").post(
            f"/api/items/{item.pk}/request-changes/", {"comment": "Ret"}, format="json"
        )
        assert response.status_code == 423
        assert "godkendt og låst" in response.json()["detail"]

    def test_asking_for_changes_needs_a_comment(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        response = _api(review, "director").post(
            f"/api/items/{item.pk}/request-changes/", {"comment": ""}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["detail"] == "Skriv, hvad der skal ændres."

    def test_asking_for_changes_shows_the_comment(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        body = (
            _api(review, "director")
            .post(f"/api/items/{item.pk}/request-changes/", {"comment": "Datoen"}, format="json")
            .json()
        )
        mine = next(r for r in body["reviewers"] if r["name"] == "Lars")
        assert (mine["state"], mine["comment"]) == ("changes_requested", "Datoen")

    @pytest.mark.parametrize("role", ["secretary", "superuser"])
    def test_the_secretary_and_superusers_do_not_approve(self, review: Review, role: str) -> None:
        item = review.item(review.in_review, 1)
        response = _api(review, role).post(f"/api/items/{item.pk}/approve/")
        assert response.status_code == 403
        assert "ikke blandt dem" in response.json()["detail"]

    def test_an_item_without_a_decision_says_so(self, review: Review) -> None:
        item = AgendaItem.objects.create(meeting=review.in_review, number=4, title="Eventuelt")
        response = _api(review, "director").post(f"/api/items/{item.pk}/approve/")
        assert response.status_code == 409
        assert response.json()["detail"] == "Punktet har ingen beslutning at godkende."

    def test_anonymous_callers_are_refused(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        assert APIClient().post(f"/api/items/{item.pk}/approve/").status_code in {401, 403}
        assert Meeting.objects.get(pk=review.in_review.pk).status == "til_godkendelse"


class TestTasksApi:
    def test_the_director_gets_the_decisions_awaiting_approval(self, review: Review) -> None:
        body = _api(review, "director").get("/api/tasks/").json()
        (group,) = body["meetings"]
        assert group["meeting"] == review.in_review.pk
        assert [t["number"] for t in group["to_approve"]] == [1, 2, 3]

    def test_the_secretary_gets_the_comments(self, review: Review) -> None:
        (group,) = _api(review, "secretary").get("/api/tasks/").json()["meetings"]
        assert group["changes_requested"][0]["comments"][0]["name"] == "Lars"


class TestSigner:
    """Minutes no member attended: the secretary names a member of the body who signs."""

    @pytest.fixture
    def url(self, review: Review) -> str:
        secretary = review.people.secretary
        Attendance.objects.filter(meeting=review.draft).exclude(user=secretary).update(
            present=False
        )
        return f"/api/meetings/{review.draft.pk}/signer/"

    def test_the_secretary_names_the_chair_and_sends_the_minutes(
        self, review: Review, url: str
    ) -> None:
        api = _api(review, "secretary")
        transitions = f"/api/meetings/{review.draft.pk}/transitions/"
        refused = api.post(transitions, {"action": "submit_for_review"}, format="json")
        assert refused.status_code == 409
        assert "Udpeg, hvem der underskriver referatet" in refused.json()["detail"]

        response = api.post(url, {"signer": review.chair.pk}, format="json")
        assert response.status_code == 200
        body = response.json()
        assert body["signer"] == {"id": review.chair.pk, "name": "Birgitte Dam"}
        named = body["transitions"][-1]
        assert (named["action"], named["action_label"]) == ("name_signer", "Underskriver udpeget")
        assert named["by"]["name"] == "Kathrine"
        assert named["signer"] == {"id": review.chair.pk, "name": "Birgitte Dam"}

        sent = api.post(transitions, {"action": "submit_for_review"}, format="json")
        assert sent.status_code == 200 and sent.json()["status"] == "til_godkendelse"
        item = review.item(review.draft, 1)
        assert _api(review, "director").post(f"/api/items/{item.pk}/approve/").status_code == 403
        approved = _api(review, "chair").post(f"/api/items/{item.pk}/approve/", format="json")
        assert approved.status_code == 200 and approved.json()["locked"]

    def test_a_person_outside_the_bodys_members_is_400_in_danish(
        self, review: Review, url: str
    ) -> None:
        response = _api(review, "secretary").post(
            url, {"signer": review.people.staff.pk}, format="json"
        )
        assert response.status_code == 400
        assert "er ikke formand eller medlem af Direktionen" in response.json()["detail"]
        assert Meeting.objects.get(pk=review.draft.pk).signer is None

    @pytest.mark.parametrize("value", ["Birgitte", None, 0, 2**70, True])
    def test_a_signer_that_is_no_id_is_400_in_danish(
        self, review: Review, url: str, value: object
    ) -> None:
        response = _api(review, "secretary").post(url, {"signer": value}, format="json")
        assert response.status_code == 400
        assert "id’et (et helt tal) på et medlem af organet" in str(response.json()["signer"])

    def test_a_director_is_403(self, review: Review, url: str) -> None:
        response = _api(review, "director").post(url, {"signer": review.chair.pk}, format="json")
        assert response.status_code == 403
        assert response.json()["detail"] == "Kun organets sekretær kan ændre referatets status."


class TestSchema:
    def test_the_review_endpoints_are_in_the_openapi_schema(self, review: Review) -> None:
        schema = review.people.client_for("staff").get("/api/schema/").content.decode()
        for path in (
            "/api/meetings/{id}/transitions/",
            "/api/meetings/{id}/signer/",
            "/api/items/{id}/approve/",
            "/api/items/{id}/request-changes/",
            "/api/items/{id}/history/",
        ):
            assert path in schema
