"""The review page, its forms and "Mine opgaver", as each person would use them."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from meetings.models import AgendaItem, Attendance, Decision, DecisionApproval, Meeting
from meetings.selectors.review import decision_review, fresh_item
from tests.review_scenario import Review

pytestmark = pytest.mark.django_db


def _hash_on_page(page: str, item_pk: int) -> str:
    match = re.search(
        rf'action="/items/{item_pk}/approve/">.*?name="text_hash" value="([0-9a-f]{{64}})"',
        page,
        re.S,
    )
    assert match, "no approve form for the item"
    return match.group(1)


class TestTheReviewPage:
    def test_a_director_sees_each_decision_with_every_verdict_and_the_forms(
        self, review: Review
    ) -> None:
        AgendaItem.objects.create(meeting=review.in_review, number=4, title="Eventuelt")
        response = review.people.client_for("director").get(
            f"/meetings/{review.in_review.pk}/review/"
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "Godkendes af" in page and "Birgitte Dam" in page
        assert "Punkt 1: Udbud af KMD driftskontrakt" in page
        assert "Godkend punkt 1" in page
        assert "Send kommentar til sekretæren" in page
        assert "skriv fratrædelsesdatoen" in page  # the director's own comment on item 2
        assert "Send til godkendelse" not in page  # the workflow is the secretary's
        assert "Punktet har ingen beslutning at godkende." in page  # item 4

    def test_the_secretary_sees_the_comments_and_the_workflow_but_cannot_approve(
        self, review: Review
    ) -> None:
        page = (
            review.people.client_for("secretary")
            .get(f"/meetings/{review.in_review.pk}/review/")
            .content.decode()
        )
        assert "skriv fratrædelsesdatoen" in page
        assert "Ændringer ønsket" in page
        assert "Genåbn referatet" in page
        assert "Godkend punkt" not in page

    def test_approving_through_the_form_records_the_hash_shown(self, review: Review) -> None:
        client = review.people.client_for("director")
        item = review.item(review.in_review, 1)
        page = client.get(f"/meetings/{review.in_review.pk}/review/").content.decode()
        shown = _hash_on_page(page, item.pk)
        response = client.post(f"/items/{item.pk}/approve/", {"text_hash": shown}, follow=True)
        assert response.status_code == 200
        assert "Du har godkendt punkt 1." in response.content.decode()
        assert "Godkendt og låst" in response.content.decode()
        approval = DecisionApproval.objects.get(
            decision__item=item, reviewer=review.people.director
        )
        assert approval.text_hash == shown

    def test_an_approval_of_an_outdated_page_is_refused_and_shows_what_changed(
        self, review: Review
    ) -> None:
        client = review.client_for("chair")
        item = review.item(review.in_review, 2)
        page = client.get(f"/meetings/{review.in_review.pk}/review/").content.decode()
        shown = _hash_on_page(page, item.pk)
        Decision.objects.filter(item=item).update(text="<p>Fratrædelsen godkendes pr. 1-8.</p>")
        response = client.post(f"/items/{item.pk}/approve/", {"text_hash": shown})
        page = response.content.decode()
        assert response.status_code == 409
        assert "Punktet er ændret, siden du åbnede det" in page
        assert not DecisionApproval.objects.filter(
            decision__item=item, reviewer=review.chair
        ).exists()

    def test_the_director_sees_what_the_secretary_changed_after_the_comment(
        self, review: Review
    ) -> None:
        item = review.item(review.in_review, 2)
        Decision.objects.filter(item=item).update(
            text="<p>Beslutning LukketQx7: fratrædelsen godkendes pr. 1-8-2018.</p>"
        )
        page = (
            review.people.client_for("director")
            .get(f"/meetings/{review.in_review.pk}/review/")
            .content.decode()
        )
        assert "Ændret siden du sidst så punktet" in page
        decided_on = review.in_review.starts_at.date().strftime("%d-%m-%Y")
        assert f"[Beslutning – Godkendt, {decided_on}]" in page  # the date as the minutes write it
        assert 'class="diff-removed">− Beslutning LukketQx7: fratrædelsen godkendes.' in page
        assert (
            'class="diff-added">+ Beslutning LukketQx7: fratrædelsen godkendes pr. 1-8-2018.'
            in page
        )

    def test_a_comment_refused_keeps_what_was_typed(self, review: Review) -> None:
        client = review.people.client_for("director")
        item = review.item(review.in_review, 1)
        client.post(f"/items/{item.pk}/approve/")  # the chair had approved: now locked
        response = client.post(
            f"/items/{item.pk}/request-changes/", {"comment": "Min lange kommentar om datoen"}
        )
        page = response.content.decode()
        assert response.status_code == 423
        assert "godkendt og låst" in page
        assert "Min lange kommentar om datoen" in page

    def test_an_empty_comment_is_refused_in_danish(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        response = review.people.client_for("director").post(
            f"/items/{item.pk}/request-changes/", {"comment": "   "}
        )
        assert response.status_code == 400
        assert "Skriv, hvad der skal ændres." in response.content.decode()

    def test_the_secretary_sends_reopens_with_a_reason_and_publishes(
        self, review: Review, django_capture_on_commit_callbacks
    ) -> None:
        client = review.people.client_for("secretary")
        url = f"/meetings/{review.draft.pk}/transitions/"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"action": "submit_for_review"}, follow=True)
        assert "Referatet har nu status “Til godkendelse”." in response.content.decode()
        assert len(mail.outbox) == 2
        review.approve_all(review.draft)
        response = client.post(url, {"action": "publish"}, follow=True)
        assert "Offentliggjort" in response.content.decode()
        response = client.post(url, {"action": "reopen", "reason": ""})
        assert response.status_code == 400
        assert "Skriv en begrundelse" in response.content.decode()
        response = client.post(url, {"action": "reopen", "reason": "Forkert dato"}, follow=True)
        page = response.content.decode()
        assert "Genåbnet" in page and "begrundelse: Forkert dato" in page
        review.draft.refresh_from_db()
        assert review.draft.status == Meeting.Status.REOPENED

    def test_a_director_cannot_move_the_minutes(self, review: Review) -> None:
        response = review.people.client_for("director").post(
            f"/meetings/{review.draft.pk}/transitions/", {"action": "submit_for_review"}
        )
        assert response.status_code == 403
        assert "Kun organets sekretær" in response.content.decode()

    @pytest.mark.parametrize("role", ["staff", "outsider"])
    def test_people_outside_the_body_do_not_find_unpublished_minutes(
        self, review: Review, role: str
    ) -> None:
        client = review.people.client_for(role)
        assert client.get(f"/meetings/{review.in_review.pk}/review/").status_code == 404
        item = review.item(review.in_review, 1)
        assert client.post(f"/items/{item.pk}/approve/").status_code == 404
        assert client.post(f"/meetings/{review.draft.pk}/transitions/").status_code == 404

    def test_staff_may_read_the_review_of_published_minutes_but_not_approve(
        self, review: Review
    ) -> None:
        client = review.people.client_for("staff")
        page = client.get(f"/meetings/{review.published.pk}/review/").content.decode()
        assert "Godkendt og låst" in page
        assert "Punkt 2: Lukket" in page
        assert "Godkend punkt" not in page

    def test_opening_a_closed_item_on_the_review_page_is_logged(
        self, review: Review, caplog
    ) -> None:
        caplog.set_level("INFO", logger="referat.access")
        review.people.client_for("secretary").get(f"/meetings/{review.in_review.pk}/review/")
        assert "items=[2] via=review" in caplog.text


class TestMyTasks:
    def test_a_director_sees_what_awaits_approval(self, review: Review) -> None:
        client = review.people.client_for("director")
        page = client.get("/tasks/").content.decode()
        assert "Venter på din godkendelse" in page
        assert "Punkt 1: Udbud af KMD driftskontrakt" in page
        assert "Du har bedt om ændringer" in page  # item 2
        client.post(f"/items/{review.item(review.in_review, 1).pk}/approve/")
        page = client.get("/tasks/").content.decode()
        assert "Punkt 1: Udbud af KMD driftskontrakt" not in page

    def test_an_approval_voided_by_a_change_comes_back_as_a_task(self, review: Review) -> None:
        client = review.client_for("chair")
        item = review.item(review.in_review, 1)
        assert "Udbud af KMD" not in client.get("/tasks/").content.decode()  # approved it
        Decision.objects.filter(item=item).update(text="<p>Godkendt, dog ikke før 2019.</p>")
        page = client.get("/tasks/").content.decode()
        assert "Udbud af KMD" in page
        assert "Godkendelsen er bortfaldet" in page

    def test_the_secretary_sees_requests_for_changes_and_minutes_to_publish(
        self, review: Review
    ) -> None:
        client = review.people.client_for("secretary")
        page = client.get("/tasks/").content.decode()
        assert "Ønskede ændringer" in page
        assert "skriv fratrædelsesdatoen" in page
        review.approve_all(review.in_review)
        page = client.get("/tasks/").content.decode()
        assert "kan offentliggøres" in page

    def test_a_request_answered_by_an_edit_leaves_the_secretarys_list(self, review: Review) -> None:
        item = review.item(review.in_review, 2)
        Decision.objects.filter(item=item).update(text="<p>Rettet.</p>")
        state = decision_review(fresh_item(item.pk), review.reviewers)
        assert state.open_change_requests == []
        page = review.people.client_for("secretary").get("/tasks/").content.decode()
        assert "Ønskede ændringer" not in page

    def test_staff_have_no_tasks(self, review: Review) -> None:
        page = review.people.client_for("staff").get("/tasks/").content.decode()
        assert "Du har ingen opgaver lige nu." in page

    def test_the_menu_links_to_my_tasks(self, review: Review) -> None:
        page = review.people.client_for("staff").get("/").content.decode()
        assert 'href="/tasks/">Mine opgaver' in page


class TestCommentsForTheEditor:
    def test_every_request_for_changes_on_an_item_is_listed_newest_first(
        self, review: Review
    ) -> None:
        from meetings.selectors.review import item_change_requests

        item = review.item(review.in_review, 2)
        Decision.objects.filter(item=item).update(text="<p>Rettet.</p>")
        decision_request_changes_by_chair = review.client_for("chair").post(
            f"/items/{item.pk}/request-changes/", {"comment": "Også datoen"}
        )
        assert decision_request_changes_by_chair.status_code == 302
        comments = [(a.reviewer.username, a.comment) for a in item_change_requests(item)]
        assert comments == [
            ("formand", "Også datoen"),
            ("direktoer", "Kommentar LukketQx7: skriv fratrædelsesdatoen."),
        ]


class TestReopenReasons:
    def test_the_reason_for_a_reopen_is_for_the_body_alone(self, review: Review) -> None:
        url = f"/meetings/{review.published.pk}/review/"
        member = review.people.client_for("director").get(url).content.decode()
        staff = review.people.client_for("staff").get(url).content.decode()
        assert "begrundelse: Datoen i LukketQx7 var forkert" in member
        assert "begrundelse: <em>kun for organets medlemmer</em>" in staff


class TestSendingIncompleteMinutes:
    def test_the_page_names_what_is_missing_and_offers_to_send_anyway(self, review: Review) -> None:
        AgendaItem.objects.create(meeting=review.draft, number=4, title="Eventuelt")
        client = review.people.client_for("secretary")
        url = f"/meetings/{review.draft.pk}/transitions/"
        response = client.post(url, {"action": "submit_for_review"})
        page = response.content.decode()
        assert response.status_code == 409
        assert "punkt 4 mangler en beslutning" in page
        assert "Send alligevel" in page
        assert Meeting.objects.get(pk=review.draft.pk).status == Meeting.Status.DRAFT
        response = client.post(url, {"action": "submit_for_review", "send_anyway": "1"})
        assert response.status_code == 302
        assert Meeting.objects.get(pk=review.draft.pk).status == Meeting.Status.IN_REVIEW


class TestChangeRequestsAreTheBodys:
    def test_a_request_for_changes_shows_to_the_body_and_never_to_staff(
        self, review: Review
    ) -> None:
        # Published minutes whose record holds a request for changes (e.g. a reviewer added
        # later): its comment is the body's, on the page and in the API alike.
        item = review.item(review.published, 1)
        DecisionApproval.objects.filter(
            decision__item=item, reviewer=review.people.director
        ).update(
            status=DecisionApproval.Status.CHANGES_REQUESTED, comment="Intern bemærkning om udbud"
        )
        url = f"/meetings/{review.published.pk}/review/"
        api = f"/api/items/{item.pk}/review/"
        member = review.people.client_for("director")
        staff = review.people.client_for("staff")
        assert "Intern bemærkning om udbud" in member.get(url).content.decode()
        assert "Intern bemærkning om udbud" in member.get(api).content.decode()
        staff_page = staff.get(url)
        assert staff_page.status_code == 200
        assert "Intern bemærkning om udbud" not in staff_page.content.decode()
        assert "Intern bemærkning om udbud" not in staff.get(api).content.decode()


class TestNamingASigner:
    """Minutes no member attended: the page offers the secretary to name who signs."""

    @pytest.fixture
    def nobody_attended(self, review: Review) -> Meeting:
        secretary = review.people.secretary
        Attendance.objects.filter(meeting=review.draft).exclude(user=secretary).update(
            present=False
        )
        return review.draft

    def test_the_secretary_names_the_chair_who_then_approves_on_the_page(
        self, review: Review, nobody_attended: Meeting
    ) -> None:
        meeting, chair = nobody_attended, review.chair
        client = review.people.client_for("secretary")
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "Ingen af organets medlemmer deltog, så ingen kan godkende referatet endnu." in page
        page = client.get(f"/meetings/{meeting.pk}/review/").content.decode()
        assert "Ingen af organets medlemmer deltog i mødet (alle meldte afbud)" in page
        options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page)
        assert {name for _pk, name in options} == {"Birgitte Dam", "Lars"}  # not the secretary

        response = client.post(f"/meetings/{meeting.pk}/signer/", {"signer": chair.pk}, follow=True)
        page = response.content.decode()
        assert "Birgitte Dam underskriver referatet og godkender det." in page
        assert re.search(r'id="meeting-reviewers">\s*Birgitte Dam \(underskriver', page)
        assert (
            "Underskriver udpeget af Kathrine (Kladde → Kladde) – underskriver: Birgitte Dam"
            in (page)
        )
        meeting_page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "Birgitte Dam (udpeget af sekretæren, da ingen af organets medlemmer deltog)" in (
            meeting_page
        )

        response = client.post(
            f"/meetings/{meeting.pk}/transitions/", {"action": "submit_for_review"}, follow=True
        )
        assert "Referatet har nu status “Til godkendelse”." in response.content.decode()
        chair_client = review.client_for("chair")
        for item in meeting.items.order_by("number"):
            page = chair_client.get(f"/meetings/{meeting.pk}/review/").content.decode()
            chair_client.post(
                f"/items/{item.pk}/approve/", {"text_hash": _hash_on_page(page, item.pk)}
            )
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.APPROVED

    @pytest.mark.parametrize("who", ["staff", "secretary"])
    def test_naming_someone_outside_the_bodys_members_is_refused_in_danish(
        self, review: Review, nobody_attended: Meeting, who: str
    ) -> None:
        client = review.people.client_for("secretary")
        response = client.post(
            f"/meetings/{nobody_attended.pk}/signer/",
            {"signer": getattr(review.people, who).pk},
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "er ikke formand eller medlem af Direktionen og kan ikke underskrive" in page
        assert 'name="signer"' in page  # the form is there to choose again
        nobody_attended.refresh_from_db()
        assert nobody_attended.signer is None

    def test_a_director_cannot_name_the_signer(
        self, review: Review, nobody_attended: Meeting
    ) -> None:
        client = review.people.client_for("director")
        response = client.post(
            f"/meetings/{nobody_attended.pk}/signer/", {"signer": review.people.director.pk}
        )
        assert response.status_code == 403
        assert (
            'name="signer"'
            not in client.get(f"/meetings/{nobody_attended.pk}/review/").content.decode()
        )

    def test_no_form_while_members_attended(self, review: Review) -> None:
        page = (
            review.people.client_for("secretary")
            .get(f"/meetings/{review.draft.pk}/review/")
            .content.decode()
        )
        assert 'name="signer"' not in page
