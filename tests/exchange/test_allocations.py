"""Allocations travel in the exchange format with their item: an export imported again gives
the same bytes, approved minutes come in with their money locked, and a file naming a pool the
body lacks, or a bad amount, is refused in Danish with nothing written."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from budget.models import Allocation, Pool
from exchange.demo import load_demo
from exchange.export import meetings_to_exchange
from exchange.service import import_file
from meetings.locks import is_lock_violation, item_is_locked
from meetings.models import AgendaItem, Meeting
from tests.conftest import remove_all_meetings

pytestmark = pytest.mark.django_db

DEMO_ITEM = "Status på it-strategiske initiativer"


def _export() -> dict[str, Any]:
    return meetings_to_exchange(Meeting.objects.all())


def _demo_item(data: dict[str, Any]) -> dict[str, Any]:
    return next(
        item for meeting in data["meetings"] for item in meeting["items"] if item.get("allocations")
    )


class TestTheRoundTrip:
    def test_the_demos_allocations_leave_and_come_back_unchanged(self) -> None:
        load_demo(password="demo-pw-1")
        first = json.dumps(_export(), ensure_ascii=False)
        item = _demo_item(json.loads(first))
        assert item["title"].startswith(DEMO_ITEM)
        assert item["allocations"] == [
            {
                "pool": "it-promillepulje",
                "year": 2018,
                "amount": "2322",
                "permanent": False,
                "note": "Tabel 1, engangsudgifter",
            },
            {
                "pool": "it-promillepulje",
                "year": 2018,
                "amount": "490",
                "permanent": True,
                "note": "Tabel 1, heraf varige udgifter",
            },
        ]
        remove_all_meetings()
        assert not Allocation.objects.exists()
        # Published minutes come back published only through an archive import.
        secretary = get_user_model().objects.get(username="sekretaer")
        report = import_file("export.json", first.encode(), archive_by=secretary)
        assert report.ok, report.summary()
        again = _export()
        # A meeting made in Referat (the council's) had no source: the import names the file.
        for before, after in zip(json.loads(first)["meetings"], again["meetings"], strict=True):
            if "source" not in before:
                assert after.pop("source")["name"] == "export.json"
        assert json.dumps(again, ensure_ascii=False) == first

    def test_items_without_money_have_no_allocations_key(self) -> None:
        load_demo(password="demo-pw-1")
        keys = [
            "allocations" in item for meeting in _export()["meetings"] for item in meeting["items"]
        ]
        assert keys.count(True) == 1


class TestApprovedMinutesComeInLocked:
    def test_the_imported_allocations_of_approved_minutes_refuse_plain_sql(self) -> None:
        load_demo(password="demo-pw-1")
        item = AgendaItem.objects.get(
            title__startswith=DEMO_ITEM, meeting__starts_at__date="2018-04-23"
        )
        assert item_is_locked(item)
        assert item.allocations.count() == 2
        with (
            pytest.raises(DatabaseError) as caught,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE budget_allocation SET amount = 1 WHERE item_id = %s", [item.pk])
        assert is_lock_violation(caught.value)
        assert sorted(item.allocations.values_list("amount", flat=True)) == [
            Decimal("490"),
            Decimal("2322"),
        ]


class TestBadAllocationsAreRefused:
    @pytest.fixture
    def exported(self) -> dict[str, Any]:
        load_demo(password="demo-pw-1")
        data = _export()
        remove_all_meetings()
        # A new file, not the same minutes again.
        for meeting in data["meetings"]:
            meeting.pop("source", None)
        return data

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                {"pool": "bygningspuljen"},
                "disponerer fra puljen “bygningspuljen” 2018, som Direktionen ikke har",
            ),
            ({"year": 2031}, "puljen “it-promillepulje” 2031"),
            ({"amount": "0"}, "en disponering må ikke være 0"),
            ({"amount": "2.322,00"}, "har ikke den rigtige form"),
            ({"amount": 2322}, "forkert type"),
        ],
        ids=["unknown pool", "a year the pool lacks", "zero", "Danish notation", "a number"],
    )
    def test_in_danish_and_nothing_is_written(
        self, exported: dict[str, Any], change: dict[str, Any], message: str
    ) -> None:
        data = copy.deepcopy(exported)
        _demo_item(data)["allocations"][0].update(change)
        report = import_file("minutes.json", json.dumps(data).encode())
        assert not report.ok
        assert message in report.error
        assert not Meeting.objects.exists()
        assert not Allocation.objects.exists()

    def test_a_pool_name_in_another_case_is_the_same_pool(self, exported: dict[str, Any]) -> None:
        _demo_item(exported)["allocations"][0]["pool"] = "IT-Promillepulje"
        report = import_file("minutes.json", json.dumps(exported).encode())
        assert report.ok, report.summary()
        pool = Pool.objects.get(name="it-promillepulje", year=2018)
        assert pool.allocations.count() == 2
