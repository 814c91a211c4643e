"""Every change of meetings, items, decisions, attendance and approvals leaves a history row
— who, when, before and after — however it is made; the history page and API show it: all of
it to the body, only what was published to anyone else, nothing to the anonymous, in words a
reader understands."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F
from django.utils import timezone

from meetings.models import (
    HISTORY_TRACKED_MODELS,
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
from meetings.services.meetings import meeting_update
from meetings.services.review import (
    decision_request_changes,
    meeting_publish,
    meeting_reopen,
    meeting_submit_for_review,
)
from tests.review_scenario import (
    CLOSED_TOKEN,
    OPENED_TITLE,
    Review,
    open_closed_item_to_the_public,
)

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
        entry = item_history(item, user=review.people.secretary)[0]
        assert entry.kind == "Decision" and entry.action == "update"
        assert entry.user_id is None
        assert entry.user_name == "ukendt – ændret uden for Referat"
        change = {c.name: c for c in entry.changes}["text"]
        assert (change.before, change.after) == ("Godkendt.", "Rettet i databasen.")

    def test_a_service_records_the_user_who_acted(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        decision_request_changes(item=item, actor=review.chair, comment="Ret datoen")
        entries = item_history(item, user=review.people.secretary)
        entry = next(e for e in entries if e.kind == "DecisionApproval")
        assert entry.user_id == review.chair.pk
        assert entry.user_name == "Birgitte Dam"
        assert entry.via == "ændringer ønsket"
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
        entries = meeting_history(review.published, user=review.people.secretary)
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

    def test_it_shows_the_body_the_approvals_and_their_reviewers(self, review: Review) -> None:
        item = review.item(review.published, 1)
        client = review.people.client_for("director")
        page = client.get(f"/items/{item.pk}/history/").content.decode()
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
        entries = item_history(item, user=people.secretary)
        entry = next(e for e in entries if (e.kind, e.action) == ("AgendaItem", "insert"))
        assert all(e.user_id == people.secretary.pk for e in entries)
        assert entry.user_id == people.secretary.pk
        assert entry.via == "importeret"


# --- as each reader may read it ----------------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(review: Review, role: str, url: str) -> str:
    response = review.client_for(role).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _api_events(review: Review, role: str, item: AgendaItem) -> list[dict[str, Any]]:
    response = review.client_for(role).get(f"/api/items/{item.pk}/history/")
    assert response.status_code == 200
    return response.json()["events"]


def _autosave(review: Review, item: AgendaItem, **changes: str) -> None:
    """Save the editor as the secretary's browser does, every field as it stands."""
    item.refresh_from_db()
    data = {
        "version": item.version,
        "title": item.title,
        "case_number": item.case.number if item.case else "",
        "background": item.background,
        "rec_unit": "ØDC",
        "rec_lead_in": "Det indstilles,",
        "rec_clauses": "at tidsplanen tages til efterretning",
        "rec_numbered": "on",
        "decision_outcome": "godkendt",
        "decision_text": "<p>Godkendt.</p>",
        "presentation": item.presentation,
        "economy": item.economy,
        **changes,
    }
    response = review.people.client_for("secretary").post(
        f"/items/{item.pk}/autosave/", data, **HTMX
    )
    assert response.status_code == 200, response.content.decode()


