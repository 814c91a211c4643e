"""The lock on approved decisions holds in the database itself: against the ORM, bulk updates
and plain SQL, on every part of the item; only a reopen unlocks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction

from meetings.errors import DecisionLocked, MeetingLocked
from meetings.locks import (
    ensure_item_editable,
    is_lock_violation,
    item_is_locked,
    locked_edits_refused,
)
from meetings.models import (
    AgendaItem,
    Attachment,
    Decision,
    Meeting,
    Recommendation,
    RecommendationClause,
)
from meetings.services import items as item_services
from meetings.services.items import item_remove, item_renumber, item_update
from meetings.services.review import decision_approve, meeting_reopen
from tests.review_scenario import Review

pytestmark = pytest.mark.django_db


def _refused(write: Callable[[], object]) -> DatabaseError:
    """Run a write that the trigger must refuse; return the database error."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        write()
    assert is_lock_violation(caught.value), caught.value
    return caught.value


def _locked_item(review: Review) -> AgendaItem:
    item = review.item(review.published, 1)
    assert item_is_locked(item)
    return item


WRITES: dict[str, Callable[[AgendaItem], object]] = {
    "decision text, bulk update": lambda item: Decision.objects.filter(item=item).update(
        text="<p>Afvist.</p>"
    ),
    "decision outcome, save()": lambda item: _save_decision(item),
    "decision delete": lambda item: Decision.objects.filter(item=item).delete(),
    "item title, bulk update": lambda item: AgendaItem.objects.filter(pk=item.pk).update(
        title="Ny titel"
    ),
    "item background, every item of the meeting": lambda item: AgendaItem.objects.filter(
        meeting=item.meeting
    ).update(background="<p>x</p>"),
    "item opened (closed flag)": lambda item: AgendaItem.objects.filter(
        meeting=item.meeting, closed=True
    ).update(closed=False),
    "item delete": lambda item: item.delete(),
    "recommendation lead-in": lambda item: Recommendation.objects.filter(item=item).update(
        lead_in="Nyt"
    ),
    "clause text": lambda item: RecommendationClause.objects.filter(
        recommendation__item=item
    ).update(text="at noget andet"),
    "clause added": lambda item: RecommendationClause.objects.create(
        recommendation=item.recommendation, position=2, text="at mere"
    ),
    "attachment added": lambda item: Attachment.objects.create(item=item, title="Nyt bilag"),
    "attachment of the closed item renamed": lambda item: Attachment.objects.filter(
        item__meeting=item.meeting
    ).update(title="Omdøbt"),
    "plain SQL": lambda item: _raw_sql(
        "UPDATE meetings_decision SET text = 'Snydt' WHERE item_id = %s", item.pk
    ),
    "unlock without a reopen": lambda item: Decision.objects.filter(item=item).update(locked=False),
    "unlock and edit in one statement": lambda item: Decision.objects.filter(item=item).update(
        locked=False, text="<p>Snydt</p>"
    ),
}


def _save_decision(item: AgendaItem) -> None:
    decision = Decision.objects.get(item=item)
    decision.outcome = Decision.Outcome.REJECTED
    decision.save()


