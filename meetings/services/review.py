"""The review workflow of a meeting's minutes: kladde → til godkendelse → godkendt →
offentliggjort, and genåbnet with a reason.

Every state change is a service here: keyword-only, in one transaction, checking who acts and
the current state, raising DomainError / PermissionDenied with a Danish message, and recording
who did it (a MeetingTransition or DecisionApproval row, plus pghistory's event rows with the
acting user in their context). Views, the API and commands call these; they never change the
workflow's state themselves.

Minutes no member attended have nobody to approve them until the secretary names a member
of the body to sign (`meeting_name_signer`). An archive import, the one way minutes come in
published without going through review here, is recorded by `minutes_archive_record`.

Approving locks: when every reviewer has approved an item as it stands, its decision is
`locked` and the database refuses any change to the item's content and money (migrations
meetings 0005 and 0014, budget 0005) until `meeting_reopen`. Edit paths use meetings/locks.py
to refuse such edits with a Danish `DecisionLocked` error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from meetings import mail
from meetings.access import (
    bodies_editable_by,
    meeting_needs_signer,
    meeting_reviewers,
    signer_candidates,
    user_runs_workflow,
)
from meetings.errors import DecisionLocked, DomainError, Incomplete, InvalidInput, StaleContent
from meetings.locks import locked_message
from meetings.models import AgendaItem, Decision, DecisionApproval, Meeting, MeetingTransition
from meetings.selectors.protocol import closed_items_lacking_public_decision
from meetings.selectors.review import (
    approval_counts,
    content_hash,
    fresh_item,
    html_to_lines,
    item_review_content,
)
from meetings.services._common import lock_meeting
from meetings.services.publication import meeting_publish_agenda, meeting_publish_supplement

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = Meeting.Status


# --- helpers of the services --------------------------------------------------------------------


def _require_workflow_runner(actor: User, meeting: Meeting) -> None:
    if not user_runs_workflow(actor, meeting):
        raise PermissionDenied(_("Kun organets sekretær kan ændre referatets status."))


def _require_reviewer(actor: User, reviewers: list[User]) -> None:
    if not any(r.pk == actor.pk for r in reviewers):
        raise PermissionDenied(_("Du er ikke blandt dem, der skal godkende dette referat."))


def _status_refusal(meeting: Meeting, wanted: str) -> DomainError:
    return DomainError(
        _("Referatet har status “%(status)s” og kan ikke %(wanted)s.")
        % {"status": meeting.get_status_display(), "wanted": wanted}
    )


def _move(meeting: Meeting, *, to: str, action: str, actor: User, reason: str = "") -> None:
    MeetingTransition.objects.create(
        meeting=meeting,
        action=action,
        from_status=meeting.status,
        to_status=to,
        by=actor,
        reason=reason,
    )
    meeting.status = to
    meeting.save(update_fields=["status", "updated_at"])


def _sync_round(decision: Decision, text_hash: str) -> None:
    """Start a new review round when the content differs from the round's content."""
    if decision.review_hash == text_hash:
        return
    if decision.review_hash:
        decision.review_round += 1
    decision.review_hash = text_hash
    decision.save(update_fields=["review_round", "review_hash"])


def _lock_if_complete(
    decision: Decision, reviewers: list[User], text_hash: str | None = None
) -> bool:
    """Lock the decision when every reviewer's approval counts for its current content
    (`text_hash` when the caller has just computed it under the decision's row lock)."""
    if decision.locked:
        return True
    if text_hash is None:
        text_hash = content_hash(item_review_content(fresh_item(decision.item_id)))
    _sync_round(decision, text_hash)
    approvals = list(decision.approvals.filter(round=decision.review_round))
    approved_by = {a.reviewer_id for a in approvals if approval_counts(a, decision, text_hash)}
    if reviewers and all(r.pk in approved_by for r in reviewers):
        decision.locked = True
        decision.save(update_fields=["locked"])
        return True
    return False


def _meeting_decisions(meeting: Meeting) -> list[Decision]:
    """The meeting's decisions, locked for update in a fixed order (no deadlocks)."""
    return list(
        Decision.objects.select_for_update()
        .filter(item__meeting=meeting)
        .order_by("item__number", "pk")
    )


def _missing_numbers(meeting: Meeting) -> list[int]:
    return list(
        Decision.objects.filter(item__meeting=meeting, locked=False)
        .order_by("item__number")
        .values_list("item__number", flat=True)
    )


