"""Every change of meetings, items, decisions, attendance and approvals leaves a history row
— who, when, before and after — however it is made; the history page and API show it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection

from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    DecisionApproval,
    Meeting,
    MeetingTransition,
    Membership,
    Recommendation,
    RecommendationClause,
)
from meetings.selectors.history import item_history, meeting_history
from meetings.services.review import decision_request_changes
from tests.review_scenario import Review

pytestmark = pytest.mark.django_db


def _outside_the_app() -> None:
    """The fixture's services ran inside this test's transaction, and pghistory's context
    lives as long as a transaction; a change from outside the app comes in a transaction of
    its own, without that context."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pghistory.context_id', '', true)")


def _events(model: type, **filters: object) -> list:
    event_model = apps.get_model("meetings", f"{model.__name__}Event")
    return list(event_model.objects.filter(**filters).order_by("pgh_id"))


BULK_UPDATES: dict[type, Callable[[Review], int]] = {
    Meeting: lambda r: Meeting.objects.filter(pk=r.draft.pk).update(location="Teams"),
    Attendance: lambda r: Attendance.objects.filter(meeting=r.draft).update(present=False),
    Membership: lambda r: Membership.objects.filter(user=r.chair).update(role="medlem"),
    AgendaItem: lambda r: AgendaItem.objects.filter(meeting=r.draft).update(title="Ny"),
    Recommendation: lambda r: Recommendation.objects.filter(item__meeting=r.draft).update(
        unit="BYC"
    ),
    RecommendationClause: lambda r: RecommendationClause.objects.filter(
        recommendation__item__meeting=r.draft
    ).update(text="at x"),
    Decision: lambda r: Decision.objects.filter(item__meeting=r.draft).update(text="<p>Ny</p>"),
    Attachment: lambda r: Attachment.objects.filter(item__meeting=r.draft).update(title="Nyt"),
    DecisionApproval: lambda r: DecisionApproval.objects.filter(
        decision__item__meeting=r.in_review
    ).update(comment="Ændret"),
    MeetingTransition: lambda r: MeetingTransition.objects.filter(meeting=r.published).update(
        reason="Ændret"
    ),
}


