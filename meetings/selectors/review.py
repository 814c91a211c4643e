"""Reads of the review workflow: who reviews a meeting's minutes, the content a reviewer
approves and its hash, what changed since a reviewer last looked, and what awaits whom.

State changes live in meetings/services/review.py; everything here only reads. Callers that show
item content must have started from `AgendaItem.objects.visible_to(user)` / `listed_for(user)`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from common.hashing import canonical_json
from common.hashing import content_hash as common_hash
from meetings.access import meeting_reviewers
from meetings.models import (
    AgendaItem,
    Decision,
    DecisionApproval,
    Meeting,
    Membership,
    Recommendation,
)
from meetings.selectors.items import with_sections

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from meetings.models import AnyUser

# Statuses in which reviewers act on the decisions.
REVIEW_STATUSES = (Meeting.Status.IN_REVIEW,)


# --- who ------------------------------------------------------------------------------------


# --- what is approved -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPart:
    """A part of an item that a higher app keeps (budget tables and allocations) and that the
    approval covers all the same: what it adds to the approved content, how a reviewer reads it
    as lines, and the relations to prefetch for it. Registered by the app at start-up, so the
    core knows nothing of the app's tables."""

    key: str
    content: Callable[[AgendaItem], Any]
    lines: Callable[[Any], list[str]]
    prefetch: tuple[str, ...] = ()


_PARTS: dict[str, ReviewPart] = {}


def register_review_part(part: ReviewPart) -> None:
    """Make `part` a part of every item's approved content (idempotent by key)."""
    _PARTS[part.key] = part


def item_review_content(item: AgendaItem) -> dict[str, Any]:
    """The item as the reviewers approve it: everything the minutes will say about it.

    Its number is left out (renumbering is not a change of content), and everything that
    prints is in: sections, recommendation, decision, attachments, and the registered parts
    (budget tables and allocations). Uses the item's prefetched relations when there are any;
    a service must pass a freshly read item.
    """
    try:
        rec: Recommendation | None = item.recommendation
    except Recommendation.DoesNotExist:
        rec = None
    try:
        decision: Decision | None = item.decision
    except Decision.DoesNotExist:
        decision = None
    return {
        "title": item.title,
        "case": item.case.number if item.case_id and item.case else "",
        "closed": item.closed,
        "background": item.background,
        "presentation": item.presentation,
        "economy": item.economy,
        "recommendation": None
        if rec is None
        else {
            "unit": rec.unit,
            "lead_in": rec.lead_in,
            "numbered": rec.numbered,
            "note": rec.note,
            "clauses": [c.text for c in sorted(rec.clauses.all(), key=lambda c: c.position)],
        },
        "decision": None
        if decision is None
        else {
            "outcome": decision.outcome,
            "decided_on": decision.decided_on.isoformat() if decision.decided_on else "",
            "text": decision.text,
        },
        "attachments": [
            {"title": a.title, "file": a.file.name or "", "size": a.size}
            for a in sorted(item.attachments.all(), key=lambda a: (a.position, a.pk))
        ],
        # A part the item does not have is left out, so the hash of such an item is as it was.
        **{key: found for key, part in sorted(_PARTS.items()) if (found := part.content(item))},
    }


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the content's canonical JSON: any change of any byte gives a new hash."""
    return common_hash(canonical_json(content))


def fresh_item(item_id: int) -> AgendaItem:
    """The item read anew from the database, with what item_review_content needs."""
    items = with_sections(AgendaItem.objects.all()).prefetch_related(*review_part_prefetch())
    return items.get(pk=item_id)