def _numbers(numbers: list[int]) -> str:
    """Item numbers as Danish prose: "3", "3 og 5", "3, 4 og 7"."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + _(" og ") + words[-1]


def _incompleteness(meeting: Meeting) -> str:
    """What keeps the minutes from review: items with no decision text, and decisions with no
    outcome (Godkendt, Taget til efterretning …). Empty when every item has both."""
    no_text, no_outcome = [], []
    for item in AgendaItem.objects.filter(meeting=meeting).select_related("decision"):
        decision = getattr(item, "decision", None)
        if decision is None or not html_to_lines(decision.text or ""):
            no_text.append(item.number)
        elif not decision.outcome:
            no_outcome.append(item.number)
    problems = []
    if no_text:
        problems.append(
            _("punkt %(numbers)s mangler en beslutning") % {"numbers": _numbers(sorted(no_text))}
        )
    if no_outcome:
        problems.append(
            _("punkt %(numbers)s mangler et udfald (f.eks. Godkendt eller Taget til efterretning)")
            % {"numbers": _numbers(sorted(no_outcome))}
        )
    return "; ".join(problems)


def _require_public_decisions(meeting: Meeting) -> None:
    """Decisions taken behind closed doors are published too, as their public text: refuse to
    send or publish minutes whose closed items lack it (it cannot be added once approved)."""
    lacking = closed_items_lacking_public_decision(meeting)
    if lacking:
        raise DomainError(
            _(
                "Lukket punkt %(numbers)s mangler en offentlig beslutning: det, offentligheden "
                "må læse om, hvad der blev besluttet. Skriv den under »Offentlig beslutning« "
                "i punktets protokol."
            )
            % {"numbers": _numbers(lacking)}
        )


def _approve_meeting(meeting: Meeting, *, actor: User) -> None:
    _move(meeting, to=Status.APPROVED, action=MeetingTransition.Action.APPROVE, actor=actor)
    transaction.on_commit(partial(mail.mail_minutes_approved, meeting_id=meeting.pk))


def _reviewers_turn(
    item: AgendaItem, actor: User, wanted: str
) -> tuple[Meeting, list[User], Decision]:
    """Lock the item's meeting and decision for a reviewer's verdict: the minutes must be under
    review and the actor one of their reviewers."""
    meeting = lock_meeting(item.meeting_id)
    if meeting.status != Status.IN_REVIEW:
        raise _status_refusal(meeting, wanted)
    reviewers = meeting_reviewers(meeting)
    _require_reviewer(actor, reviewers)
    return meeting, reviewers, _locked_decision(item)


def _record_verdict(
    decision: Decision,
    actor: User,
    status: str,
    content: dict[str, Any],
    text_hash: str,
    comment: str,
) -> DecisionApproval:
    """The reviewer's one verdict of this round, bound to the content it was given on."""
    approval, _created = DecisionApproval.objects.update_or_create(
        decision=decision,
        reviewer=actor,
        round=decision.review_round,
        defaults={"status": status, "text_hash": text_hash, "content": content, "comment": comment},
    )
    return approval


# --- the services -------------------------------------------------------------------------------


