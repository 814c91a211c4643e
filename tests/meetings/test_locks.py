"""The lock on approved decisions holds in the database itself: against the ORM, bulk updates
and plain SQL, on every part of the item and its money; only a reopen unlocks, and only one
that is on record."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction

from budget.review import budget_review_content
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
    MeetingTransition,
    Recommendation,
    RecommendationClause,
)
from meetings.selectors.history import meeting_history
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


def _raw_sql_named(sql: str, **params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class TestTheDatabaseRefuses:
    @pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
    def test_every_change_of_a_locked_item(self, review: Review, write: str) -> None:
        item = _locked_item(review)
        before = Decision.objects.get(item=item)
        error = _refused(lambda: WRITES[write](item))
        assert "er afvist, fordi beslutningen er godkendt og låst" in str(error)
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


# The money of a locked item (item 2 of the published minutes: a budget table and a draw on
# the body's pool), written to by plain SQL as an attacker would, or by a careless bulk update.
# `item` is the locked item, `open_item` an item of the draft minutes.
MONEY_WRITES: dict[str, str] = {
    "a cell's amount": "UPDATE budget_budgetcell SET value = 999 WHERE row_id IN (SELECT r.id"
    " FROM budget_budgetrow r JOIN budget_budgettable t ON t.id = r.table_id"
    " WHERE t.item_id = %(item)s)",
    "a cell removed": "DELETE FROM budget_budgetcell WHERE row_id IN (SELECT r.id"
    " FROM budget_budgetrow r JOIN budget_budgettable t ON t.id = r.table_id"
    " WHERE t.item_id = %(item)s)",
    "a row added": "INSERT INTO budget_budgetrow (table_id, position, kind, ref, text, subtract)"
    " SELECT id, 99, 'line', '', 'Snydt', false FROM budget_budgettable WHERE item_id = %(item)s",
    "a row's text": "UPDATE budget_budgetrow SET text = 'Snydt'"
    " WHERE table_id IN (SELECT id FROM budget_budgettable WHERE item_id = %(item)s)",
    "a row removed": "DELETE FROM budget_budgetrow"
    " WHERE table_id IN (SELECT id FROM budget_budgettable WHERE item_id = %(item)s)",
    "a row moved to an open item's table": "UPDATE budget_budgetrow SET table_id = (SELECT id"
    " FROM budget_budgettable WHERE item_id = %(open_item)s LIMIT 1), position = position + 50"
    " WHERE table_id IN (SELECT id FROM budget_budgettable WHERE item_id = %(item)s)",
    "a column relabelled": "UPDATE budget_budgetcolumn SET label = '2019'"
    " WHERE table_id IN (SELECT id FROM budget_budgettable WHERE item_id = %(item)s)",
    "a column added": "INSERT INTO budget_budgetcolumn (table_id, position, label)"
    " SELECT id, 9, '2030' FROM budget_budgettable WHERE item_id = %(item)s",
    "the table's caption": "UPDATE budget_budgettable SET caption = 'Snydt'"
    " WHERE item_id = %(item)s",
    "the table removed": "DELETE FROM budget_budgettable WHERE item_id = %(item)s",
    "the table given to an open item": "UPDATE budget_budgettable SET item_id = %(open_item)s"
    " WHERE item_id = %(item)s",
    "a table added": "INSERT INTO budget_budgettable (item_id, section, position, caption, unit,"
    " ref_heading, text_heading, version, created_at, updated_at)"
    " VALUES (%(item)s, 'okonomi', 5, 'Ny', 'kr.', '', '', 1, now(), now())",
    "an allocation added": "INSERT INTO budget_allocation"
    " (pool_id, item_id, amount, year, permanent, note, created_at)"
    " SELECT pool_id, item_id, 5, year, false, 'Snydt', now() FROM budget_allocation"
    " WHERE item_id = %(item)s",
    "an allocation's amount": "UPDATE budget_allocation SET amount = 1 WHERE item_id = %(item)s",
    "an allocation removed": "DELETE FROM budget_allocation WHERE item_id = %(item)s",
    "an allocation moved to an open item": "UPDATE budget_allocation SET item_id = %(open_item)s"
    " WHERE item_id = %(item)s",
    "every cell of every item": "UPDATE budget_budgetcell SET value = 1",
    "every allocation": "DELETE FROM budget_allocation",
}


def _money(item: AgendaItem) -> dict[str, Any]:
    """The item's money as the approval covers it, read afresh."""
    return budget_review_content(AgendaItem.objects.get(pk=item.pk))


