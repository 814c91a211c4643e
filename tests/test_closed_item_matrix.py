"""Every role × every path that can show a closed item: the closed content's bytes reach
exactly the roles that may see it — the body's secretary and members, and superusers — and
nobody else, on pages, JSON, downloads, budget tables and pools, and the PDFs' text.

The scenario (tests/review_scenario.py) has a published meeting and a meeting under review,
each with a closed item whose every field, attachment and review comment carries CLOSED_TOKEN.
The token is ASCII, so no HTML or JSON escaping can hide it from the byte search.

To cover a new path, add one line to PATHS:

    ClosedPath("search snippets", lambda r: "/search/?q=LukketQx7"),
    ClosedPath("API search", lambda r: "/api/search/?q=fratrædelse"),

`shown_to` is the set of roles that must see the closed content on that path (default: the
roles with access); every other role must not get a single byte of it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponseBase

from budget.models import Allocation
from meetings.models import Addendum, Membership, Remark
from meetings.services.protocol import (
    AbsenceInput,
    addendum_add,
    item_participation_set,
    remark_save,
    vote_record,
)
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS
from tests.review_scenario import (
    CLOSED_TOKEN,
    PUBLIC_DECISION,
    Review,
    open_closed_item_to_the_public,
)

ALL_ROLES = [*ROLES, "anonymous"]
CLOSED_ACCESS = frozenset(ROLES_WITH_CLOSED_ACCESS)
# "Mine opgaver" lists only what awaits the user: a superuser outside the body has no tasks.
BODY_MEMBERS = frozenset({"secretary", "director"})
# The editor is the secretary's (and a superuser's); a director reads but does not edit.
EDITORS = frozenset({"secretary", "superuser"})
NOBODY: frozenset[str] = frozenset()
TOKEN = CLOSED_TOKEN.encode()


def body_bytes(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def pdf_text(response: HttpResponseBase) -> bytes:
    """The text of a PDF response, as a reader of the PDF would get it (for PDF paths); a
    refusal (HTML or JSON) is read as it is."""
    import pdfplumber

    raw = body_bytes(response)
    if not raw.startswith(b"%PDF"):
        return raw
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return text.encode() + raw


@dataclass(frozen=True)
class ClosedPath:
    name: str
    url: Callable[[Review], str]
    shown_to: frozenset[str] = CLOSED_ACCESS
    method: str = "get"
    data: Callable[[Review], dict[str, Any]] = field(default=lambda r: {})
    read: Callable[[HttpResponseBase], bytes] = body_bytes


def closed(meeting_of: Callable[[Review], Any]) -> Callable[[Review], int]:
    return lambda r: r.item(meeting_of(r), 2).pk


published_closed = closed(lambda r: r.published)
review_closed = closed(lambda r: r.in_review)


def pool_of(r: Review) -> int:
    return Allocation.objects.get(item_id=published_closed(r)).pool_id


def rendered_pdf(variant: str, then: str = "download") -> Callable[[Review], str]:
    """Render the published minutes' PDF of this variant (WeasyPrint, in this process, as the
    worker would) and give the URL of its download or status."""

    def url(r: Review) -> str:
        from pdf import services

        job = services.pdf_request(
            meeting=r.published, variant=variant, document="minutes", actor=r.people.secretary
        )
        services.pdf_job_run(job_id=job.pk)
        return f"/api/jobs/{job.pk}/download/" if then == "download" else f"/pdf-jobs/{job.pk}/"

    return url


def stale_public_pdf(r: Review) -> str:
    """A public minutes PDF made while the closed item was open for a while (after a reopen),
    then the item closed again: the old file carries its content and must reach nobody."""
    from meetings.services.items import item_update
    from meetings.services.review import meeting_reopen
    from pdf import services

    secretary = r.people.secretary
    meeting_reopen(meeting=r.published, actor=secretary, reason="Rettelse af punkt 2")
    item = r.item(r.published, 2)
    item = item_update(actor=secretary, item=item, version=item.version, closed=False)
    job = services.pdf_request(
        meeting=r.published, variant="public", document="minutes", actor=secretary
    )
    services.pdf_job_run(job_id=job.pk)
    item_update(actor=secretary, item=item, version=item.version, closed=True)
    return f"/api/jobs/{job.pk}/download/"


def opened_to_the_public(r: Review) -> int:
    """The closed item made public with cleaned text and published again: its history holds
    its closed past, which stays the body's."""
    return open_closed_item_to_the_public(r).pk