@transaction.atomic
def meeting_submit_for_review(
    *, meeting: Meeting, actor: User, send_anyway: bool = False
) -> Meeting:
    """Send the minutes to the reviewers (kladde or genåbnet → til godkendelse).

    Only the body's secretary (or a superuser). The minutes need at least one decision and at
    least one reviewer. After a reopen, decisions whose content is unchanged keep their
    approvals and are locked again at once; when that covers all of them the minutes are
    approved in the same step. The reviewers who have something to approve get an e-mail.

    Items with no decision text, and decisions with no outcome, are named and the minutes are
    not sent (`Incomplete`), unless the secretary chose `send_anyway` having seen the list
    (some items, e.g. "Øvrige sager", rightly have none): the transition then records it.
    """
    with pghistory.context(user=actor.pk, service="meeting_submit_for_review"):
        meeting = lock_meeting(meeting.pk)
        _require_workflow_runner(actor, meeting)
        if meeting.status not in (Status.DRAFT, Status.REOPENED):
            raise _status_refusal(meeting, _("sendes til godkendelse"))
        decisions = _meeting_decisions(meeting)
        if not decisions:
            raise DomainError(
                _("Referatet har ingen beslutninger at godkende. Skriv mindst én beslutning.")
            )
        _require_public_decisions(meeting)
        incomplete = _incompleteness(meeting)
        if incomplete and not send_anyway:
            raise Incomplete(
                _(
                    "Referatet er ikke færdigt: %(problems)s. Skriv det, der mangler, eller send "
                    "referatet alligevel."
                )
                % {"problems": incomplete}
            )
        reviewers = meeting_reviewers(meeting)
        if not reviewers:
            if meeting.body.review_by_chair_only:
                raise DomainError(_("Organet har ingen formand til at godkende referatet."))
            raise DomainError(
                _(
                    "Ingen af organets medlemmer deltog i mødet. Udpeg, hvem der underskriver "
                    "referatet (f.eks. formanden), og send det så til godkendelse."
                )
            )
        _move(
            meeting,
            to=Status.IN_REVIEW,
            action=MeetingTransition.Action.SUBMIT_FOR_REVIEW,
            actor=actor,
            reason=_("Sendt alligevel: %(problems)s.") % {"problems": incomplete}
            if incomplete
            else "",
        )
        # Every decision is looked at (no short-circuit): each unchanged one is locked again.
        locked = [_lock_if_complete(d, reviewers) for d in decisions]
        if all(locked):
            _approve_meeting(meeting, actor=actor)
        else:
            transaction.on_commit(
                partial(
                    mail.mail_review_requested,
                    meeting_id=meeting.pk,
                    reviewer_ids=[r.pk for r in reviewers],
                )
            )
        return meeting


@transaction.atomic
def decision_approve(
    *, item: AgendaItem, actor: User, text_hash: str | None = None, comment: str = ""
) -> DecisionApproval:
    """The reviewer approves the item's decision as it stands now.

    Only a reviewer of the meeting, while the minutes are til godkendelse. The approval is
    bound to the exact content (its hash); when `text_hash` is given (the version the reviewer
    read) and the item has changed since, StaleContent is raised and nothing is recorded.
    Approving twice is harmless: the reviewer's approval of this content is returned. When every
    reviewer has approved, the decision is locked; when every decision is locked, the minutes
    are approved and the secretary is told. Concurrent approvals of one meeting are serialised
    on the meeting row, so none is lost.
    """
    with pghistory.context(user=actor.pk, service="decision_approve"):
        meeting, reviewers, decision = _reviewers_turn(item, actor, _("godkendes nu"))
        if decision.locked:
            mine = decision.approvals.filter(
                reviewer=actor, round=decision.review_round, status=DecisionApproval.Status.APPROVED
            ).first()
            if mine is not None:
                return mine
            raise DecisionLocked(locked_message())
        content = item_review_content(fresh_item(item.pk))
        current = content_hash(content)
        if text_hash and text_hash != current:
            raise StaleContent(
                _(
                    "Punktet er ændret, siden du åbnede det. Se ændringerne igennem, og "
                    "godkend derefter igen."
                )
            )
        _sync_round(decision, current)
        existing = DecisionApproval.objects.filter(
            decision=decision, reviewer=actor, round=decision.review_round
        ).first()
        if existing is not None and approval_counts(existing, decision, current):
            return existing
        approval = _record_verdict(
            decision, actor, DecisionApproval.Status.APPROVED, content, current, comment.strip()
        )
        if _lock_if_complete(decision, reviewers, current) and not _missing_numbers(meeting):
            _approve_meeting(meeting, actor=actor)
        return approval


@transaction.atomic
def decision_request_changes(*, item: AgendaItem, actor: User, comment: str) -> DecisionApproval:
    """The reviewer asks for changes to the item, saying what in `comment` (required).

    Only a reviewer, while the minutes are til godkendelse and the decision is not yet locked.
    The request is bound to the content the reviewer saw, so the diff they see later shows
    exactly what the secretary changed. The secretary is told by e-mail.
    """
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(_("Skriv, hvad der skal ændres."))
    with pghistory.context(user=actor.pk, service="decision_request_changes"):
        _meeting, _reviewers, decision = _reviewers_turn(item, actor, _("kommenteres nu"))
        if decision.locked:
            raise DecisionLocked(locked_message())
        content = item_review_content(fresh_item(item.pk))
        current = content_hash(content)
        _sync_round(decision, current)
        approval = _record_verdict(
            decision, actor, DecisionApproval.Status.CHANGES_REQUESTED, content, current, comment
        )
        transaction.on_commit(partial(mail.mail_changes_requested, approval_id=approval.pk))
        return approval


