"""The budget API: pools, their balance with approved and unapproved allocations, an
overdraft, an item's allocations and budget tables, for every role."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from budget.models import Allocation, Pool
from meetings.models import Meeting
from tests.budget.factories import AllocationFactory, PoolFactory
from tests.budget.test_pages import import_tabel_1
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import AgendaItemFactory, MeetingFactory


def api_for(people: People, role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(getattr(people, role))
    return client


def post_json(client: APIClient, url: str, body: str):
    """Raw JSON, so that a number with a fraction reaches the server as its digits."""
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def meeting(draft: Meeting) -> Meeting:
    return draft


@pytest.mark.django_db
class TestCreatePool:
    def test_the_secretary_creates_a_pool_with_name_year_and_amount(self, people) -> None:
        client = api_for(people, "secretary")
        response = client.post(
            "/api/pools/",
            {"name": "it-promillepulje", "year": 2018, "amount": "2206"},
            format="json",
        )
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["name"] == "it-promillepulje" and data["body"] == "direktionen"
        assert Decimal(data["balance"]) == Decimal("2206")
        assert data["overdrawn"] is False and data["allocations"] == []

    def test_a_json_number_keeps_its_exact_digits(self, people) -> None:
        response = post_json(
            api_for(people, "secretary"),
            "/api/pools/",
            '{"name": "P", "year": 2018, "amount": 0.1, "unit": "mio. kr."}',
        )
        assert response.status_code == 201
        assert Pool.objects.get().amount == Decimal("0.1")

    @pytest.mark.parametrize(("role", "status"), [("director", 403), ("outsider", 400)])
    def test_others_may_not(self, people, role, status) -> None:
        response = api_for(people, role).post(
            "/api/pools/",
            {"name": "P", "year": 2018, "amount": "1", "body": "direktionen"},
            format="json",
        )
        assert response.status_code == status
        assert not Pool.objects.exists()

    def test_a_duplicate_is_refused_in_danish(self, people) -> None:
        PoolFactory(body=people.body, name="P", year=2018)
        response = api_for(people, "secretary").post(
            "/api/pools/", {"name": "P", "year": 2018, "amount": "1"}, format="json"
        )
        assert response.status_code == 409
        assert "har allerede en pulje" in response.json()["detail"]

    def test_a_token_works_as_well_as_a_session(self, people) -> None:
        token = Token.objects.create(user=people.secretary)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(
            "/api/pools/", {"name": "P", "year": 2019, "amount": "7653"}, format="json"
        )
        assert response.status_code == 201

    def test_anonymous_callers_are_refused(self, client) -> None:
        assert client.post("/api/pools/", {}).status_code in {401, 403}


@pytest.mark.django_db
class TestPoolBalanceThroughTheApi:
    def test_an_allocation_counts_once_the_decision_is_approved(self, people, meeting) -> None:
        pool = PoolFactory(body=people.body, amount=Decimal("2206"))
        item = AgendaItemFactory(meeting=meeting, number=5, title="It-promillepuljen")
        client = api_for(people, "secretary")
        response = client.post(
            f"/api/items/{item.pk}/allocations/",
            {"pool": pool.pk, "amount": "2812", "year": 2018},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["approved"] is False

        before = client.get(f"/api/pools/{pool.pk}/").json()
        assert Decimal(before["balance"]) == Decimal("2206")
        assert before["overdrawn"] is False
        assert [a["approved"] for a in before["allocations"]] == [False]
        assert Decimal(before["pending"]) == Decimal("2812")

        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
        after = client.get(f"/api/pools/{pool.pk}/").json()
        assert Decimal(after["balance"]) == Decimal("-606")
        assert after["overdrawn"] is True
        (allocation,) = after["allocations"]
        assert allocation["approved"] is True
        assert allocation["item"] == item.pk and allocation["item_title"] == "It-promillepuljen"
        assert Decimal(allocation["balance_after"]) == Decimal("-606")

    def test_the_year_must_be_the_pools_and_the_message_says_so(self, people, meeting) -> None:
        pool = PoolFactory(body=people.body, year=2018)
        item = AgendaItemFactory(meeting=meeting)
        response = api_for(people, "secretary").post(
            f"/api/items/{item.pk}/allocations/",
            {"pool": pool.pk, "amount": "1", "year": 2019},
            format="json",
        )
        assert response.status_code == 400
        assert "gælder 2018, ikke 2019" in response.json()["detail"]

    def test_a_pool_of_a_body_the_caller_is_not_secretary_of_is_not_found(self, people, meeting):
        pool = PoolFactory(body=people.other_body)
        item = AgendaItemFactory(meeting=meeting)
        response = api_for(people, "secretary").post(
            f"/api/items/{item.pk}/allocations/", {"pool": pool.pk, "amount": "1"}, format="json"
        )
        assert response.status_code == 400
        assert not Allocation.objects.exists()

    @pytest.mark.parametrize("role", ROLES)
    def test_a_pool_is_seen_by_its_body_alone(self, people, role) -> None:
        pool = PoolFactory(body=people.body)
        response = api_for(people, role).get(f"/api/pools/{pool.pk}/")
        assert response.status_code == (200 if role in ROLES_WITH_CLOSED_ACCESS else 404)
        listed = [p["id"] for p in api_for(people, role).get("/api/pools/").json()]
        assert (pool.pk in listed) is (role in ROLES_WITH_CLOSED_ACCESS)

    @pytest.mark.parametrize("role", ROLES)
    def test_a_closed_items_allocations_and_tables_reach_only_those_allowed(
        self, people, role
    ) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        closed = AgendaItemFactory(meeting=meeting, closed=True, title="Fortrolig sag")
        AllocationFactory(pool=PoolFactory(body=people.body), item=closed)
        import_tabel_1(closed)
        client = api_for(people, role)
        allocations = client.get(f"/api/items/{closed.pk}/allocations/")
        tables = client.get(f"/api/items/{closed.pk}/budget-tables/")
        allowed = role in ROLES_WITH_CLOSED_ACCESS
        assert allocations.status_code == tables.status_code == (200 if allowed else 404)
        assert ("2812" in json.dumps(tables.json())) is allowed

    def test_the_item_may_not_be_allocated_by_a_director(self, people, meeting) -> None:
        pool = PoolFactory(body=people.body)
        item = AgendaItemFactory(meeting=meeting)
        response = api_for(people, "director").post(
            f"/api/items/{item.pk}/allocations/", {"pool": pool.pk, "amount": "1"}, format="json"
        )
        assert response.status_code == 403


@pytest.mark.django_db
class TestLockedMinutes:
    def test_an_allocation_on_approved_minutes_is_refused_as_locked(self, people) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.APPROVED)
        item = AgendaItemFactory(meeting=meeting)
        pool = PoolFactory(body=people.body)
        response = api_for(people, "secretary").post(
            f"/api/items/{item.pk}/allocations/", {"pool": pool.pk, "amount": "1"}, format="json"
        )
        assert response.status_code == 423
        assert "Referatet er godkendt" in response.json()["detail"]
        assert not Allocation.objects.exists()