PATHS = [
    ClosedPath("meeting list", lambda r: "/", NOBODY),
    ClosedPath("published meeting page", lambda r: f"/meetings/{r.published.pk}/"),
    ClosedPath("meeting page under review", lambda r: f"/meetings/{r.in_review.pk}/"),
    ClosedPath("case page", lambda r: "/cases/17-173/"),
    ClosedPath(
        "attachment download",
        lambda r: f"/attachments/{r.item(r.published, 2).attachments.get().pk}/",
    ),
    ClosedPath("review page, published", lambda r: f"/meetings/{r.published.pk}/review/"),
    ClosedPath("review page, under review", lambda r: f"/meetings/{r.in_review.pk}/review/"),
    ClosedPath("item history page", lambda r: f"/items/{published_closed(r)}/history/"),
    ClosedPath("meeting history page", lambda r: f"/meetings/{r.published.pk}/history/"),
    ClosedPath(
        "history after re-opening to the public",
        lambda r: f"/items/{opened_to_the_public(r)}/history/",
    ),
    ClosedPath(
        "API history after re-opening to the public",
        lambda r: f"/api/items/{opened_to_the_public(r)}/history/",
    ),
    ClosedPath("Mine opgaver", lambda r: "/tasks/", BODY_MEMBERS),
    ClosedPath("item editor", lambda r: f"/items/{review_closed(r)}/edit/", EDITORS),
    ClosedPath("API meeting list", lambda r: "/api/meetings/", NOBODY),
    ClosedPath("API meeting", lambda r: f"/api/meetings/{r.published.pk}/"),
    ClosedPath("API item", lambda r: f"/api/items/{published_closed(r)}/"),
    ClosedPath("API item review", lambda r: f"/api/items/{review_closed(r)}/review/"),
    ClosedPath("API item history", lambda r: f"/api/items/{published_closed(r)}/history/"),
    ClosedPath("API Mine opgaver", lambda r: "/api/tasks/", BODY_MEMBERS),
    # Searched by words of the closed content other than the token, which a search page
    # would otherwise echo back in its search box.
    ClosedPath("search page and snippets", lambda r: "/search/?q=fratrædelse"),
    ClosedPath("search near miss", lambda r: "/search/?q=personalesagg"),
    ClosedPath("search filtered by case", lambda r: "/api/search/?q=fratrædelse&case=17/173"),
    ClosedPath("API search", lambda r: "/api/search/?q=fratrædelse"),
    # Suggestions list a case's items as the user may see them ("Lukket" for the others), by
    # number and by a word of a title the user may read: a hidden title's word finds nothing.
    ClosedPath("case suggestions", lambda r: "/cases/suggest/?case_number=17/17"),
    ClosedPath("case suggestions by title", lambda r: "/cases/suggest/?case_number=Personalesag"),
    ClosedPath("item budget page", lambda r: f"/items/{published_closed(r)}/budget/"),
    ClosedPath("API budget tables", lambda r: f"/api/items/{published_closed(r)}/budget-tables/"),
    ClosedPath("API allocations", lambda r: f"/api/items/{published_closed(r)}/allocations/"),
    ClosedPath("pool page", lambda r: f"/pools/{pool_of(r)}/"),
    ClosedPath("API pool", lambda r: f"/api/pools/{pool_of(r)}/"),
    ClosedPath("pool status page", lambda r: "/pools/status/direktionen/"),
    ClosedPath("internal minutes PDF", rendered_pdf("internal"), read=pdf_text),
    ClosedPath("public minutes PDF", rendered_pdf("public"), NOBODY, read=pdf_text),
    ClosedPath("old public PDF of an item since closed", stale_public_pdf, NOBODY, read=pdf_text),
    ClosedPath("internal PDF job page", rendered_pdf("internal", then="status"), NOBODY),
    ClosedPath(
        "API approve",
        lambda r: f"/api/items/{review_closed(r)}/approve/",
        NOBODY,
        method="post",
    ),
    ClosedPath(
        "API request changes",
        lambda r: f"/api/items/{review_closed(r)}/request-changes/",
        NOBODY,
        method="post",
        data=lambda r: {"comment": "Tjek datoen"},
    ),
    ClosedPath(
        "API meeting transition",
        lambda r: f"/api/meetings/{r.in_review.pk}/transitions/",
        NOBODY,
        method="post",
        data=lambda r: {"action": "reopen", "reason": "Rettelse"},
    ),
    ClosedPath(
        "API name a signer",
        lambda r: f"/api/meetings/{r.in_review.pk}/signer/",
        NOBODY,
        method="post",
        data=lambda r: {"signer": r.chair.pk},
    ),
    ClosedPath(
        "approve form",
        lambda r: f"/items/{review_closed(r)}/approve/",
        NOBODY,
        method="post",
    ),
]


