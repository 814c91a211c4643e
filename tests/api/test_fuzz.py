"""Every operation of the API, called with inputs schemathesis makes from the OpenAPI schema the
API serves (/api/schema/), as the secretary: valid and invalid input alike, the answer is never
a server error (5xx).

Bounded: a few examples per operation and mode, derandomized (the same inputs every run), no
shrinking; the whole test takes some seconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from meetings.models import Addendum, Meeting
from meetings.services.protocol import remark_save, vote_record
from pdf.models import PdfJob
from tests.budget.factories import PoolFactory
from tests.conftest import People
from tests.factories import AgendaItemFactory, AttachmentFactory, DecisionFactory

EXAMPLES_PER_MODE = 4


@pytest.fixture
def existing(people: People, draft: Meeting) -> dict[str, int]:
    """Things to find, by the first part of the path that names them (or by the name of the
    path's parameter): a draft with an item (with a decision, an attachment, a vote, a remark
    and an addition), a pool, a PDF job, the body and a member's seat."""
    item = AgendaItemFactory(meeting=draft, title="Budgetopfølgning")
    DecisionFactory(item=item)
    AttachmentFactory(item=item, title="Bilag 1")
    pool = PoolFactory(body=people.body)
    job = PdfJob.objects.create(meeting=draft, document="agenda", variant="internal")
    seat = people.seat(people.director)
    vote = vote_record(
        actor=people.secretary,
        item=item,
        question="Indstillingen",
        for_ids=[seat],
        against_ids=[],
        abstain_ids=[],
    )
    remark = remark_save(actor=people.director, item=item, kind="protokoltilførsel", text="Imod.")
    addendum = Addendum.objects.create(
        item=item, text="Tilføjelse", reason="Rettelse", created_by=people.secretary
    )
    return {
        "meetings": draft.pk,
        "items": item.pk,
        "pools": pool.pk,
        "jobs": job.pk,
        "bodies": people.body.pk,
        "addenda": addendum.pk,
        "member_pk": seat,
        "vote_pk": vote.pk,
        "remark_pk": remark.pk,
    }


@pytest.fixture
def secretary_headers(people: People) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.create(user=people.secretary).key}"}


@pytest.fixture
def api_schema(secretary_headers: dict[str, str]) -> Iterator[schemathesis.BaseSchema]:
    # The requests go straight to the WSGI app, in this thread and this test's transaction:
    # as in Django's test client, a request must not close the connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", get_wsgi_application(), headers=secretary_headers
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_no_operation_answers_a_server_error(
    api_schema: schemathesis.BaseSchema,
    secretary_headers: dict[str, str],
    existing: dict[str, int],
) -> None:
    errors: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 15  # the schema was read, every route of the API is in it
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_MODE,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: schemathesis.Case) -> None:
                # Each input twice: with the ids made up (mostly 404) and with real ones, so
                # that the input reaches the services.
                for real in (False, True):
                    if real and case.path_parameters:
                        kind = case.path.strip("/").split("/")[1]
                        case.path_parameters = {
                            name: existing.get(name, existing[kind])
                            for name in case.path_parameters
                        }
                    elif real:
                        continue
                    response = case.call(headers=secretary_headers)
                    if response.status_code >= 500:
                        errors.append(
                            f"{case.method} {case.formatted_path} {case.query or ''} "
                            f"{str(case.body)[:300]} → {response.status_code}"
                        )

            try:
                call()
            except Unsatisfiable:
                # An operation without input (GET /api/tasks/) has no invalid form of it.
                assert mode == GenerationMode.NEGATIVE
    assert errors == [], "\n".join(errors)