class TestTheMoneyOfALockedItemIsLockedToo:
    @pytest.mark.parametrize("write", list(MONEY_WRITES), ids=list(MONEY_WRITES))
    def test_plain_sql_is_refused_in_danish(self, review: Review, write: str) -> None:
        item = review.item(review.published, 2)
        open_item = review.item(review.draft, 2)
        assert item_is_locked(item) and not item_is_locked(open_item)
        before, open_before = _money(item), _money(open_item)
        assert before["tables"] and before["allocations"]
        error = _refused(
            lambda: _raw_sql_named(MONEY_WRITES[write], item=item.pk, open_item=open_item.pk)
        )
        assert "punkt 2 på mødet 23-04-2018 er afvist, fordi beslutningen er godkendt og låst" in (
            str(error)
        )
        assert (_money(item), _money(open_item)) == (before, open_before)

    def test_a_bulk_update_through_the_orm_is_refused_too(self, review: Review) -> None:
        from budget.models import Allocation, BudgetCell

        item = review.item(review.published, 2)
        before = _money(item)
        _refused(lambda: BudgetCell.objects.update(value=1))
        _refused(lambda: Allocation.objects.filter(item=item).update(note="Snydt"))
        assert _money(item) == before

    def test_the_open_items_money_is_still_editable(self, review: Review) -> None:
        open_item = review.item(review.draft, 2)
        for write in ("a cell's amount", "an allocation's amount", "a row added"):
            _raw_sql_named(MONEY_WRITES[write], item=open_item.pk, open_item=open_item.pk)
        money = _money(open_item)
        assert money["allocations"][0]["amount"] == "1"
        assert "999" in money["tables"][0]["rows"][0]["cells"]

    def test_bookkeeping_is_not_content(self, review: Review) -> None:
        item = review.item(review.published, 2)
        _raw_sql(
            "UPDATE budget_budgettable SET version = version + 1, updated_at = now()"
            " WHERE item_id = %s",
            item.pk,
        )
        assert item_is_locked(item)

    def test_an_approval_landing_after_the_services_check_is_refused_in_danish(
        self, review: Review, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from budget import services as budget_services
        from budget.models import BudgetTable, Pool
        from budget.tables import grid_from_table_data, table_data_from_model

        item = review.item(review.published, 2)
        table = BudgetTable.objects.get(item=item)
        before = _money(item)
        # As if the check ran just before the approval committed: the trigger decides.
        monkeypatch.setattr(budget_services, "budget_locked", lambda item: False)
        grid = grid_from_table_data(table_data_from_model(table))
        grid.caption = "Ændret"
        with pytest.raises(DecisionLocked, match="godkendt og låst"):
            budget_services.budget_table_save(
                table=table, actor=review.people.secretary, grid=grid, version=table.version
            )
        with pytest.raises(DecisionLocked, match="godkendt og låst"):
            budget_services.allocation_create(
                item=item,
                pool=Pool.objects.get(body=review.people.body, year=2018),
                amount=Decimal("5"),
                actor=review.people.secretary,
            )
        assert _money(item) == before


class TestTheSecretaryAfterAReopen:
    """Through the API and the pages, as the secretary works: the approved item's money is
    refused (423, in Danish) until the minutes are reopened, and then taken."""

    def _post_allocation(self, review: Review, item: AgendaItem) -> Any:
        from budget.models import Pool

        pool = Pool.objects.get(body=review.people.body, year=2018)
        return review.people.client_for("secretary").post(
            f"/api/items/{item.pk}/allocations/",
            {"pool": pool.pk, "amount": "5", "permanent": False, "note": "Efterbevilling"},
            content_type="application/json",
        )

    def test_the_api_refuses_then_takes_an_allocation(self, review: Review) -> None:
        item = review.item(review.published, 2)
        refused = self._post_allocation(review, item)
        assert refused.status_code == 423
        assert "genåbne" in refused.json()["detail"]
        assert item.allocations.count() == 1
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        taken = self._post_allocation(review, item)
        assert taken.status_code == 201, taken.content
        assert [a["note"] for a in _money(item)["allocations"]][-1] == "Efterbevilling"

    def test_the_table_editor_saves_after_the_reopen(self, review: Review) -> None:
        from budget.models import BudgetTable
        from tests.budget.test_pages import editor_post

        item = review.item(review.published, 2)
        table = BudgetTable.objects.get(item=item)
        client = review.people.client_for("secretary")
        url = f"/items/{item.pk}/budget/tables/{table.pk}/"
        refused = client.post(url, editor_post(table, **{"row-0-cell-0": "150"}), follow=True)
        assert "genåbnes" in refused.content.decode()
        assert "120" in _money(item)["tables"][0]["rows"][0]["cells"]
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        saved = client.post(url, editor_post(table, **{"row-0-cell-0": "150"}))
        assert saved.status_code == 302
        assert "150" in _money(item)["tables"][0]["rows"][0]["cells"]


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

    def test_the_reopen_is_on_record_with_who_and_why(self, review: Review) -> None:
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        reopen = review.published.transitions.order_by("pk").last()
        assert reopen is not None
        assert (reopen.action, reopen.by, reopen.reason) == (
            MeetingTransition.Action.REOPEN,
            review.people.secretary,
            "Rettelse",
        )
        entries = meeting_history(review.published, user=review.people.secretary)
        assert any(
            e.kind == "MeetingTransition" and e.action == "insert" and e.user_id == reopen.by_id
            for e in entries
        )

    def test_the_database_sets_the_transaction_whatever_the_writer_sends(
        self, review: Review
    ) -> None:
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()::text::bigint")
            (now,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO meetings_meetingtransition"
                " (meeting_id, action, from_status, to_status, by_id, reason, created_at,"
                "  db_transaction)"
                " VALUES (%s, 'reopen', 'genåbnet', 'genåbnet', %s, 'x', now(), 1)"
                " RETURNING db_transaction",
                [review.draft.pk, review.people.secretary.pk],
            )
            assert cursor.fetchone() == (now,)
            cursor.execute("UPDATE meetings_meetingtransition SET db_transaction = 1")
        assert not MeetingTransition.objects.filter(db_transaction=1).exists()
        assert set(MeetingTransition.objects.values_list("db_transaction", flat=True)) == {now}

    def test_a_reopen_counts_only_while_it_is_the_minutes_latest_move(self, review: Review) -> None:
        """The fixture reopened the published minutes in this very transaction, then sent them
        for review and published them: that reopen no longer unlocks anything."""
        item = _locked_item(review)
        assert review.published.transitions.filter(action="reopen").exists()
        _refused(lambda: Decision.objects.filter(item=item).update(locked=False))
        assert item_is_locked(item)


class TestASessionVariableUnlocksNothing:
    """`referat.reopening`, which the database once honoured, is only a name: any connection
    may set it, so it opens nothing."""

    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE meetings_decision SET locked = false WHERE item_id = %s",
            "UPDATE meetings_decision SET text = '<p>Snydt</p>' WHERE item_id = %s",
            "UPDATE budget_budgetcell SET value = 1 WHERE row_id IN (SELECT r.id"
            " FROM budget_budgetrow r JOIN budget_budgettable t ON t.id = r.table_id"
            " WHERE t.item_id = %s)",
            "UPDATE budget_allocation SET amount = 1 WHERE item_id = %s",
        ],
        ids=["unlock", "decision text", "budget cell", "allocation"],
    )
    def test_plain_sql_after_setting_it_is_refused(self, review: Review, sql: str) -> None:
        item = review.item(review.published, 2)
        before = budget_review_content(item), Decision.objects.get(item=item).text

        def write() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('referat.reopening', 'on', true)")
                cursor.execute(sql, [item.pk])

        error = _refused(write)
        assert "godkendt og låst" in str(error)
        fresh = AgendaItem.objects.get(pk=item.pk)
        assert (budget_review_content(fresh), Decision.objects.get(item=item).text) == before
        assert item_is_locked(item)