def addendum_of(r: Review) -> int:
    return Addendum.objects.get(item_id=published_closed(r)).pk


# The protocol of the closed items (see `review_with_protocol`): who did not take part, votes,
# remarks, additions, on every path that reads or writes them.
PROTOCOL_PATHS = [
    ClosedPath("API participation", lambda r: f"/api/items/{review_closed(r)}/participation/"),
    ClosedPath("API votes", lambda r: f"/api/items/{review_closed(r)}/votes/"),
    ClosedPath("API remarks", lambda r: f"/api/items/{review_closed(r)}/remarks/"),
    ClosedPath("API addenda", lambda r: f"/api/items/{published_closed(r)}/addenda/"),
    ClosedPath("API item with its protocol", lambda r: f"/api/items/{published_closed(r)}/"),
    # Only a member who signed the item approves an addition, and gets it back.
    ClosedPath(
        "API addendum approve",
        lambda r: f"/api/addenda/{addendum_of(r)}/approve/",
        frozenset({"director"}),
        method="post",
    ),
    # Refusals of writes name no closed content.
    ClosedPath(
        "API vote recorded",
        lambda r: f"/api/items/{review_closed(r)}/votes/",
        NOBODY,
        method="post",
        data=lambda r: {"question": "Forslaget", "for": [r.people.seat(r.people.director)]},
    ),
    ClosedPath(
        "API remark entered",
        lambda r: f"/api/items/{review_closed(r)}/remarks/",
        NOBODY,
        method="post",
        data=lambda r: {"kind": "mindretalsudtalelse", "text": "x" * 1001},
    ),
]


@pytest.fixture
def review_with_protocol(review: Review) -> Review:
    """The scenario with a protocol on its closed items, every text carrying the token: under
    review, a member inhabil (with the body's reason), a vote and a director's
    protokoltilførsel; on the published minutes, an addition to the signed closed item."""
    people = review.people
    item = review.item(review.in_review, 2)
    ole = Membership.objects.create(body=people.body, name="Ole Lund", role=Membership.Role.MEMBER)
    item_participation_set(
        actor=people.secretary,
        item=item,
        absent=[AbsenceInput(ole.pk, "inhabil", f"Inhabil {CLOSED_TOKEN}: ejer ejendommen")],
    )
    vote_record(
        actor=people.secretary,
        item=item,
        question=f"Afstemning om {CLOSED_TOKEN}",
        for_ids=[people.seat(people.director), people.seat(review.chair)],
        against_ids=[],
        abstain_ids=[],
    )
    remark_save(
        actor=people.director,
        item=item,
        kind=Remark.Kind.DISSENT,
        text=f"Protokoltilførsel {CLOSED_TOKEN}",
    )
    addendum_add(
        actor=people.secretary,
        item=review.item(review.published, 2),
        text=f"Tilføjelse {CLOSED_TOKEN}",
        reason="Datoen manglede.",
    )
    return review


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_closed_content_reaches_exactly_those_allowed(review: Review, path: ClosedPath) -> None:
    _assert_reaches_exactly_those_allowed(review, path)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROTOCOL_PATHS, ids=[p.name for p in PROTOCOL_PATHS])