def review_part_prefetch() -> list[str]:
    """The relations the registered parts read, for a query of items under review."""
    return [name for part in _PARTS.values() for name in part.prefetch]


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset(
        {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "blockquote"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS or tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_lines(html: str) -> list[str]:
    """Readable lines of sanitised HTML, for diffs and e-mails."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    text = unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return [line for line in lines if line]


def _danish_date(iso: str | None) -> str:
    """The content keeps dates in ISO (it is hashed); people read them as the minutes do."""
    if not iso:
        return ""
    try:
        return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def content_lines(content: dict[str, Any]) -> list[str]:
    """The content as the lines a reviewer reads, section by section."""
    lines = [
        _("Titel: %(title)s") % {"title": content.get("title", "")},
        _("Sagsnummer: %(case)s") % {"case": content.get("case") or "–"},
        _("Lukket punkt: %(closed)s") % {"closed": _("ja") if content.get("closed") else _("nej")},
    ]

    def section(heading: str, html: str) -> None:
        body = html_to_lines(html)
        if body:
            lines.append(f"[{heading}]")
            lines.extend(body)

    section(_("Baggrund"), content.get("background", ""))
    rec = content.get("recommendation")
    if rec:
        lines.append(f"[{_('Indstilling')}]")
        lead = " ".join(part for part in (rec.get("unit", ""), rec.get("lead_in", "")) if part)
        if lead:
            lines.append(lead)
        for number, clause in enumerate(rec.get("clauses", []), start=1):
            marker = f"{number}." if rec.get("numbered") else "•"
            lines.append(f"{marker} {clause}")
        lines.extend(html_to_lines(rec.get("note", "")))
    decision = content.get("decision")
    if decision:
        outcome = dict(Decision.Outcome.choices).get(decision.get("outcome", ""), "")
        heading = _("Beslutning")
        details = ", ".join(
            str(p) for p in (outcome, _danish_date(decision.get("decided_on"))) if p
        )
        lines.append(f"[{heading}{' – ' + details if details else ''}]")
        lines.extend(html_to_lines(decision.get("text", "")))
    section(_("Sagsfremstilling"), content.get("presentation", ""))
    section(_("Økonomi"), content.get("economy", ""))
    attachments = content.get("attachments", [])
    if attachments:
        lines.append(f"[{_('Bilag')}]")
        lines.extend(f"• {a.get('title', '')}" for a in attachments)
    for key, part in sorted(_PARTS.items()):
        if content.get(key):
            lines.extend(part.lines(content[key]))
    return lines


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


def content_diff(
    old: dict[str, Any], new: dict[str, Any], context: int = 2
) -> list[list[DiffLine]]:
    """What changed between two contents, as hunks of lines with a little context."""
    a, b = content_lines(old), content_lines(new)
    hunks: list[list[DiffLine]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        hunk: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk.extend(DiffLine("same", line) for line in a[i1:i2])
                continue
            hunk.extend(DiffLine("removed", line) for line in a[i1:i2])
            hunk.extend(DiffLine("added", line) for line in b[j1:j2])
        hunks.append(hunk)
    return hunks


# --- where each decision stands -----------------------------------------------------------------


def current_round(decision: Decision, text_hash: str) -> int:
    """The round the decision's content is in: a new one once the content has changed."""
    if decision.review_hash in ("", text_hash):
        return decision.review_round
    return decision.review_round + 1


def approval_counts(approval: DecisionApproval, decision: Decision, text_hash: str) -> bool:
    """An approval counts only for the exact content approved, in the current round."""
    return (
        approval.status == DecisionApproval.Status.APPROVED
        and approval.text_hash == text_hash
        and approval.round == current_round(decision, text_hash)
    )


@dataclass
class Verdict:
    """Where one reviewer stands on one decision."""

    reviewer: User
    state: str  # "approved", "changes_requested", "pending"
    latest: DecisionApproval | None = None
    # The reviewer approved or commented on an earlier version of the content.
    changed_since: bool = False

    @property
    def label(self) -> str:
        if self.state == "approved":
            return _("Godkendt")
        if self.state == "changes_requested":
            return _("Ændringer ønsket")
        if self.changed_since and self.latest is not None:
            if self.latest.status == DecisionApproval.Status.APPROVED:
                return _("Godkendelsen er bortfaldet – punktet er ændret")
            return _("Punktet er ændret efter ønsket om ændringer")
        return _("Afventer")


@dataclass
class DecisionReview:
    """One item's decision under review, as one user may read it."""

    item: AgendaItem
    decision: Decision
    content: dict[str, Any]
    text_hash: str
    verdicts: list[Verdict]
    history: list[DecisionApproval] = field(default_factory=list)
    # Filled in for the user a page is shown to.
    my_verdict: Verdict | None = None
    my_diff: list[list[DiffLine]] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.decision.locked

    @property
    def complete(self) -> bool:
        return bool(self.verdicts) and all(v.state == "approved" for v in self.verdicts)

    def verdict_of(self, user: AnyUser) -> Verdict | None:
        for verdict in self.verdicts:
            if verdict.reviewer.pk == user.pk:
                return verdict
        return None

    def diff_for(self, user: AnyUser) -> list[list[DiffLine]]:
        """What changed since the user last approved or commented, if anything."""
        verdict = self.verdict_of(user)
        if verdict is None or verdict.latest is None or not verdict.changed_since:
            return []
        return content_diff(verdict.latest.content, self.content)

    @property
    def open_change_requests(self) -> list[DecisionApproval]:
        """Requests for changes the secretary has not yet acted on (the content is the same)."""
        return [
            v.latest
            for v in self.verdicts
            if v.state == "changes_requested" and v.latest is not None
        ]


def decision_review(
    item: AgendaItem, reviewers: list[User], approvals: list[DecisionApproval] | None = None
) -> DecisionReview:
    """Where the item's decision stands with each reviewer. `approvals` may be prefetched."""
    decision = item.decision
    content = item_review_content(item)
    text_hash = content_hash(content)
    if approvals is None:
        approvals = list(decision.approvals.select_related("reviewer").order_by("round", "pk"))
    round_now = current_round(decision, text_hash)
    latest: dict[int, DecisionApproval] = {}
    for approval in sorted(approvals, key=lambda a: (a.round, a.updated_at, a.pk)):
        latest[approval.reviewer_id] = approval
    verdicts = []
    for reviewer in reviewers:
        last = latest.get(reviewer.pk)
        if last is None:
            verdicts.append(Verdict(reviewer, "pending"))
        elif approval_counts(last, decision, text_hash):
            verdicts.append(Verdict(reviewer, "approved", last))
        elif last.round == round_now and last.text_hash == text_hash:
            verdicts.append(Verdict(reviewer, "changes_requested", last))
        else:
            verdicts.append(Verdict(reviewer, "pending", last, changed_since=True))
    return DecisionReview(item, decision, content, text_hash, verdicts, approvals)


def _approvals_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "decision__approvals",
        queryset=DecisionApproval.objects.select_related("reviewer").order_by("round", "pk"),
    )


def meeting_decision_reviews(meeting: Meeting, user: AnyUser) -> list[tuple[AgendaItem, Any]]:
    """The meeting's items as the user may read them, each with its DecisionReview when the
    item has a decision and its content is visible to the user (otherwise None)."""
    reviewers = meeting_reviewers(meeting)
    items = (
        with_sections(
            AgendaItem.objects.listed_for(user).filter(meeting=meeting), attachments_for=user
        )
        .select_related("meeting__body")
        .prefetch_related(_approvals_prefetch(), *review_part_prefetch())
        .order_by("number")
    )
    rows: list[tuple[AgendaItem, Any]] = []
    for item in items:
        review = None
        if getattr(item, "content_visible", False) and _has_decision(item):
            review = decision_review(item, reviewers, list(item.decision.approvals.all()))
        rows.append((item, review))
    return rows


def _has_decision(item: AgendaItem) -> bool:
    try:
        item.decision  # noqa: B018 - touching the relation is the test
    except Decision.DoesNotExist:
        return False
    return True


# --- what awaits whom ("Mine opgaver") ------------------------------------------------------


@dataclass
class MeetingTasks:
    meeting: Meeting
    to_approve: list[DecisionReview] = field(default_factory=list)
    changes_requested: list[DecisionReview] = field(default_factory=list)
    ready_to_publish: bool = False

    @property
    def empty(self) -> bool:
        return not (self.to_approve or self.changes_requested or self.ready_to_publish)


def tasks_for(user: AnyUser) -> list[MeetingTasks]:
    """What awaits the user: decisions to approve (as reviewer), requests for changes to act
    on and approved minutes to publish (as secretary). Only visible items are considered."""
    if not user.is_authenticated or not user.is_active:
        return []
    body_ids = list(Membership.objects.filter(user=user).values_list("body_id", flat=True))
    secretary_of = set(
        Membership.objects.filter(user=user, role=Membership.Role.SECRETARY).values_list(
            "body_id", flat=True
        )
    )
    meetings: QuerySet[Meeting] = (
        Meeting.objects.visible_to(user)
        .filter(body_id__in=body_ids)
        .filter(
            Q(status=Meeting.Status.IN_REVIEW)
            | Q(status=Meeting.Status.APPROVED, body_id__in=secretary_of)
        )
        .select_related("body")
        .order_by("starts_at")
    )
    result: list[MeetingTasks] = []
    for meeting in meetings:
        tasks = MeetingTasks(meeting)
        is_secretary = meeting.body_id in secretary_of
        if meeting.status == Meeting.Status.APPROVED:
            tasks.ready_to_publish = is_secretary
        else:
            reviewers = meeting_reviewers(meeting)
            is_reviewer = any(r.pk == user.pk for r in reviewers)
            for _item, review in meeting_decision_reviews(meeting, user):
                if review is None or review.locked:
                    continue
                verdict = review.verdict_of(user)
                review.my_verdict = verdict
                if is_reviewer and verdict is not None and verdict.state != "approved":
                    tasks.to_approve.append(review)
                if is_secretary and review.open_change_requests:
                    tasks.changes_requested.append(review)
        if not tasks.empty:
            result.append(tasks)
    return result


def item_change_requests(item: AgendaItem) -> list[DecisionApproval]:
    """Every request for changes made on the item's decision, newest first, for the editor.
    The caller must have checked that the user may see the item."""
    return list(
        DecisionApproval.objects.filter(
            decision__item=item, status=DecisionApproval.Status.CHANGES_REQUESTED
        )
        .select_related("reviewer")
        .order_by("-updated_at", "-pk")
    )