class TestAReopenInPlainSql:
    def test_it_unlocks_only_by_leaving_the_reopen_on_record(self, review: Review) -> None:
        item = _locked_item(review)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO meetings_meetingtransition"
                " (meeting_id, action, from_status, to_status, by_id, reason, created_at)"
                " VALUES (%s, 'reopen', 'offentliggjort', 'genåbnet', %s, 'Rettet i SQL', now())",
                [review.published.pk, review.people.superuser.pk],
            )
            cursor.execute(
                "UPDATE meetings_decision SET locked = false WHERE item_id = %s", [item.pk]
            )
        assert not item_is_locked(item)
        history = meeting_history(review.published, user=review.people.secretary)
        reopened = next(
            e for e in history if e.kind == "MeetingTransition" and e.action == "insert"
        )
        assert any(c.after == "Rettet i SQL" for c in reopened.changes)

    def test_a_reopen_of_another_meeting_unlocks_nothing_here(self, review: Review) -> None:
        item = _locked_item(review)
        meeting_reopen(meeting=review.in_review, actor=review.people.secretary, reason="Andet")
        _refused(lambda: Decision.objects.filter(item=item).update(locked=False))
        _refused(
            lambda: _raw_sql(
                "UPDATE budget_allocation SET amount = 1 WHERE item_id = %s",
                review.item(review.published, 2).pk,
            )
        )