def _raw_sql(sql: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class TestTheDatabaseRefuses:
    @pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
    def test_every_change_of_a_locked_item(self, review: Review, write: str) -> None:
        item = _locked_item(review)
        before = Decision.objects.get(item=item)
        error = _refused(lambda: WRITES[write](item))
        assert "decision is approved and locked" in str(error)
        after = Decision.objects.get(item=item)
        assert (after.text, after.outcome, after.locked) == (before.text, before.outcome, True)
        assert AgendaItem.objects.get(pk=item.pk).title == "Udbud af KMD driftskontrakt"

    def test_a_bulk_update_over_many_meetings_changes_nothing_at_all(self, review: Review) -> None:
        texts = dict(Decision.objects.values_list("pk", "text"))
        _refused(lambda: Decision.objects.all().update(text="<p>Alt er godkendt.</p>"))
        assert dict(Decision.objects.values_list("pk", "text")) == texts

    def test_an_unlocked_item_of_another_meeting_is_still_editable(self, review: Review) -> None:
        item = review.item(review.draft, 1)
        Decision.objects.filter(item=item).update(text="<p>Ændret.</p>")
        AgendaItem.objects.filter(pk=item.pk).update(title="Ny titel")
        assert Decision.objects.get(item=item).text == "<p>Ændret.</p>"

    def test_renumbering_and_version_bumps_are_not_content_changes(self, review: Review) -> None:
        meeting = review.published
        ids = list(meeting.items.order_by("-number").values_list("pk", flat=True))
        item_renumber(meeting=meeting, ordered_ids=ids)
        assert list(meeting.items.order_by("number").values_list("pk", flat=True)) == ids


class TestOnlyAReopenUnlocks:
    def test_after_a_reopen_the_item_can_be_edited(self, review: Review) -> None:
        item = _locked_item(review)
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        assert not item_is_locked(item)
        Decision.objects.filter(item=item).update(text="<p>Rettet.</p>")
        Attachment.objects.create(
            item=item, title="Nyt bilag", file=ContentFile(b"x", name="nyt.pdf")
        )
        assert Decision.objects.get(item=item).text == "<p>Rettet.</p>"

    def test_the_reopen_window_closes_with_the_service(self, review: Review) -> None:
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('referat.reopening', true)")
            assert cursor.fetchone()[0] == "off"


class TestTheHelperForEditPaths:
    def test_it_turns_the_refusal_into_a_danish_domain_error(self, review: Review) -> None:
        item = _locked_item(review)
        with (
            pytest.raises(DecisionLocked) as caught,
            locked_edits_refused(),
            transaction.atomic(),
        ):
            AgendaItem.objects.filter(pk=item.pk).update(title="Ny titel")
        assert "godkendt og låst" in str(caught.value)
        assert "genåbner" in str(caught.value)

    def test_it_lets_other_database_errors_through(self, review: Review) -> None:
        with pytest.raises(DatabaseError) as caught, locked_edits_refused(), transaction.atomic():
            _raw_sql("SELECT no_such_function()")
        assert not isinstance(caught.value, DecisionLocked)

    def test_the_check_before_an_edit_says_the_same(self, review: Review) -> None:
        with pytest.raises(DecisionLocked, match="godkendt og låst"):
            ensure_item_editable(_locked_item(review))
        ensure_item_editable(review.item(review.draft, 1))


class TestTheAdmin:
    def test_a_locked_item_is_read_only_and_a_forced_post_is_refused_in_danish(
        self, review: Review
    ) -> None:
        item = _locked_item(review)
        client = review.people.client_for("superuser")
        page = client.get(f"/admin/meetings/agendaitem/{item.pk}/change/").content.decode()
        assert "godkendt og låst" in page
        assert 'name="title"' not in page
        response = client.post(
            f"/admin/meetings/agendaitem/{item.pk}/delete/", {"post": "yes"}, follow=True
        )
        assert "godkendt og låst" in response.content.decode()
        assert AgendaItem.objects.filter(pk=item.pk).exists()

    def test_the_status_of_a_meeting_is_not_edited_in_the_admin(self, review: Review) -> None:
        client = review.people.client_for("superuser")
        page = client.get(f"/admin/meetings/meeting/{review.draft.pk}/change/").content.decode()
        assert 'name="status"' not in page
        assert Meeting.objects.get(pk=review.draft.pk).status == Meeting.Status.DRAFT


class TestTheDraftingPaths:
    """The secretary's editor, its autosave and the items API refuse a locked item in Danish
    (423), and take edits again once the minutes are reopened."""

    def _locked_under_review(self, review: Review) -> AgendaItem:
        item = review.item(review.in_review, 1)
        decision_approve(item=item, actor=review.people.director)  # the chair approved already
        assert item_is_locked(item)
        return item

    def test_the_service_refuses_before_writing(self, review: Review) -> None:
        item = self._locked_under_review(review)
        with pytest.raises(DecisionLocked, match="godkendt og låst"):
            item_update(actor=review.people.secretary, item=item, version=item.version, title="Ny")
        with pytest.raises(DecisionLocked):
            item_remove(actor=review.people.secretary, item=item)

    def test_an_approval_landing_after_the_check_is_still_refused(
        self, review: Review, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        item = self._locked_under_review(review)
        # As if the check ran just before the approval committed: the trigger decides.
        monkeypatch.setattr(item_services, "ensure_item_editable", lambda item: None)
        with pytest.raises(DecisionLocked, match="godkendt og låst"):
            item_update(actor=review.people.secretary, item=item, version=item.version, title="Ny")
        assert AgendaItem.objects.get(pk=item.pk).title == "Udbud af KMD driftskontrakt"

    def test_the_api_answers_423(self, review: Review) -> None:
        item = self._locked_under_review(review)
        client = review.people.client_for("secretary")
        response = client.patch(
            f"/api/items/{item.pk}/",
            {"version": item.version, "title": "Ny titel"},
            content_type="application/json",
        )
        assert response.status_code == 423
        assert "godkendt og låst" in response.json()["detail"]

    def test_the_autosave_answers_423_and_the_editor_sends_back(self, review: Review) -> None:
        item = self._locked_under_review(review)
        client = review.people.client_for("secretary")
        response = client.post(
            f"/items/{item.pk}/autosave/", {"version": item.version, "title": "Ny titel"}
        )
        assert response.status_code == 423
        response = client.get(f"/items/{item.pk}/edit/", follow=True)
        assert "godkendt og låst" in response.content.decode()
        page = client.get(f"/meetings/{review.in_review.pk}/").content.decode()
        assert f'href="/items/{item.pk}/edit/"' not in page
        assert "Godkendt og låst" in page

    def test_reopened_minutes_take_edits_again(self, review: Review) -> None:
        item = review.item(review.published, 1)
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        updated = item_update(
            actor=review.people.secretary, item=item, version=item.version, title="Rettet titel"
        )
        assert updated.title == "Rettet titel"

    def test_the_budget_tables_of_a_locked_item_are_locked_too(self, review: Review) -> None:
        from budget.services import budget_locked, budget_table_create

        item = self._locked_under_review(review)
        assert budget_locked(item)
        with pytest.raises(MeetingLocked):
            budget_table_create(item=item, actor=review.people.secretary)
        assert not budget_locked(review.item(review.in_review, 2))
