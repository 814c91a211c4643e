"""The review workflow's services: who may move the minutes, in which state, and what each
move records, locks, unlocks and tells by e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from meetings.access import meeting_reviewers, meeting_signer
from meetings.errors import DecisionLocked, DomainError, Incomplete, InvalidInput, StaleContent
from meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionApproval,
    Meeting,
    MeetingTransition,
    Membership,
)
from meetings.selectors.review import decision_review, fresh_item
from meetings.services.review import (
    decision_approve,
    decision_request_changes,
    meeting_approve,
    meeting_name_signer,
    meeting_publish,
    meeting_reopen,
    meeting_submit_for_review,
    meeting_transition,
)
from tests.review_scenario import CLOSED_TOKEN, Review

pytestmark = pytest.mark.django_db

RUNS_WORKFLOW = {"secretary", "superuser"}
REVIEWS = {"director", "chair"}
ALL = ["secretary", "director", "chair", "staff", "outsider", "superuser"]


def _user(review: Review, role: str):
    return review.chair if role == "chair" else getattr(review.people, role)


def _state(review: Review, status: str) -> Meeting:
    """A meeting of the scenario in the wanted status."""
    secretary = review.people.secretary
    if status == Meeting.Status.DRAFT:
        return review.draft
    if status == Meeting.Status.IN_REVIEW:
        return review.in_review
    if status == Meeting.Status.PUBLISHED:
        return review.published
    meeting = review.draft
    meeting_submit_for_review(meeting=meeting, actor=secretary)
    review.approve_all(meeting)
    if status == Meeting.Status.REOPENED:
        meeting_reopen(meeting=meeting, actor=secretary, reason="Rettelse")
    meeting.refresh_from_db()
    assert meeting.status == status
    return meeting


class TestWhoMayMoveTheMinutes:
    @pytest.mark.parametrize("role", ALL)
    def test_only_the_secretary_or_a_superuser_sends_for_review(
        self, review: Review, role: str
    ) -> None:
        user = _user(review, role)
        if role in RUNS_WORKFLOW:
            meeting_submit_for_review(meeting=review.draft, actor=user)
            review.draft.refresh_from_db()
            assert review.draft.status == Meeting.Status.IN_REVIEW
            transition = review.draft.transitions.get()
            assert transition.by == user
            assert (transition.from_status, transition.to_status) == ("kladde", "til_godkendelse")
        else:
            with pytest.raises(PermissionDenied, match="Kun organets sekretær"):
                meeting_submit_for_review(meeting=review.draft, actor=user)
            review.draft.refresh_from_db()
            assert review.draft.status == Meeting.Status.DRAFT

    @pytest.mark.parametrize("role", ALL)
    def test_only_reviewers_approve_a_decision(self, review: Review, role: str) -> None:
        item = review.item(review.in_review, 1)
        user = _user(review, role)
        if role in REVIEWS:
            approval = decision_approve(item=item, actor=user)
            assert approval.status == DecisionApproval.Status.APPROVED
            assert approval.reviewer == user
        else:
            before = DecisionApproval.objects.count()
            with pytest.raises(PermissionDenied, match="ikke blandt dem, der skal godkende"):
                decision_approve(item=item, actor=user)
            assert DecisionApproval.objects.count() == before

    @pytest.mark.parametrize("role", ALL)
    def test_only_reviewers_ask_for_changes(self, review: Review, role: str) -> None:
        item = review.item(review.in_review, 1)
        user = _user(review, role)
        if role in REVIEWS:
            approval = decision_request_changes(item=item, actor=user, comment="Ret datoen")
            assert approval.status == DecisionApproval.Status.CHANGES_REQUESTED
            assert approval.comment == "Ret datoen"
        else:
            with pytest.raises(PermissionDenied):
                decision_request_changes(item=item, actor=user, comment="Ret datoen")

    @pytest.mark.parametrize("role", ALL)
    def test_only_the_secretary_or_a_superuser_publishes(self, review: Review, role: str) -> None:
        meeting = _state(review, Meeting.Status.APPROVED)
        user = _user(review, role)
        if role in RUNS_WORKFLOW:
            meeting_publish(meeting=meeting, actor=user)
            meeting.refresh_from_db()
            assert meeting.status == Meeting.Status.PUBLISHED
        else:
            with pytest.raises(PermissionDenied):
                meeting_publish(meeting=meeting, actor=user)
            meeting.refresh_from_db()
            assert meeting.status == Meeting.Status.APPROVED

    @pytest.mark.parametrize("role", ALL)
    def test_only_the_secretary_or_a_superuser_reopens(self, review: Review, role: str) -> None:
        user = _user(review, role)
        if role in RUNS_WORKFLOW:
            meeting_reopen(meeting=review.published, actor=user, reason="Forkert dato i punkt 1")
            review.published.refresh_from_db()
            assert review.published.status == Meeting.Status.REOPENED
            assert review.published.transitions.last().reason == "Forkert dato i punkt 1"
        else:
            with pytest.raises(PermissionDenied):
                meeting_reopen(meeting=review.published, actor=user, reason="Forkert dato")
            review.published.refresh_from_db()
            assert review.published.status == Meeting.Status.PUBLISHED

    @pytest.mark.parametrize("role", ["staff", "outsider"])
    def test_outsiders_may_not_even_mark_the_minutes_approved(
        self, review: Review, role: str
    ) -> None:
        with pytest.raises(PermissionDenied):
            meeting_approve(meeting=review.in_review, actor=_user(review, role))


class TestWhichStateAllowsWhat:
    @pytest.mark.parametrize("status", ["til_godkendelse", "godkendt", "offentliggjort"])
    def test_only_a_draft_or_reopened_meeting_is_sent_for_review(
        self, review: Review, status: str
    ) -> None:
        meeting = _state(review, status)
        with pytest.raises(DomainError, match="kan ikke sendes til godkendelse"):
            meeting_submit_for_review(meeting=meeting, actor=review.people.secretary)

    @pytest.mark.parametrize("status", ["kladde", "godkendt", "offentliggjort", "genåbnet"])
    def test_decisions_are_approved_only_under_review(self, review: Review, status: str) -> None:
        meeting = _state(review, status)
        with pytest.raises(DomainError, match="kan ikke godkendes nu"):
            decision_approve(item=review.item(meeting, 1), actor=review.people.director)
        with pytest.raises(DomainError, match="kan ikke kommenteres nu"):
            decision_request_changes(
                item=review.item(meeting, 1), actor=review.people.director, comment="x"
            )

    @pytest.mark.parametrize("status", ["kladde", "til_godkendelse", "offentliggjort", "genåbnet"])
    def test_only_approved_minutes_are_published(self, review: Review, status: str) -> None:
        meeting = _state(review, status)
        with pytest.raises(DomainError, match="kan ikke offentliggøres"):
            meeting_publish(meeting=meeting, actor=review.people.secretary)

    @pytest.mark.parametrize("status", ["kladde", "genåbnet"])
    def test_a_draft_cannot_be_reopened(self, review: Review, status: str) -> None:
        meeting = _state(review, status)
        with pytest.raises(DomainError, match="kan ikke genåbnes"):
            meeting_reopen(meeting=meeting, actor=review.people.secretary, reason="x")

    def test_a_reopen_needs_a_reason(self, review: Review) -> None:
        with pytest.raises(DomainError, match="Skriv en begrundelse"):
            meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="  ")
        review.published.refresh_from_db()
        assert review.published.status == Meeting.Status.PUBLISHED

    def test_a_request_for_changes_needs_a_comment(self, review: Review) -> None:
        with pytest.raises(DomainError, match="Skriv, hvad der skal ændres"):
            decision_request_changes(
                item=review.item(review.in_review, 1), actor=review.chair, comment=" "
            )

    def test_minutes_without_decisions_cannot_be_sent(self, review: Review) -> None:
        Decision.objects.filter(item__meeting=review.draft).delete()
        with pytest.raises(DomainError, match="ingen beslutninger"):
            meeting_submit_for_review(meeting=review.draft, actor=review.people.secretary)

    def test_minutes_with_an_item_undecided_cannot_be_sent_and_say_which(
        self, review: Review
    ) -> None:
        draft = review.draft
        AgendaItem.objects.create(meeting=draft, number=4, title="Eventuelt")
        fifth = AgendaItem.objects.create(meeting=draft, number=5, title="Status på it")
        Decision.objects.create(item=fifth, text="<p>Drøftet.</p>", outcome="")
        AgendaItem.objects.create(meeting=draft, number=6, title="Næste møde")
        with pytest.raises(Incomplete) as refused:
            meeting_submit_for_review(meeting=draft, actor=review.people.secretary)
        assert "punkt 4 og 6 mangler en beslutning" in str(refused.value)
        assert "punkt 5 mangler et udfald" in str(refused.value)
        draft.refresh_from_db()
        assert draft.status == Meeting.Status.DRAFT
        assert not MeetingTransition.objects.filter(meeting=draft).exists()
        # Sent knowingly, the list is kept with the transition.
        meeting_submit_for_review(meeting=draft, actor=review.people.secretary, send_anyway=True)
        draft.refresh_from_db()
        assert draft.status == Meeting.Status.IN_REVIEW
        sent = MeetingTransition.objects.get(meeting=draft)
        assert "Sendt alligevel: punkt 4 og 6 mangler en beslutning" in sent.reason

    def test_minutes_nobody_can_approve_cannot_be_sent(self, review: Review) -> None:
        Attendance.objects.filter(meeting=review.draft).update(present=False)
        with pytest.raises(DomainError, match="Ingen af organets medlemmer deltog") as refused:
            meeting_submit_for_review(meeting=review.draft, actor=review.people.secretary)
        assert "Udpeg, hvem der underskriver referatet" in str(refused.value)

    def test_an_unknown_action_is_named_in_danish(self, review: Review) -> None:
        with pytest.raises(DomainError, match="Ukendt handling “archive”"):
            meeting_transition(
                meeting=review.draft, actor=review.people.secretary, action="archive"
            )


class TestWhoReviews:
    def test_the_members_who_attended_review_and_never_the_secretary(self, review: Review) -> None:
        assert meeting_reviewers(review.draft) == sorted(
            review.reviewers, key=lambda u: u.get_full_name().casefold() or u.username
        )

    def test_a_member_who_sent_apologies_does_not_review(self, review: Review) -> None:
        Attendance.objects.filter(meeting=review.draft, user=review.chair).update(present=False)
        assert meeting_reviewers(review.draft) == [review.people.director]

    def test_every_member_reviews_when_attendance_is_not_recorded(self, review: Review) -> None:
        Attendance.objects.filter(meeting=review.draft).update(user=None)
        assert {u.pk for u in meeting_reviewers(review.draft)} == {
            review.people.director.pk,
            review.chair.pk,
        }

    def test_a_body_can_need_its_chair_only(self, review: Review) -> None:
        review.people.body.review_by_chair_only = True
        review.people.body.save()
        meeting_submit_for_review(meeting=review.draft, actor=review.people.secretary)
        item = review.item(review.draft, 1)
        with pytest.raises(PermissionDenied):
            decision_approve(item=item, actor=review.people.director)
        decision_approve(item=item, actor=review.chair)
        assert Decision.objects.get(item=item).locked

    def test_a_chair_only_body_without_a_chair_cannot_send(self, review: Review) -> None:
        review.people.body.review_by_chair_only = True
        review.people.body.save()
        Membership.objects.filter(user=review.chair).update(role=Membership.Role.MEMBER)
        with pytest.raises(DomainError, match="ingen formand"):
            meeting_submit_for_review(meeting=review.draft, actor=review.people.secretary)


def _nobody_attended(review: Review) -> Meeting:
    """The draft, every member having sent afbud (the secretary took part)."""
    Attendance.objects.filter(meeting=review.draft).exclude(user=review.people.secretary).update(
        present=False
    )
    return review.draft


class TestASignerWhenNoMemberAttended:
    def test_the_named_member_signs_and_the_minutes_go_through_review(
        self, review: Review, django_capture_on_commit_callbacks
    ) -> None:
        secretary, chair = review.people.secretary, review.chair
        meeting = _nobody_attended(review)
        with pytest.raises(DomainError, match="Udpeg, hvem der underskriver referatet"):
            meeting_submit_for_review(meeting=meeting, actor=secretary)
        meeting_name_signer(meeting=meeting, actor=secretary, signer_id=chair.pk)
        meeting.refresh_from_db()
        assert meeting.signer == chair
        assert meeting_signer(meeting) == chair
        assert meeting_reviewers(meeting) == [chair]
        named = MeetingTransition.objects.get(meeting=meeting)
        assert (named.action, named.by, named.signer) == ("name_signer", secretary, chair)
        assert named.get_action_display() == "Underskriver udpeget"
        assert named.from_status == named.to_status == Meeting.Status.DRAFT

        with django_capture_on_commit_callbacks(execute=True):
            meeting_submit_for_review(meeting=meeting, actor=secretary)
        assert [m.to for m in mail.outbox] == [[chair.email]]  # asked to approve
        item = review.item(meeting, 1)
        with pytest.raises(PermissionDenied):
            decision_approve(item=item, actor=review.people.director)  # sent afbud
        for item in meeting.items.order_by("number"):
            decision_approve(item=item, actor=chair)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.APPROVED

    @pytest.mark.parametrize("who", ["staff", "secretary", "outsider", "superuser"])
    def test_the_signer_must_be_the_chair_or_a_member_of_the_body(
        self, review: Review, who: str
    ) -> None:
        meeting = _nobody_attended(review)
        with pytest.raises(InvalidInput) as refused:
            meeting_name_signer(
                meeting=meeting,
                actor=review.people.secretary,
                signer_id=getattr(review.people, who).pk,
            )
        assert str(refused.value) == (
            "Den valgte person er ikke formand eller medlem af Direktionen og kan ikke "
            "underskrive referatet. Vælg et af organets medlemmer."
        )
        meeting.refresh_from_db()
        assert meeting.signer is None
        assert not MeetingTransition.objects.filter(meeting=meeting).exists()

    def test_nobody_chosen_is_refused_in_danish(self, review: Review) -> None:
        with pytest.raises(InvalidInput, match="Vælg, hvem der underskriver referatet"):
            meeting_name_signer(
                meeting=_nobody_attended(review), actor=review.people.secretary, signer_id=None
            )

    @pytest.mark.parametrize("role", ["director", "chair", "staff", "outsider"])
    def test_only_the_secretary_names_the_signer(self, review: Review, role: str) -> None:
        with pytest.raises(PermissionDenied):
            meeting_name_signer(
                meeting=_nobody_attended(review),
                actor=_user(review, role),
                signer_id=review.chair.pk,
            )

    def test_no_signer_is_named_while_members_attended(self, review: Review) -> None:
        with pytest.raises(DomainError, match="Medlemmer af organet deltog i mødet"):
            meeting_name_signer(
                meeting=review.draft, actor=review.people.secretary, signer_id=review.chair.pk
            )

    def test_no_signer_is_named_for_minutes_under_review(self, review: Review) -> None:
        with pytest.raises(DomainError, match="kan ikke få udpeget en underskriver"):
            meeting_name_signer(
                meeting=review.in_review, actor=review.people.secretary, signer_id=review.chair.pk
            )

    def test_members_recorded_as_attending_after_all_review_instead(self, review: Review) -> None:
        meeting = _nobody_attended(review)
        meeting_name_signer(
            meeting=meeting, actor=review.people.secretary, signer_id=review.chair.pk
        )
        Attendance.objects.filter(meeting=meeting, user=review.people.director).update(present=True)
        meeting.refresh_from_db()
        assert meeting_reviewers(meeting) == [review.people.director]
        assert meeting_signer(meeting) is None


class TestApproving:
    def test_an_approval_is_bound_to_the_hash_of_the_exact_content(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        approval = decision_approve(item=item, actor=review.people.director)
        state = decision_review(fresh_item(item.pk), review.reviewers)
        assert approval.text_hash == state.text_hash
        assert len(approval.text_hash) == 64
        assert approval.content["decision"]["text"] == "<p>Godkendt.</p>"

    def test_approving_twice_leaves_one_record(self, review: Review) -> None:
        item = review.item(review.in_review, 2)
        first = decision_approve(item=item, actor=review.chair)
        second = decision_approve(item=item, actor=review.chair)
        assert first.pk == second.pk
        assert (
            DecisionApproval.objects.filter(decision__item=item, reviewer=review.chair).count() == 1
        )

    def test_the_decision_locks_when_every_reviewer_has_approved(self, review: Review) -> None:
        item = review.item(review.in_review, 1)  # the chair approved it in the scenario
        assert not Decision.objects.get(item=item).locked
        decision_approve(item=item, actor=review.people.director)
        assert Decision.objects.get(item=item).locked

    def test_the_minutes_are_approved_with_the_last_decision_and_the_secretary_told(
        self, review: Review, django_capture_on_commit_callbacks
    ) -> None:
        meeting = review.in_review
        with django_capture_on_commit_callbacks(execute=True):
            for number in (1, 2, 3):
                decision_approve(item=review.item(meeting, number), actor=review.people.director)
            decision_approve(item=review.item(meeting, 3), actor=review.chair)
            meeting.refresh_from_db()
            assert meeting.status == Meeting.Status.IN_REVIEW
            decision_approve(item=review.item(meeting, 2), actor=review.chair)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.APPROVED
        last = meeting.transitions.last()
        assert (last.action, last.by) == (MeetingTransition.Action.APPROVE, review.chair)
        assert [m.to for m in mail.outbox] == [[review.people.secretary.email]]
        assert "Referatet er godkendt" in mail.outbox[0].subject
        assert f"/meetings/{meeting.pk}/review/" in mail.outbox[0].body

    def test_a_changed_item_voids_earlier_approvals_and_shows_the_diff(
        self, review: Review
    ) -> None:
        item = review.item(review.in_review, 1)
        Decision.objects.filter(item=item).update(text="<p>Godkendt med ændret tidsplan.</p>")
        state = decision_review(fresh_item(item.pk), review.reviewers)
        chair = state.verdict_of(review.chair)
        assert chair.state == "pending" and chair.changed_since
        assert "bortfaldet" in chair.label
        lines = [(line.kind, line.text) for hunk in state.diff_for(review.chair) for line in hunk]
        assert ("removed", "Godkendt.") in lines
        assert ("added", "Godkendt med ændret tidsplan.") in lines
        decision_approve(item=item, actor=review.people.director)
        assert not Decision.objects.get(item=item).locked  # the chair's approval no longer counts
        decision_approve(item=item, actor=review.chair)
        decision = Decision.objects.get(item=item)
        assert decision.locked and decision.review_round == 2

    def test_an_approval_of_a_text_read_before_a_change_is_refused(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        seen = decision_review(fresh_item(item.pk), review.reviewers).text_hash
        Decision.objects.filter(item=item).update(text="<p>Afvist.</p>")
        with pytest.raises(StaleContent, match="Punktet er ændret, siden du åbnede det"):
            decision_approve(item=item, actor=review.people.director, text_hash=seen)
        assert not DecisionApproval.objects.filter(
            decision__item=item, reviewer=review.people.director
        ).exists()

    def test_changes_asked_for_reach_the_secretary_and_the_reviewer_sees_what_changed(
        self, review: Review, django_capture_on_commit_callbacks
    ) -> None:
        item = review.item(review.in_review, 1)
        with django_capture_on_commit_callbacks(execute=True):
            decision_request_changes(
                item=item, actor=review.people.director, comment="Tilføj datoen for kontrakten."
            )
        assert mail.outbox[0].to == [review.people.secretary.email]
        assert "Tilføj datoen for kontrakten." in mail.outbox[0].body
        assert "punkt 1" in mail.outbox[0].subject
        state = decision_review(fresh_item(item.pk), review.reviewers)
        assert state.verdict_of(review.people.director).state == "changes_requested"
        assert [a.comment for a in state.open_change_requests] == ["Tilføj datoen for kontrakten."]

        Decision.objects.filter(item=item).update(
            text="<p>Godkendt. Kontrakten løber fra 1-7-2018.</p>"
        )
        state = decision_review(fresh_item(item.pk), review.reviewers)
        assert state.open_change_requests == []
        hunks = state.diff_for(review.people.director)
        added = [line.text for hunk in hunks for line in hunk if line.kind == "added"]
        assert added == ["Godkendt. Kontrakten løber fra 1-7-2018."]

    def test_a_mail_about_a_closed_item_does_not_carry_its_comment(
        self, review: Review, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            decision_request_changes(
                item=review.item(review.in_review, 2),
                actor=review.chair,
                comment=f"Navnet {CLOSED_TOKEN} skal ud",
            )
        assert CLOSED_TOKEN not in mail.outbox[0].subject + mail.outbox[0].body
        assert "Punktet er lukket" in mail.outbox[0].body

    def test_reviewers_are_mailed_when_the_minutes_are_sent(
        self, review: Review, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            meeting_submit_for_review(meeting=review.draft, actor=review.people.secretary)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in review.reviewers)
        message = mail.outbox[0]
        assert message.subject == "Referat til godkendelse: Direktionen 25-06-2018"
        assert "3 beslutninger venter på godkendelse" in message.body
        assert f"/meetings/{review.draft.pk}/review/" in message.body
        assert CLOSED_TOKEN not in message.body

    def test_a_locked_decision_takes_no_more_requests_for_changes(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        decision_approve(item=item, actor=review.people.director)  # the chair approved already
        with pytest.raises(DecisionLocked, match="godkendt og låst"):
            decision_request_changes(item=item, actor=review.chair, comment="Ret")

    def test_reopened_minutes_with_nothing_changed_are_approved_again_at_once(
        self, review: Review
    ) -> None:
        meeting_reopen(meeting=review.published, actor=review.people.secretary, reason="Tjek")
        meeting_submit_for_review(meeting=review.published, actor=review.people.secretary)
        review.published.refresh_from_db()
        assert review.published.status == Meeting.Status.APPROVED


class TestReopenAndPublish:
    def test_reopening_unlocks_and_voids_only_what_then_changes(self, review: Review) -> None:
        meeting = review.published
        secretary = review.people.secretary
        assert set(
            Decision.objects.filter(item__meeting=meeting).values_list("locked", flat=True)
        ) == {True}
        meeting_reopen(
            meeting=meeting, actor=secretary, reason="Beslutningen i punkt 2 var forkert"
        )
        assert set(
            Decision.objects.filter(item__meeting=meeting).values_list("locked", flat=True)
        ) == {False}
        Decision.objects.filter(item__number=2, item__meeting=meeting).update(
            text="<p>Rettet beslutning.</p>"
        )
        meeting_submit_for_review(meeting=meeting, actor=secretary)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.IN_REVIEW
        assert Decision.objects.get(item__meeting=meeting, item__number=1).locked
        assert not Decision.objects.get(item__meeting=meeting, item__number=2).locked
        review.approve_all(meeting)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.APPROVED
        assert [t.action for t in meeting.transitions.all()][-4:] == [
            "publish", "reopen", "submit_for_review", "approve",
        ]  # fmt: skip

    def test_publishing_hands_the_meeting_to_the_renderer_named_in_the_settings(
        self, review: Review, settings
    ) -> None:
        rendered.clear()
        settings.PUBLIC_MINUTES_RENDERER = "tests.meetings.services.test_review.record_rendering"
        meeting = _state(review, Meeting.Status.APPROVED)
        meeting_publish(meeting=meeting, actor=review.people.secretary)
        assert rendered == [(meeting.pk, Meeting.Status.PUBLISHED)]

    def test_publishing_queues_the_public_pdf_without_closed_content(
        self, review: Review, django_capture_on_commit_callbacks
    ) -> None:
        from pdf.models import PdfJob

        meeting = _state(review, Meeting.Status.APPROVED)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            meeting_publish(meeting=meeting, actor=review.people.secretary)
        job = PdfJob.objects.get(meeting=meeting)
        assert (job.variant, job.document, job.status) == ("public", "minutes", "queued")
        assert "Udbud af KMD driftskontrakt" in job.html
        assert CLOSED_TOKEN not in job.html
        assert any("pdf_job_dispatch" in repr(c) for c in callbacks)  # sent after commit

    def test_a_failing_renderer_leaves_the_minutes_unpublished(
        self, review: Review, settings
    ) -> None:
        settings.PUBLIC_MINUTES_RENDERER = "tests.meetings.services.test_review.broken_rendering"
        meeting = _state(review, Meeting.Status.APPROVED)
        with pytest.raises(RuntimeError):
            meeting_publish(meeting=meeting, actor=review.people.secretary)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.APPROVED

    def test_explicit_approval_names_what_is_missing(self, review: Review) -> None:
        with pytest.raises(DomainError, match="punkt 1, 2, 3 mangler godkendelse"):
            meeting_approve(meeting=review.in_review, actor=review.people.secretary)

    def test_explicit_approval_catches_up_when_a_reviewer_leaves(self, review: Review) -> None:
        meeting = review.in_review
        for number in (1, 2, 3):
            decision_approve(item=review.item(meeting, number), actor=review.people.director)
        Attendance.objects.filter(meeting=meeting, user=review.chair).update(present=False)
        meeting_approve(meeting=meeting, actor=review.people.secretary)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.APPROVED


rendered: list[tuple[int, str]] = []


def record_rendering(meeting: Meeting) -> None:
    # Called inside the publish transaction: the meeting is already published there.
    rendered.append((meeting.pk, Meeting.objects.get(pk=meeting.pk).status))


def broken_rendering(meeting: Meeting) -> None:
    raise RuntimeError("the PDF could not be queued")
