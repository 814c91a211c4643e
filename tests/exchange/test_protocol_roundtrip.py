"""The political protocol in the exchange format referat/1: the body's members, the seats at
the meeting, who took part in each item, votes, remarks, additions and a closed item's public
decision are exported, imported into an empty database and exported again unchanged; the public
export gives a closed item's public decision and nothing else of it; bad protocols are refused
in Danish and leave nothing behind."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from common.hashing import checksum
from exchange.export import meetings_to_exchange
from exchange.service import import_file
from meetings.models import (
    AddendumApproval,
    Ballot,
    Meeting,
    Membership,
    Party,
    Remark,
    Vote,
)
from tests.conftest import People, remove_all_meetings
from tests.protocol_print_scenario import (
    ADDENDUM_TEXT,
    CLOSED_VOTE,
    COUNCIL_PUBLIC_DECISION,
    DISSENT,
    Council,
    build_council,
)
from tests.review_scenario import CLOSED_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(people: People) -> Council:
    return build_council(people)


def _export(council: Council) -> dict[str, Any]:
    return meetings_to_exchange(Meeting.objects.filter(body=council.body))


def _dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def _wipe(council: Council) -> None:
    """An empty database for the council: no meetings, seats or parties (users stay)."""
    remove_all_meetings()
    Membership.objects.filter(body=council.body).delete()
    Party.objects.all().delete()


class TestTheRoundTrip:
    def test_export_import_into_an_empty_database_and_export_again_is_identical(
        self, council: Council
    ) -> None:
        first = _export(council)
        meeting = first["meetings"][0]
        # The document holds the whole protocol (else the round trip proves nothing).
        assert {m["name"]: m.get("user") for m in meeting["members"]} == {
            "Anne Hansen": "anne", "Bo Berg": "bo", "Carl Holm": "carl", "Dorte Lund": "dorte",
            "Erik Vad": None, "Frida Kjær": None, "Kathrine": "sekretaer",
        }  # fmt: skip
        assert meeting["members"][0]["party"] == {"letter": "A", "name": "Socialdemokratiet"}
        frida = next(p for p in meeting["participants"] if p["name"] == "Frida Kjær")
        assert frida["substitute_for"] == "Erik Vad"
        plan, closed, _sports = meeting["items"]
        assert plan["participation"] == [
            {"member": "Carl Holm", "kind": "inhabil", "note": "ejer en naboejendom"}
        ]
        assert [v["result"] for v in plan["votes"]] == ["forkastet", "vedtaget"]
        assert {"member": "Dorte Lund", "choice": "imod"} in plan["votes"][1]["ballots"]
        assert plan["remarks"] == [
            {"kind": "protokoltilførsel", "member": "Dorte Lund", "text": DISSENT}
        ]
        (addendum,) = plan["addenda"]
        assert addendum["text"] == ADDENDUM_TEXT and addendum["by"] == "sekretaer"
        assert addendum["approved_at"] is not None
        assert sorted(a["user"] for a in addendum["approvals"]) == ["anne", "bo", "carl", "dorte"]
        assert closed["decision"]["public_text"] == COUNCIL_PUBLIC_DECISION
        assert closed["votes"][0]["question"] == CLOSED_VOTE

        raw = _dump(first)
        _wipe(council)
        # Published minutes come back published through an archive import only.
        report = import_file("byraadet.json", raw, archive_by=council.people.superuser)
        assert report.ok, report.summary()

        again = _export(council)
        # The import records where the meeting came from; everything else is as it was.
        assert again["meetings"][0].pop("source") == {
            "name": "byraadet.json",
            "checksum": checksum(raw),
        }
        assert _dump(again) == raw

    def test_an_imported_protocol_is_the_protocol_the_services_read(self, council: Council) -> None:
        raw = _dump(_export(council))
        _wipe(council)
        assert import_file("byraadet.json", raw, archive_by=council.people.superuser).ok
        meeting = Meeting.objects.get(body=council.body)
        carl = Membership.objects.get(body=council.body, user__username="carl")
        plan = meeting.items.get(number=1)
        assert plan.participations.get().member == carl
        assert Vote.objects.filter(item=plan).count() == 2
        dorte = Membership.objects.get(body=council.body, user__username="dorte")
        assert Ballot.objects.get(vote__item=plan, vote__position=2, member=dorte).choice == "imod"
        remark = Remark.objects.get(item=plan)
        assert remark.member == dorte and remark.created_by == dorte.user
        assert AddendumApproval.objects.filter(addendum__item=plan).count() == 4
        # The participants name their seats, so the members present sign the minutes.
        assert meeting.attendances.filter(member__isnull=False).count() == 7
        assert meeting.attendances.get(name="Frida Kjær").substitute_for.display_name == "Erik Vad"
        # Published minutes come in approved: every decision locked.
        assert all(item.decision.locked for item in meeting.items.all())


class TestSeatsOnImport:
    def test_members_are_matched_by_name_kept_as_they_are_and_created_when_missing(
        self, council: Council
    ) -> None:
        data = _export(council)
        meeting = data["meetings"][0]
        erik = next(m for m in meeting["members"] if m["name"] == "Erik Vad")
        erik["party"] = {"letter": "Ø", "name": "Enhedslisten"}  # the body's record wins
        meeting["participants"].append(
            {"name": "Gitte Friis", "role": "medlem", "present": True, "member": "Gitte Friis"}
        )
        remove_all_meetings()
        report = import_file("byraadet.json", _dump(data))
        assert report.ok, report.summary()
        seats = Membership.objects.filter(body=council.body)
        assert seats.count() == 8
        assert seats.get(name="Erik Vad").party.letter == "V"
        gitte = seats.get(name="Gitte Friis")
        assert gitte.role == "medlem" and gitte.user is None and gitte.party is None

    def test_a_member_whose_user_is_unknown_here_keeps_the_remark_without_an_author(
        self, council: Council
    ) -> None:
        data = _export(council)
        for member in data["meetings"][0]["members"]:
            if member["name"] == "Dorte Lund":
                member["user"] = "dorte.lund.fra.andet.system"
        _wipe(council)
        assert import_file("byraadet.json", _dump(data)).ok
        dorte = Membership.objects.get(body=council.body, name="Dorte Lund")
        assert dorte.user is None
        remark = Remark.objects.get(item__number=1, member=dorte)
        assert remark.text == DISSENT and remark.created_by is None
        exported = _export(council)["meetings"][0]
        assert {"name": "Dorte Lund", "user": None}.items() <= next(
            m for m in exported["members"] if m["name"] == "Dorte Lund"
        ).items()

    def test_a_secretarys_upload_gives_no_user_a_secretarys_seat(self, council: Council) -> None:
        raw = _dump(_export(council))
        _wipe(council)
        report = import_file("byraadet.json", raw, allowed_bodies={"byrådet"})
        assert report.ok, report.summary()
        seat = Membership.objects.get(body=council.body, role="sekretær")
        assert seat.user is None and seat.display_name == "Kathrine"
        assert Membership.objects.get(body=council.body, name="", user__username="anne")


class TestThePublicExport:
    def test_a_closed_item_gives_its_public_decision_and_nothing_else(
        self, council: Council
    ) -> None:
        out = io.StringIO()
        call_command("export_minutes", "--all", "--public", stdout=out)
        data = json.loads(out.getvalue())
        (meeting,) = [m for m in data["meetings"] if m["body"] == "Byrådet"]
        assert meeting["items"][1] == {
            "number": 2,
            "title": "Lukket",
            "case_number": "25/999",
            "closed": True,
            "decision": {"public_text": COUNCIL_PUBLIC_DECISION},
        }
        assert CLOSED_TOKEN not in out.getvalue()
        assert "Køb af ejendommen" not in out.getvalue()
        # The open items keep their protocol; usernames stay inside.
        assert meeting["items"][0]["remarks"][0]["text"] == DISSENT
        assert all("user" not in m for m in meeting["members"])
        (addendum,) = meeting["items"][0]["addenda"]
        assert "by" not in addendum and "approvals" not in addendum
        assert addendum["approved_at"] is not None
        assert '"sekretaer"' not in out.getvalue() and '"dorte"' not in out.getvalue()


class TestFilesWithoutTheProtocol:
    def test_an_older_file_without_the_new_keys_imports_and_exports_without_them(
        self, people: People
    ) -> None:
        old = {
            "format": "referat/1",
            "meetings": [{
                "body": "Direktionen", "starts_at": "2018-04-23T12:30:00+02:00",
                "location": "B105", "status": "draft",
                "participants": [{"name": "Kathrine Seier Skastrup", "role": "sekretær"}],
                "items": [{"number": 1, "title": "Øvrige sager", "case_number": "17/22360",
                           "closed": False, "decision": {"text": "<p>Ingen.</p>"}}],
            }],
        }  # fmt: skip
        report = import_file("gammel.json", _dump(old))
        assert report.ok, report.summary()
        meeting = meetings_to_exchange(Meeting.objects.all())["meetings"][0]
        item = meeting["items"][0]
        assert not {"participation", "votes", "remarks", "addenda"} & item.keys()
        assert "public_text" not in item["decision"]
        assert "member" not in meeting["participants"][0]


class TestBadProtocolsAreRefused:
    def _refused(self, council: Council, change: Any) -> str:
        data = copy.deepcopy(_export(council))
        change(data["meetings"][0])
        _wipe(council)
        report = import_file("byraadet.json", _dump(data))
        assert not report.ok
        assert not Meeting.objects.filter(body=council.body).exists()
        assert not Membership.objects.filter(body=council.body).exists()
        return report.error

    def test_a_vote_by_an_inhabil_member(self, council: Council) -> None:
        def carl_votes(meeting: dict[str, Any]) -> None:
            meeting["items"][0]["votes"][1]["ballots"].append(
                {"member": "Carl Holm", "choice": "for"}
            )

        error = self._refused(council, carl_votes)
        assert "Carl Holm deltog ikke i behandlingen (inhabil) og kan ikke stemme" in error

    def test_a_member_voting_twice(self, council: Council) -> None:
        def anne_twice(meeting: dict[str, Any]) -> None:
            meeting["items"][0]["votes"][0]["ballots"].append(
                {"member": "anne hansen", "choice": "for"}
            )

        assert "“anne hansen” stemmer to gange" in self._refused(council, anne_twice)

    def test_a_remark_over_the_length_limit(self, council: Council) -> None:
        def too_long(meeting: dict[str, Any]) -> None:
            meeting["items"][0]["remarks"][0]["text"] = "x" * 1001

        assert "remarks/0/text" in self._refused(council, too_long)
