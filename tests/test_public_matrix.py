"""The public: the review scenario's body made public (as Byrådet is), with the draft meeting's
agenda published before its minutes. On every path an anonymous visitor, a logged-in outsider
and a member can take, three kinds of hidden content are searched for by their bytes:

- a closed item's content (CLOSED_TOKEN), the body's alone;
- a draft decision of the meeting whose agenda alone is published (DRAFT_TOKEN), the body's
  until the minutes are published;
- an internal attachment of an open item (INTERNAL_TOKEN), the body's alone;

and what the public must get is asserted present: the published closed item's public
decision, the agenda's items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponseBase

from meetings.models import Attachment, Decision, Meeting
from meetings.services.publication import meeting_publish_agenda
from tests.review_scenario import CLOSED_TOKEN, PUBLIC_DECISION, Review
from tests.test_closed_item_matrix import ALL_ROLES, CLOSED_ACCESS, body_bytes, pdf_text

DRAFT_TOKEN = "KladdeZv4"
INTERNAL_TOKEN = "InterntWp2"
HIDDEN = (CLOSED_TOKEN, DRAFT_TOKEN, INTERNAL_TOKEN)
OPEN_TITLE = "Udbud af KMD driftskontrakt"
OUTSIDE = frozenset({"anonymous", "staff", "outsider"})


@dataclass(frozen=True)
class PublicPath:
    name: str
    url: Callable[[Review], str]
    # What each reader outside the body must find there (the public's part of the page).
    shown_outside: tuple[str, ...] = ()
    # The readers outside the body who get the page at all (others: 404, or the login).
    open_to: frozenset[str] = OUTSIDE
    read: Callable[[HttpResponseBase], bytes] = body_bytes
    prepare: Callable[[Review], None] = field(default=lambda r: None)


def _render(meeting_of: Callable[[Review], Meeting], document: str) -> Callable[[Review], None]:
    """Make the current public PDF now, as the worker would, so the address serves the file."""

    def prepare(r: Review) -> None:
        from pdf import services

        job = services.pdf_request(
            meeting=meeting_of(r),
            variant="public",
            document=document,
            actor=None,
        )
        services.pdf_job_run(job_id=job.pk)

    return prepare


def _attachment(r: Review, meeting: str, number: int) -> int:
    return Attachment.objects.filter(item=r.item(getattr(r, meeting), number)).order_by("pk")[0].pk


PATHS = [
    PublicPath(
        "published meeting page",
        lambda r: f"/meetings/{r.published.pk}/",
        shown_outside=(PUBLIC_DECISION, OPEN_TITLE),
    ),
    PublicPath(
        "meeting page of a published agenda",
        lambda r: f"/meetings/{r.draft.pk}/",
        shown_outside=(OPEN_TITLE,),
    ),
    PublicPath(
        "meeting page under review", lambda r: f"/meetings/{r.in_review.pk}/", open_to=frozenset()
    ),
    PublicPath(
        "case page of the published closed item",
        lambda r: "/cases/17-173/",
        shown_outside=(PUBLIC_DECISION,),
    ),
    PublicPath(
        "case page across the meetings", lambda r: "/cases/17-8444/", shown_outside=(OPEN_TITLE,)
    ),
    PublicPath(
        "case page of the agenda's closed item",
        lambda r: "/cases/17-171/",
        shown_outside=("Lukket",),
    ),
    PublicPath(
        "closed item's attachment",
        lambda r: f"/attachments/{_attachment(r, 'published', 2)}/",
        open_to=frozenset(),
    ),
    PublicPath(
        "internal attachment",
        lambda r: f"/attachments/{_attachment(r, 'draft', 1)}/",
        open_to=frozenset(),
    ),
    PublicPath(
        "public minutes PDF",
        lambda r: f"/meetings/{r.published.pk}/minutes.pdf",
        shown_outside=(PUBLIC_DECISION, OPEN_TITLE),
        read=pdf_text,
        prepare=_render(lambda r: r.published, "minutes"),
    ),
    PublicPath(
        "public agenda PDF of the published agenda",
        lambda r: f"/meetings/{r.draft.pk}/agenda.pdf",
        shown_outside=(OPEN_TITLE,),
        read=pdf_text,
        prepare=_render(lambda r: r.draft, "agenda"),
    ),
    PublicPath(
        "minutes PDF of a published agenda",
        lambda r: f"/meetings/{r.draft.pk}/minutes.pdf",
        open_to=frozenset(),
        read=pdf_text,
    ),
    PublicPath(
        "review page of a published agenda",
        lambda r: f"/meetings/{r.draft.pk}/review/",
        open_to=frozenset(),
    ),
    PublicPath(
        "history of an item of a published agenda",
        lambda r: f"/items/{r.item(r.draft, 1).pk}/history/",
        open_to=frozenset(),
    ),
    PublicPath(
        "API meeting of a published agenda",
        lambda r: f"/api/meetings/{r.draft.pk}/",
        shown_outside=(OPEN_TITLE,),
        open_to=frozenset({"staff", "outsider"}),
    ),
    PublicPath(
        "API item of a published agenda",
        lambda r: f"/api/items/{r.item(r.draft, 1).pk}/",
        shown_outside=(OPEN_TITLE,),
        open_to=frozenset({"staff", "outsider"}),
    ),
    PublicPath(
        "API votes of an item of a published agenda",
        lambda r: f"/api/items/{r.item(r.draft, 1).pk}/votes/",
        open_to=frozenset(),
    ),
    # Feeds and the calendar (read as a feed reader gets them: no login).
    PublicPath(
        "the body's Atom feed",
        lambda r: "/feeds/bodies/direktionen/",
        shown_outside=("<feed", "Dagsorden"),
    ),
    PublicPath(
        "the body's calendar",
        lambda r: "/calendars/direktionen.ics",
        shown_outside=("BEGIN:VCALENDAR",),
    ),
    PublicPath(
        "the closed item's case feed",
        lambda r: "/feeds/cases/17/173/",
        shown_outside=(PUBLIC_DECISION,),
    ),
    PublicPath("the case feed of the agenda's item", lambda r: "/feeds/cases/17/8444/"),
    # Search: words of the closed content, of the draft decision and of the internal
    # attachment's title, never the tokens themselves (a search box echoes its query).
    PublicPath("search by the closed content", lambda r: "/search/?q=fratrædelse"),
    PublicPath("search by the draft decision", lambda r: "/search/?q=udbuddet"),
    PublicPath("search by the internal attachment", lambda r: "/search/?q=notat"),
    PublicPath(
        "search by the agenda", lambda r: "/search/?q=driftskontrakt", shown_outside=(OPEN_TITLE,)
    ),
    PublicPath(
        "API meeting, published",
        lambda r: f"/api/meetings/{r.published.pk}/",
        shown_outside=(PUBLIC_DECISION,),
        open_to=frozenset({"staff", "outsider"}),
    ),
]


@pytest.fixture
def public_review(review: Review) -> Review:
    people = review.people
    people.body.public = True
    people.body.save(update_fields=["public"])
    Decision.objects.filter(item=review.item(review.draft, 1)).update(
        text=f"<p>Kladde {DRAFT_TOKEN}: udbuddet godkendes.</p>"
    )
    Attachment.objects.create(
        item=review.item(review.draft, 1),
        title=f"Notat {INTERNAL_TOKEN}",
        file=ContentFile(f"%PDF-1.4 {INTERNAL_TOKEN}".encode(), name="notat.pdf"),
        content_type="application/pdf",
        internal=True,
    )
    meeting_publish_agenda(
        meeting=review.draft, actor=people.secretary, reason="Arkivets møde fra 2018."
    )
    review.draft.refresh_from_db()
    return review


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_the_public_gets_its_part_and_nothing_hidden(
    public_review: Review, path: PublicPath
) -> None:
    review = public_review
    path.prepare(review)
    url = path.url(review)
    failures = []
    for role in ALL_ROLES:
        with transaction.atomic():
            response = review.people.client_for(role).get(url)
            content = path.read(response)
            transaction.set_rollback(True)
        if role in CLOSED_ACCESS:
            continue  # the body's own: the closed-item matrix covers what they see
        for token in HIDDEN:
            if token.encode() in content:
                failures.append(f"{role}: SAW {token} (status {response.status_code})")
        if response.status_code >= 500:
            failures.append(f"{role}: server error {response.status_code}")
        if role in path.open_to:
            if response.status_code != 200:
                failures.append(f"{role}: status {response.status_code}, expected 200")
            for wanted in path.shown_outside:
                if wanted.encode() not in content:
                    failures.append(f"{role}: {wanted!r} is missing")
        elif response.status_code == 200:
            failures.append(f"{role}: got the page (200), expected a refusal")
    assert not failures, f"{path.name} ({url}):\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_body_still_reads_the_draft_and_its_internal_attachment(public_review: Review) -> None:
    review = public_review
    page = review.people.client_for("director").get(f"/meetings/{review.draft.pk}/")
    assert DRAFT_TOKEN.encode() in page.content
    assert INTERNAL_TOKEN.encode() in page.content
    assert b"Kun internt" in page.content


@pytest.mark.django_db
def test_an_internal_bodys_meetings_and_every_draft_answer_404_to_the_public(
    public_review: Review,
) -> None:
    review = public_review
    anonymous = review.people.client_for("anonymous")
    other = review.people.other_body  # internal
    from tests.factories import MeetingFactory

    internal_published = MeetingFactory(body=other, status="offentliggjort")
    for url in (
        f"/meetings/{internal_published.pk}/",
        f"/meetings/{review.in_review.pk}/",
        f"/meetings/{internal_published.pk}/minutes.pdf",
        f"/meetings/{review.in_review.pk}/agenda.pdf",
    ):
        assert anonymous.get(url).status_code == 404, url