class TestEveryKindOfChangeIsRecorded:
    @pytest.mark.parametrize("model", list(BULK_UPDATES), ids=lambda m: m.__name__)
    def test_a_bulk_update_leaves_an_event_per_row(self, review: Review, model: type) -> None:
        event_model = apps.get_model("meetings", f"{model.__name__}Event")
        before = event_model.objects.filter(pgh_label="update").count()
        rows = BULK_UPDATES[model](review)
        assert rows > 0
        assert event_model.objects.filter(pgh_label="update").count() == before + rows

    def test_inserts_updates_and_deletes_of_a_decision_are_kept_with_their_values(
        self, review: Review
    ) -> None:
        item = review.item(review.draft, 1)
        decision = Decision.objects.get(item=item)
        decision.text = "<p>Udskudt.</p>"
        decision.save()
        decision.delete()
        labels = [(e.pgh_label, e.text) for e in _events(Decision, item_id=item.pk)]
        assert labels == [
            ("insert", "<p>Godkendt.</p>"),
            ("update", "<p>Udskudt.</p>"),
            ("delete", "<p>Udskudt.</p>"),
        ]

    def test_a_change_in_plain_sql_is_recorded_without_a_user(self, review: Review) -> None:
        item = review.item(review.draft, 1)
        _outside_the_app()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE meetings_decision SET text = '<p>Rettet i databasen.</p>' "
                "WHERE item_id = %s",
                [item.pk],
            )
        entry = item_history(item)[0]
        assert entry.kind == "Decision" and entry.action == "update"
        assert entry.user_id is None
        assert entry.user_name == "ukendt – ændret uden for Referat"
        change = {c.name: c for c in entry.changes}["text"]
        assert (change.before, change.after) == ("Godkendt.", "Rettet i databasen.")

    def test_a_service_records_the_user_who_acted(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        decision_request_changes(item=item, actor=review.chair, comment="Ret datoen")
        entry = next(e for e in item_history(item) if e.kind == "DecisionApproval")
        assert entry.user_id == review.chair.pk
        assert entry.user_name == "Birgitte Dam"
        assert entry.via == "decision_request_changes"
        assert {c.name: c.after for c in entry.changes}["status"] == "Ændringer ønsket"

    def test_a_request_records_its_user_through_the_middleware(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        client = review.people.client_for("director")
        response = client.post(f"/items/{item.pk}/request-changes/", {"comment": "Tilføj dato"})
        assert response.status_code == 302
        event = _events(DecisionApproval, decision_id=item.decision.pk)[-1]
        assert event.pgh_context.metadata["user"] == review.people.director.pk
        assert event.pgh_context.metadata["url"] == f"/items/{item.pk}/request-changes/"

    def test_the_meetings_own_history_has_its_status_moves_and_attendance(
        self, review: Review
    ) -> None:
        Attendance.objects.filter(meeting=review.published, user=review.chair).update(present=False)
        entries = meeting_history(review.published)
        kinds = {(e.kind, e.action) for e in entries}
        assert ("MeetingTransition", "insert") in kinds
        assert ("Meeting", "update") in kinds
        assert ("Attendance", "update") in kinds
        status = [
            {c.name: c for c in e.changes}["status"]
            for e in entries
            if e.kind == "Meeting"
            and e.action == "update"
            and any(c.name == "status" for c in e.changes)
        ]
        assert [(s.before, s.after) for s in reversed(status)] == [
            ("Kladde", "Til godkendelse"),
            ("Til godkendelse", "Godkendt"),
            ("Godkendt", "Genåbnet"),
            ("Genåbnet", "Til godkendelse"),
            ("Til godkendelse", "Godkendt"),
            ("Godkendt", "Offentliggjort"),
        ]


class TestTheHistoryPage:
    def test_the_meetings_history_names_the_body_and_gives_danish_local_times(
        self, review: Review
    ) -> None:
        page = (
            review.people.client_for("secretary")
            .get(f"/meetings/{review.draft.pk}/history/")
            .content.decode()
        )
        created = page[page.index("Møde</strong> oprettet") :]
        assert '<th scope="row">Organ</th>' in created
        assert '<td class="after">Direktionen</td>' in created
        assert "25-06-2018 kl. 12:30" in created  # Copenhagen time, as it was typed
        assert "+00:00" not in page and "2018-06-25" not in page
        assert '<th scope="row">Bruger</th>' in page and ">User<" not in page

    def test_it_shows_who_changed_what_before_and_after(self, review: Review) -> None:
        item = review.item(review.draft, 1)
        client = review.people.client_for("secretary")
        _outside_the_app()
        Decision.objects.filter(item=item).update(text="<p>Godkendt med bemærkning.</p>")
        response = client.get(f"/items/{item.pk}/history/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "Beslutning</strong> ændret" in page
        assert "Godkendt med bemærkning." in page
        assert "ukendt – ændret uden for Referat" in page

    def test_it_shows_the_approvals_and_their_reviewers(self, review: Review) -> None:
        item = review.item(review.published, 1)
        page = review.people.client_for("staff").get(f"/items/{item.pk}/history/").content.decode()
        assert "Godkendelse</strong> oprettet" in page
        assert "Birgitte Dam" in page

    def test_opening_a_closed_items_history_is_logged(self, review: Review, caplog) -> None:
        item = review.item(review.published, 2)
        caplog.set_level("INFO", logger="referat.access")
        review.people.client_for("director").get(f"/items/{item.pk}/history/")
        assert f"user={review.people.director.pk}" in caplog.text
        assert "items=[2] via=history" in caplog.text

    def test_the_api_gives_the_same_history_as_json(self, review: Review) -> None:
        item = review.item(review.draft, 1)
        _outside_the_app()
        Decision.objects.filter(item=item).update(text="<p>Afvist.</p>")
        response = review.people.client_for("secretary").get(f"/api/items/{item.pk}/history/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        events = response.json()["events"]
        latest = events[0]
        assert (latest["object"], latest["action"], latest["by"]) == ("Decision", "update", None)
        assert latest["changes"]["text"] == {
            "label": "beslutning",
            "before": "Godkendt.",
            "after": "Afvist.",
        }
        assert {e["object"] for e in events} >= {"AgendaItem", "Recommendation", "Decision"}


class TestImportsAreRecordedWithTheirUploader:
    def test_a_worker_run_import_names_the_user_who_uploaded(
        self, people, django_capture_on_commit_callbacks
    ) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from exchange.demo import SAMPLE_DIR
        from exchange.jobs import import_job_create, import_job_run

        name = "direktionen-2017-03-20.txt"
        upload = SimpleUploadedFile(name, (SAMPLE_DIR / name).read_bytes())
        with django_capture_on_commit_callbacks(execute=False):
            job = import_job_create(actor=people.secretary, uploads=[upload])
        import_job_run(job_id=job.pk)  # as the worker does, outside any request
        item = AgendaItem.objects.get(meeting__imported_from=name, number=1)
        entries = item_history(item)
        entry = next(e for e in entries if (e.kind, e.action) == ("AgendaItem", "insert"))
        assert all(e.user_id == people.secretary.pk for e in entries)
        assert entry.user_id == people.secretary.pk
        assert entry.via == "import_job_run"