@pytest.mark.django_db(transaction=True)
class TestAcrossTransactions:
    """As in production, every step in a transaction of its own (the other tests run inside
    one test transaction)."""

    def test_a_reopen_recorded_by_an_earlier_transaction_unlocks_nothing(
        self, review: Review
    ) -> None:
        item = _locked_item(review)
        with connection.cursor() as cursor:  # autocommit: a transaction of its own
            cursor.execute(
                "INSERT INTO meetings_meetingtransition"
                " (meeting_id, action, from_status, to_status, by_id, reason, created_at)"
                " VALUES (%s, 'reopen', 'offentliggjort', 'genåbnet', %s, 'Tidligere', now())",
                [review.published.pk, review.people.superuser.pk],
            )
        _refused(lambda: Decision.objects.filter(item=item).update(locked=False))
        assert item_is_locked(item)

    def test_rewriting_an_earlier_move_into_a_reopen_unlocks_nothing(self, review: Review) -> None:
        item = _locked_item(review)
        published = review.published.transitions.order_by("pk").last()
        assert published is not None and published.action == "publish"

        def rewrite_and_unlock() -> None:
            MeetingTransition.objects.filter(pk=published.pk).update(action="reopen")
            Decision.objects.filter(item=item).update(locked=False)

        _refused(rewrite_and_unlock)
        assert item_is_locked(item)

    def test_a_session_variable_set_for_the_whole_session_unlocks_nothing(
        self, review: Review
    ) -> None:
        item = _locked_item(review)
        _raw_sql("SET referat.reopening = 'on'")
        try:
            _refused(lambda: Decision.objects.filter(item=item).update(locked=False))
        finally:
            _raw_sql("RESET referat.reopening")
        assert item_is_locked(item)

    def test_after_the_reopen_has_committed_the_secretary_edits_in_later_transactions(
        self, review: Review
    ) -> None:
        from budget.models import BudgetTable
        from budget.services import budget_table_save
        from budget.tables import grid_from_table_data, table_data_from_model

        item = review.item(review.published, 2)
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Rettelse")
        updated = item_update(
            actor=review.people.secretary, item=item, version=item.version, title="Rettet titel"
        )
        table = BudgetTable.objects.get(item=item)
        grid = grid_from_table_data(table_data_from_model(table))
        grid.caption = "Rettet tabel"
        budget_table_save(
            table=table, actor=review.people.secretary, grid=grid, version=table.version
        )
        assert updated.title == "Rettet titel"
        assert _money(item)["tables"][0]["caption"] == "Rettet tabel"


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

    def test_a_forced_change_of_a_locked_items_money_is_refused_in_danish(
        self, review: Review
    ) -> None:
        from budget.models import Allocation

        allocation = Allocation.objects.get(item=review.item(review.published, 2))
        client = review.people.client_for("superuser")
        url = f"/admin/budget/allocation/{allocation.pk}/"
        changed = client.post(
            f"{url}change/",
            {
                "pool": allocation.pool_id,
                "item": allocation.item_id,
                "amount": "1",
                "year": allocation.year,
                "note": allocation.note,
            },
            follow=True,
        )
        assert "godkendt og låst" in changed.content.decode()
        deleted = client.post(f"{url}delete/", {"post": "yes"}, follow=True)
        assert "godkendt og låst" in deleted.content.decode()
        assert Allocation.objects.get(pk=allocation.pk).amount == allocation.amount

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