class TestOutsideTheBodyOnlyWhatWasPublished:
    def test_staff_read_an_opened_items_past_without_its_closed_content(
        self, review: Review
    ) -> None:
        item = open_closed_item_to_the_public(review)
        page = _page(review, "staff", f"/items/{item.pk}/history/")
        assert CLOSED_TOKEN not in page
        assert "Historikken viser punktet, som det blev offentliggjort" in page
        # The public read "Lukket" at the first publication and the item at the second.
        assert '<td class="before">Lukket</td><td class="after">' + OPENED_TITLE in page
        assert "Direktøren fratræder efter aftale." in page
        assert "Godkendelse</strong>" not in page
        assert "nævn ikke beløbet" not in page
        assert "Bilag</strong>" not in page  # the attachment was never public

    def test_the_api_gives_staff_the_same_published_past(self, review: Review) -> None:
        item = open_closed_item_to_the_public(review)
        events = _api_events(review, "staff", item)
        assert CLOSED_TOKEN not in json.dumps(events, ensure_ascii=False)
        assert {e["object"] for e in events} == {"AgendaItem", "Decision"}
        opened = next(e for e in events if "title" in e["changes"] and e["action"] == "update")
        assert opened["changes"]["title"] == {
            "label": "titel",
            "before": "Lukket",
            "after": OPENED_TITLE,
        }
        assert opened["changes"]["closed"]["after"] == "nej"
        assert opened["via"] == "offentliggjort"
        assert opened["by"]["name"] == "Kathrine"

    @pytest.mark.parametrize("role", ["secretary", "director", "superuser"])
    def test_the_body_reads_the_closed_past_and_the_comments(
        self, review: Review, role: str
    ) -> None:
        item = open_closed_item_to_the_public(review)
        page = _page(review, role, f"/items/{item.pk}/history/")
        assert f"Personalesag {CLOSED_TOKEN}" in page
        assert f"Baggrund {CLOSED_TOKEN} om fratrædelse." in page
        assert f"Kommentar {CLOSED_TOKEN}: nævn ikke beløbet." in page
        assert "Godkendelse</strong>" in page
        assert "Historikken viser punktet, som det blev offentliggjort" not in page
        events = _api_events(review, role, item)
        assert CLOSED_TOKEN in json.dumps(events, ensure_ascii=False)

    def test_staff_see_no_drafts_made_between_publications(self, review: Review) -> None:
        secretary = review.people.secretary
        meeting = review.published
        meeting_reopen(meeting=meeting, actor=secretary, reason="Baggrunden uddybes")
        item = review.item(meeting, 1)
        # A draft sent for review, changed on a director's request, then approved.
        _autosave(review, item, background="<p>Udkast der aldrig blev offentligt.</p>")
        meeting_submit_for_review(meeting=meeting, actor=secretary)
        decision_request_changes(item=item, actor=review.people.director, comment="Årstal?")
        _autosave(review, item, background="<p>Direktionen besluttede et udbud i 2017.</p>")
        review.approve_all(meeting)
        meeting.refresh_from_db()
        meeting_publish(meeting=meeting, actor=secretary)

        staff = _page(review, "staff", f"/items/{item.pk}/history/")
        assert "Udkast der aldrig blev offentligt." not in staff
        assert "Direktionen besluttede et udbud i 2017." in staff
        events = _api_events(review, "staff", item)
        background = [e["changes"]["background"] for e in events if "background" in e["changes"]]
        assert background[0] == {
            "label": "baggrund",
            "before": "Direktionen traf beslutning om udbud.",
            "after": "Direktionen besluttede et udbud i 2017.",
        }
        assert "Årstal?" not in staff
        member = _page(review, "director", f"/items/{item.pk}/history/")
        assert "Udkast der aldrig blev offentligt." in member
        assert "Årstal?" in member

    def test_staff_see_the_meeting_as_published_without_drafts_or_reasons(
        self, review: Review
    ) -> None:
        secretary = review.people.secretary
        meeting = review.published
        meeting_reopen(meeting=meeting, actor=secretary, reason=f"Stedet i {CLOSED_TOKEN}")
        meeting.refresh_from_db()
        for location in ("Teams (foreløbig)", "Byrådssalen"):
            meeting = meeting_update(
                actor=secretary,
                meeting=meeting,
                version=meeting.version,
                starts_at=meeting.starts_at,
                location=location,
            )
        meeting_submit_for_review(meeting=meeting, actor=secretary)
        meeting.refresh_from_db()
        meeting_publish(meeting=meeting, actor=secretary)

        url = f"/meetings/{meeting.pk}/history/"
        staff = _page(review, "staff", url)
        assert '<td class="before">Mødelokale B105</td><td class="after">Byrådssalen</td>' in staff
        assert "Teams (foreløbig)" not in staff
        assert CLOSED_TOKEN not in staff
        assert "Genåbnet" in staff  # the status moves are the review page's, reasons aside
        member = _page(review, "director", url)
        assert "Teams (foreløbig)" in member
        assert f"Stedet i {CLOSED_TOKEN}" in member

    def test_staff_see_no_approvals_of_an_item_always_open(self, review: Review) -> None:
        item = review.item(review.published, 1)
        page = _page(review, "staff", f"/items/{item.pk}/history/")
        assert "Dagsordenspunkt</strong> oprettet" in page
        assert "Udbud af KMD driftskontrakt" in page
        assert "Godkendelse</strong>" not in page
        assert "DecisionApproval" not in {e["object"] for e in _api_events(review, "staff", item)}

    def test_anonymous_users_get_no_history(self, review: Review) -> None:
        item = review.item(review.published, 1)
        client = review.people.client_for("anonymous")
        for url in (f"/items/{item.pk}/history/", f"/meetings/{review.published.pk}/history/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/login/")
        response = client.get(f"/api/items/{item.pk}/history/")
        assert response.status_code in (401, 403)
        assert "events" not in response.json()
        assert item_history(item, user=AnonymousUser()) == []
        assert meeting_history(review.published, user=AnonymousUser()) == []