@transaction.atomic
def meeting_approve(*, meeting: Meeting, actor: User) -> Meeting:
    """Mark the minutes approved (til godkendelse → godkendt) once every decision is.

    Normally this happens by itself with the last approval; calling it re-checks (e.g. after
    the body's reviewers changed) and refuses, naming the items still awaiting approval.
    The secretary, a superuser or a reviewer may call it.
    """
    with pghistory.context(user=actor.pk, service="meeting_approve"):
        meeting = lock_meeting(meeting.pk)
        reviewers = meeting_reviewers(meeting)
        if not user_runs_workflow(actor, meeting):
            _require_reviewer(actor, reviewers)
        if meeting.status != Status.IN_REVIEW:
            raise _status_refusal(meeting, _("godkendes"))
        decisions = _meeting_decisions(meeting)
        if not decisions:
            raise DomainError(_("Referatet har ingen beslutninger at godkende."))
        for decision in decisions:
            _lock_if_complete(decision, reviewers)
        missing = _missing_numbers(meeting)
        if missing:
            raise DomainError(
                _("Referatet kan ikke godkendes endnu: punkt %(numbers)s mangler godkendelse.")
                % {"numbers": ", ".join(str(n) for n in missing)}
            )
        _approve_meeting(meeting, actor=actor)
        return meeting


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor: User) -> Meeting:
    """Publish approved minutes (godkendt → offentliggjort): every logged-in user may then
    read them, closed items showing only "Lukket". In the same transaction the council's
    public PDF is queued through settings.PUBLIC_MINUTES_RENDERER; the worker gets it after
    commit. Only the body's secretary (or a superuser)."""
    with pghistory.context(user=actor.pk, service="meeting_publish"):
        meeting = lock_meeting(meeting.pk)
        _require_workflow_runner(actor, meeting)
        if meeting.status != Status.APPROVED:
            raise _status_refusal(meeting, _("offentliggøres – det skal først godkendes"))
        _require_public_decisions(meeting)
        _move(meeting, to=Status.PUBLISHED, action=MeetingTransition.Action.PUBLISH, actor=actor)
        minutes_published(meeting=meeting)
        return meeting