def test_a_closed_items_protocol_reaches_exactly_those_allowed(
    review_with_protocol: Review, path: ClosedPath
) -> None:
    _assert_reaches_exactly_those_allowed(review_with_protocol, path)


def _assert_reaches_exactly_those_allowed(review: Review, path: ClosedPath) -> None:
    url = path.url(review)
    failures = []
    for role in ALL_ROLES:
        # Each role's request runs in a savepoint that is rolled back: a POST by one role does
        # not change what the next role meets.
        with transaction.atomic():
            client = review.people.client_for(role)
            send = getattr(client, path.method)
            response = (
                send(url, path.data(review), content_type="application/json")
                if path.method == "post"
                else send(url)
            )
            content = path.read(response)
            transaction.set_rollback(True)
        shown = TOKEN in content
        if role in path.shown_to:
            if response.status_code != 200:
                failures.append(f"{role}: status {response.status_code}, expected 200")
            elif not shown:
                failures.append(f"{role}: the closed content is missing")
        elif shown:
            failures.append(f"{role}: SAW the closed content (status {response.status_code})")
        elif response.status_code >= 500:
            failures.append(f"{role}: server error {response.status_code}")
        if shown and "no-store" not in response.get("Cache-Control", ""):
            failures.append(f"{role}: closed content sent without Cache-Control: no-store")
    assert not failures, f"{path.name} ({url}):\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_matrix_covers_every_role_and_both_answers(review: Review) -> None:
    """The matrix is only worth something if its paths really carry the closed content."""
    assert set(ALL_ROLES) == {
        "secretary",
        "director",
        "staff",
        "outsider",
        "superuser",
        "anonymous",
    }
    assert sum(1 for p in PATHS if p.shown_to) >= 10
    assert sum(1 for p in PATHS if "secretary" in p.shown_to) >= 10


@pytest.mark.django_db
def test_the_export_command_leaves_closed_content_out_of_the_public_export_alone(
    review: Review,
) -> None:
    """`manage.py export_minutes`, run as a command, its whole output searched for the token:
    the body's full export carries the closed items' content (every meeting, and the
    published one alone), the public export none of it, only the "Lukket" stub."""

    def export(*args: str) -> str:
        out = io.StringIO()
        call_command("export_minutes", *args, stdout=out)
        return out.getvalue()

    published = str(review.published.pk)
    full_outputs = {
        "--all": export("--all"),
        "the published meeting": export(published),
        "its date": export("--date", "2018-04-23"),
        "the meeting under review": export(str(review.in_review.pk)),
    }
    for what, output in full_outputs.items():
        assert CLOSED_TOKEN in output, f"the full export of {what} lacks the closed content"

    public_outputs = {
        "--all --public": export("--all", "--public"),
        "the published meeting --public": export(published, "--public"),
        "its date --public": export("--date", "2018-04-23", "--public"),
    }
    for what, output in public_outputs.items():
        assert CLOSED_TOKEN not in output, f"the public export of {what} has closed content"
        data = json.loads(output)
        assert [m["starts_at"][:10] for m in data["meetings"]] == ["2018-04-23"]
        closed = data["meetings"][0]["items"][1]
        assert closed == {
            "number": 2,
            "title": "Lukket",
            "case_number": "17/173",
            "closed": True,
            "decision": {"public_text": PUBLIC_DECISION},
        }
        assert "Udbud af KMD driftskontrakt" in output  # the open item is there