# --- readable ----------------------------------------------------------------------------------

EVENT_MODELS = [apps.get_model("meetings", f"{m.__name__}Event") for m in HISTORY_TRACKED_MODELS]


def _history_moved_back(by: dt.timedelta) -> None:
    """Everything recorded so far happened `by` earlier (the item was drafted yesterday)."""
    for event_model in EVENT_MODELS:
        event_model._default_manager.update(pgh_created_at=F("pgh_created_at") - by)


def _last_save_made_at(item: AgendaItem, at: dt.datetime) -> None:
    """The item's last save (every row its request changed) was made at `at`."""
    context_id = _events(AgendaItem, pgh_obj_id=item.pk)[-1].pgh_context_id
    assert context_id is not None
    for event_model in EVENT_MODELS:
        event_model._default_manager.filter(pgh_context_id=context_id).update(pgh_created_at=at)


class TestReadableHistory:
    def test_an_autosave_burst_is_one_entry_from_first_before_to_last_after(
        self, review: Review
    ) -> None:
        item = review.item(review.draft, 1)
        _history_moved_back(dt.timedelta(days=1))
        start = timezone.now() - dt.timedelta(hours=2)
        for minutes, text in ((0, "Første"), (3, "Anden"), (6, "Tredje"), (30, "Fjerde")):
            _autosave(review, item, background=f"<p>{text} udgave.</p>")
            _last_save_made_at(item, start + dt.timedelta(minutes=minutes))

        events = _api_events(review, "secretary", item)
        saves = [e for e in events if e["object"] == "AgendaItem" and e["action"] == "update"]
        assert [
            (
                e["changes"]["background"]["before"],
                e["changes"]["background"]["after"],
                e["updates"],
            )
            for e in saves
        ] == [
            ("Tredje udgave.", "Fjerde udgave.", 1),
            ("Direktionen traf beslutning om udbud.", "Tredje udgave.", 3),
        ]
        assert saves[1]["started_at"] == start.isoformat()
        assert saves[1]["via"] == "redigeret"
        # Each save wrote the recommendation's clause anew; as it read the same, no entry.
        assert not any(e["object"] == "RecommendationClause" for e in events[: len(saves)])

        page = _page(review, "secretary", f"/items/{item.pk}/history/")
        assert "Anden udgave." not in page
        assert "3 gemninger fra kl." in page
        assert "autosave" not in page

    def test_the_way_of_a_change_is_said_in_danish(self, review: Review) -> None:
        item = review.item(review.published, 1)
        page = _page(review, "director", f"/items/{item.pk}/history/")
        assert "(genåbnet)" in page
        assert "(sendt til godkendelse)" in page
        assert "(godkendt)" in page
        for name in ("meeting_reopen", "meeting_submit_for_review", "decision_approve"):
            assert name not in page
        events = _api_events(review, "director", item)
        assert {e["via"] for e in events} <= {"", "genåbnet", "sendt til godkendelse", "godkendt"}

    def test_no_file_paths_or_checksums_are_shown(self, review: Review) -> None:
        item = review.item(review.published, 2)
        approval = DecisionApproval.objects.filter(decision__item=item).first()
        assert approval is not None
        page = _page(review, "director", f"/items/{item.pk}/history/")
        assert '<td class="after">aftale' in page  # the attachment's file, by its name
        assert "attachments/" not in page
        assert approval.text_hash[:12] not in page
        assert "Kontrolsum" not in page
