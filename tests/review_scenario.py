"""Minutes in the review workflow, built through the real services, shared by the workflow,
history, page, API and permission-matrix tests (registered in tests/conftest.py).

Every piece of closed content carries CLOSED_TOKEN (ASCII, so no escaping can hide it): a test
that must not see closed content asserts the token's bytes are absent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from budget.models import Allocation, BudgetTable, Pool
from budget.services import allocation_delete, budget_table_create, budget_table_delete
from budget.tables import Grid, GridRow
from meetings.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Recommendation,
    RecommendationClause,
)
from meetings.services.attachments import attachment_remove
from meetings.services.items import DecisionInput, item_update
from meetings.services.review import (
    decision_approve,
    decision_request_changes,
    meeting_publish,
    meeting_reopen,
    meeting_submit_for_review,
)
from tests.conftest import People
from tests.factories import CaseFactory, MembershipFactory, UserFactory

CLOSED_TOKEN = "LukketQx7"
# What the public may read of the closed item's decision: free of the token.
PUBLIC_DECISION = "Direktionen godkendte indstillingen i personalesagen."
# The published closed item's title once it is made public with its confidential text removed.
OPENED_TITLE = "Personalesag – fratrædelse efter aftale"
CLOSED_FILE_BYTES = b"%PDF-1.4 LukketQx7 fortroligt bilag"


def make_minutes(
    people: People, *, day: dt.date, reviewers: list[Any], closed_case: str = "17/171"
) -> Meeting:
    """A draft meeting of Direktionen: item 1 open with a recommendation and decision, item 2
    closed (every field carrying the token) with a decision and a file, item 3 without a
    decision. Attendance is recorded against the reviewers and the secretary."""
    meeting = Meeting.objects.create(
        body=people.body,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12, 30))),
        location="Mødelokale B105",
        status=Meeting.Status.DRAFT,
    )
    for position, user in enumerate([*reviewers, people.secretary], start=1):
        Attendance.objects.create(
            meeting=meeting,
            name=user.get_full_name() or user.username,
            user=user,
            role="sekretær" if user == people.secretary else "medlem",
            position=position,
        )
    open_item = AgendaItem.objects.create(
        meeting=meeting,
        number=1,
        title="Udbud af KMD driftskontrakt",
        case=CaseFactory(number="17/8444", title="KMD"),
        background="<p>Direktionen traf beslutning om udbud.</p>",
    )
    rec = Recommendation.objects.create(item=open_item, unit="ØDC", lead_in="Det indstilles,")
    RecommendationClause.objects.create(
        recommendation=rec, position=1, text="at tidsplanen tages til efterretning"
    )
    Decision.objects.create(
        item=open_item, text="<p>Godkendt.</p>", outcome=Decision.Outcome.APPROVED, decided_on=day
    )
    closed_item = AgendaItem.objects.create(
        meeting=meeting,
        number=2,
        title=f"Personalesag {CLOSED_TOKEN}",
        case=CaseFactory(number=closed_case),
        closed=True,
        background=f"<p>Baggrund {CLOSED_TOKEN} om fratrædelse.</p>",
    )
    Decision.objects.create(
        item=closed_item,
        text=f"<p>Beslutning {CLOSED_TOKEN}: fratrædelsen godkendes.</p>",
        outcome=Decision.Outcome.APPROVED,
        decided_on=day,
        public_text=PUBLIC_DECISION,
    )
    Attachment.objects.create(
        item=closed_item,
        title=f"Aftale {CLOSED_TOKEN}",
        file=ContentFile(CLOSED_FILE_BYTES, name="aftale.pdf"),
        content_type="application/pdf",
        size=len(CLOSED_FILE_BYTES),
    )
    other_matters = AgendaItem.objects.create(
        meeting=meeting, number=3, title="Øvrige sager", case=CaseFactory(number="17/22360")
    )
    Decision.objects.create(
        item=other_matters,
        text="<p>Ingen.</p>",
        outcome=Decision.Outcome.NOTED,
        decided_on=day,
    )
    # The closed item's money: a budget table and a draw on the body's pool.
    budget_table_create(
        item=closed_item,
        actor=people.secretary,
        grid=Grid(
            caption=f"Fratrædelsesløn {CLOSED_TOKEN}",
            columns=["2018"],
            rows=[GridRow(text="Løn i opsigelsesperioden", cells=["120"])],
        ),
    )
    pool, _created = Pool.objects.get_or_create(
        body=people.body,
        name="Personalepuljen",
        year=day.year,
        defaults={"amount": Decimal("1000"), "unit": "1.000 kr."},
    )
    Allocation.objects.create(
        pool=pool,
        item=closed_item,
        amount=Decimal("120"),
        year=day.year,
        note=f"Godtgørelse {CLOSED_TOKEN}",
    )
    return meeting


@dataclass
class Review:
    people: People
    chair: User  # a second director, the body's chair
    draft: Meeting  # kladde
    in_review: Meeting  # til godkendelse; changes asked for on the closed item
    published: Meeting  # approved by both directors and published

    @property
    def reviewers(self) -> list[Any]:
        return [self.people.director, self.chair]

    def client_for(self, role: str) -> Client:
        """A logged-in client for a role of People, or for "chair"."""
        if role != "chair":
            return self.people.client_for(role)
        client = Client()
        client.force_login(self.chair)
        return client

    def item(self, meeting: Meeting, number: int) -> AgendaItem:
        return meeting.items.get(number=number)

    def approve_all(self, meeting: Meeting) -> None:
        for item in meeting.items.filter(decision__locked=False).order_by("number"):
            for reviewer in self.reviewers:
                decision_approve(item=item, actor=reviewer)


def open_closed_item_to_the_public(review: Review) -> AgendaItem:
    """The published minutes' closed item made public: the minutes are reopened, the item is
    opened with its confidential text cleaned out (title, background and decision rewritten,
    the attachment and the money removed), a director asks for a change in a comment that
    names the old content, both directors approve, and the minutes are published again. The
    item's history still holds its closed past: for the body, never for anyone else.

    Not part of `build_review`, which many tests share: only the tests about it pay for it."""
    secretary = review.people.secretary
    meeting = review.published
    meeting_reopen(meeting=meeting, actor=secretary, reason="Punkt 2 gøres offentligt")
    item = review.item(meeting, 2)
    item = item_update(
        actor=secretary,
        item=item,
        version=item.version,
        closed=False,
        title=OPENED_TITLE,
        background="<p>Direktøren fratræder efter aftale.</p>",
        decision=DecisionInput(text="<p>Godkendt.</p>", outcome="godkendt"),
    )
    attachment_remove(actor=secretary, attachment=item.attachments.get())
    for table in BudgetTable.objects.filter(item=item):
        budget_table_delete(table=table, actor=secretary)
    for allocation in Allocation.objects.filter(item=item):
        allocation_delete(allocation=allocation, actor=secretary)
    meeting_submit_for_review(meeting=meeting, actor=secretary)
    decision_request_changes(
        item=item,
        actor=review.people.director,
        comment=f"Kommentar {CLOSED_TOKEN}: nævn ikke beløbet.",
    )
    review.approve_all(meeting)
    meeting.refresh_from_db()
    meeting_publish(meeting=meeting, actor=secretary)
    meeting.refresh_from_db()
    return item


def build_review(people: People) -> Review:
    chair = UserFactory(username="formand", first_name="Birgitte", last_name="Dam")
    MembershipFactory(user=chair, body=people.body, role=Membership.Role.CHAIR)
    reviewers = [people.director, chair]
    draft = make_minutes(people, day=dt.date(2018, 6, 25), reviewers=reviewers)
    in_review = make_minutes(
        people, day=dt.date(2018, 5, 28), reviewers=reviewers, closed_case="17/172"
    )
    published = make_minutes(
        people, day=dt.date(2018, 4, 23), reviewers=reviewers, closed_case="17/173"
    )
    review = Review(people, chair, draft, in_review, published)

    meeting_submit_for_review(meeting=published, actor=people.secretary)
    review.approve_all(published)
    # A reopen whose reason speaks of the closed item: the reason is the body's alone.
    meeting_reopen(
        meeting=published, actor=people.secretary, reason=f"Datoen i {CLOSED_TOKEN} var forkert"
    )
    meeting_submit_for_review(meeting=published, actor=people.secretary)
    published.refresh_from_db()
    meeting_publish(meeting=published, actor=people.secretary)

    meeting_submit_for_review(meeting=in_review, actor=people.secretary)
    decision_request_changes(
        item=review.item(in_review, 2),
        actor=people.director,
        comment=f"Kommentar {CLOSED_TOKEN}: skriv fratrædelsesdatoen.",
    )
    decision_approve(item=review.item(in_review, 1), actor=chair)
    for meeting in (draft, in_review, published):
        meeting.refresh_from_db()
    return review


@pytest.fixture
def review(people: People) -> Review:
    return build_review(people)