@transaction.atomic
def meeting_reopen(*, meeting: Meeting, actor: User, reason: str) -> Meeting:
    """Reopen minutes under review, approved or published (→ genåbnet), saying why.

    Only the body's secretary (or a superuser). Unlocks every decision of the meeting: this is
    the only way they are unlocked. The database unlocks a decision only in the transaction
    that has recorded its meeting's reopen (migration 0014), so the transition is written
    first. Approvals stay on record but count only for content that is then left unchanged;
    whatever is edited must be approved again.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Skriv en begrundelse for at genåbne referatet."))
    with pghistory.context(user=actor.pk, service="meeting_reopen"):
        meeting = lock_meeting(meeting.pk)
        _require_workflow_runner(actor, meeting)
        if meeting.status not in (Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED):
            raise _status_refusal(meeting, _("genåbnes"))
        _move(
            meeting,
            to=Status.REOPENED,
            action=MeetingTransition.Action.REOPEN,
            actor=actor,
            reason=reason,
        )
        # The reopen just recorded is what lets the lock trigger clear `locked`.
        Decision.objects.filter(item__meeting=meeting, locked=True).update(locked=False)
        return meeting


@transaction.atomic
def meeting_name_signer(*, meeting: Meeting, actor: User, signer_id: int | None) -> Meeting:
    """Name the member of the body who signs minutes that no member attended (every one
    sent afbud), so that they can go through review: the named member is then their one
    reviewer (access.meeting_reviewers). Naming another replaces the first.

    Only the body's secretary (or a superuser), while the minutes are kladde or genåbnet and
    no member attended. The signer must be the chair or a member of the body (InvalidInput,
    Danish, otherwise). Recorded as a transition "Underskriver udpeget" naming the signer.
    """
    with pghistory.context(user=actor.pk, service="meeting_name_signer"):
        meeting = lock_meeting(meeting.pk)
        _require_workflow_runner(actor, meeting)
        if meeting.status not in (Status.DRAFT, Status.REOPENED):
            raise _status_refusal(meeting, _("få udpeget en underskriver"))
        if not meeting_needs_signer(meeting):
            raise DomainError(
                _(
                    "Medlemmer af organet deltog i mødet, og de godkender referatet. En "
                    "underskriver udpeges kun, når ingen af medlemmerne deltog."
                )
            )
        if signer_id is None:
            raise InvalidInput(_("Vælg, hvem der underskriver referatet."))
        signer = next((u for u in signer_candidates(meeting) if u.pk == signer_id), None)
        if signer is None:
            raise InvalidInput(
                _(
                    "Den valgte person er ikke formand eller medlem af %(body)s og kan ikke "
                    "underskrive referatet. Vælg et af organets medlemmer."
                )
                % {"body": meeting.body.name}
            )
        if meeting.signer_id == signer.pk:
            return meeting
        MeetingTransition.objects.create(
            meeting=meeting,
            action=MeetingTransition.Action.NAME_SIGNER,
            from_status=meeting.status,
            to_status=meeting.status,
            by=actor,
            signer=signer,
        )
        meeting.signer = signer
        meeting.save(update_fields=["signer", "updated_at"])
        return meeting


@dataclass(frozen=True)
class ArchivedMinutes:
    """One meeting an archive import has just written as published: from which status, and
    the file it came from."""

    meeting_id: int
    from_status: str
    file_name: str
    file_sha256: str


def minutes_archive_record(*, actor: User, archived: Sequence[ArchivedMinutes]) -> None:
    """Record an archive import (exchange/load.py, `import_minutes --archive`): for each
    meeting, a transition "Importeret som arkiv" to offentliggjort by `actor`, naming the file
    and its SHA-256. The import writes the status itself, in bulk and in the caller's
    transaction; this is its record. Only a secretary of each meeting's body, or a superuser,
    may archive: PermissionDenied otherwise, and the caller's transaction is rolled back."""
    if not archived:
        return
    if not (actor.is_active and actor.is_superuser):
        meetings = Meeting.objects.filter(pk__in=[a.meeting_id for a in archived])
        allowed = set(bodies_editable_by(actor).values_list("pk", flat=True))
        if set(meetings.values_list("body_id", flat=True)) - allowed:
            raise PermissionDenied(_("Kun organets sekretær kan importere referater som arkiv."))
    MeetingTransition.objects.bulk_create(
        MeetingTransition(
            meeting_id=a.meeting_id,
            action=MeetingTransition.Action.IMPORT_ARCHIVE,
            from_status=a.from_status,
            to_status=Status.PUBLISHED,
            by=actor,
            file_name=a.file_name[:500],
            file_sha256=a.file_sha256,
        )
        for a in archived
    )


def _locked_decision(item: AgendaItem) -> Decision:
    try:
        return Decision.objects.select_for_update().get(item_id=item.pk)
    except Decision.DoesNotExist:
        raise DomainError(_("Punktet har ingen beslutning at godkende.")) from None


# --- one entry point for the API and the pages ------------------------------------------------


TRANSITION_ACTIONS = (
    "publish_agenda",
    "publish_supplement",
    "submit_for_review",
    "approve",
    "publish",
    "reopen",
)


def meeting_transition(
    *, meeting: Meeting, actor: User, action: str, reason: str = "", send_anyway: bool = False
) -> Meeting:
    """Run the named transition of the meeting's agenda or minutes (see TRANSITION_ACTIONS)."""
    if action == "publish_agenda":
        return meeting_publish_agenda(meeting=meeting, actor=actor, reason=reason)
    if action == "publish_supplement":
        return meeting_publish_supplement(meeting=meeting, actor=actor, reason=reason)
    if action == "submit_for_review":
        return meeting_submit_for_review(meeting=meeting, actor=actor, send_anyway=send_anyway)
    if action == "approve":
        return meeting_approve(meeting=meeting, actor=actor)
    if action == "publish":
        return meeting_publish(meeting=meeting, actor=actor)
    if action == "reopen":
        return meeting_reopen(meeting=meeting, actor=actor, reason=reason)
    raise InvalidInput(
        _("Ukendt handling “%(action)s”. Mulige: %(actions)s.")
        % {"action": action, "actions": ", ".join(TRANSITION_ACTIONS)}
    )


# --- after publishing -----------------------------------------------------------------------------


def minutes_published(*, meeting: Meeting) -> None:
    """Hand just-published minutes to the renderer of the council's public PDF, named in one
    place (settings.PUBLIC_MINUTES_RENDERER). It runs inside the publish transaction and only
    queues the work: the job is sent to the worker after commit, and rolled back with it."""
    renderer: Callable[[Meeting], object] = import_string(settings.PUBLIC_MINUTES_RENDERER)
    renderer(meeting)
