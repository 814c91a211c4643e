"""The JSON API of the political protocol: participation, votes, remarks, additions and the
closed item's public decision, through HTTP — each endpoint, who may use it, and bad input
answered with a Danish message and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.models import (
    Addendum,
    AddendumApproval,
    Ballot,
    Decision,
    ItemParticipation,
    Meeting,
    Remark,
    Vote,
)
from meetings.services.protocol import vote_record
from meetings.services.review import meeting_publish
from tests.protocol_scenario import PUBLIC_TEXT, Council
from tests.review_scenario import CLOSED_TOKEN

pytestmark = pytest.mark.django_db

EVERYONE = ["anne", "bent", "carl", "dorte", "erik", "frida", "gorm"]


def _rows() -> tuple[int, ...]:
    return (
        ItemParticipation.objects.count(),
        Vote.objects.count(),
        Ballot.objects.count(),
        Remark.objects.count(),
        Addendum.objects.count(),
        AddendumApproval.objects.count(),
    )


def _url(council: Council, number: int, part: str) -> str:
    return f"/api/items/{council.item(number).pk}/{part}/"


def _post(council: Council, who: str, url: str, data: dict[str, Any]) -> Any:
    return council.api(who).post(url, data, format="json")


class TestParticipation:
    def test_the_secretary_records_an_inhabil_member_and_a_substitute(
        self, council: Council
    ) -> None:
        url = _url(council, 1, "participation")
        data = {
            "absent": [
                {"member": council.seats["carl"].pk, "reason": "inhabil", "note": "Søn af ansøger"}
            ],
            "substitutes": [{"member": council.seats["hans"].pk, "for": council.seats["carl"].pk}],
        }
        response = council.api("secretary").put(url, data, format="json")
        assert response.status_code == 200
        body = response.json()
        assert body["absent"] == [
            {
                "member": council.seats["carl"].pk,
                "name": "Carl Clausen",
                "party": "A",
                "reason": "inhabil",
                "note": "Søn af ansøger",
            }
        ]
        assert body["substitutes"] == [
            {
                "member": council.seats["hans"].pk,
                "name": "Hans Holm",
                "party": "A",
                "for": council.seats["carl"].pk,
                "for_name": "Carl Clausen",
            }
        ]
        assert [p["name"] for p in body["present"]] == [
            "Anne Andersen",
            "Bent Bach",
            "Dorte Dahl",
            "Erik Eriksen",
            "Frida Falk",
            "Gorm Grønbech",
            "Hans Holm",
        ]
        assert body["lines"] == [
            "Carl Clausen (A) deltog ikke i behandlingen af punktet (inhabil: Søn af ansøger).",
            "Hans Holm (A) deltog som stedfortræder for Carl Clausen (A).",
        ]
        # A member reads the same; a PUT of nothing clears it.
        assert council.api("anne").get(url).json() == body
        response = council.api("secretary").put(url, {}, format="json")
        assert response.status_code == 200
        assert len(response.json()["present"]) == 7

    @pytest.mark.parametrize(
        ("data", "detail"),
        [
            (
                {"absent": [{"member": "bent", "reason": "inhabil", "note": " "}]},
                "Angiv kort, hvorfor Bent Bach er inhabil (forvaltningslovens § 3).",
            ),
            (
                {
                    "absent": [
                        {"member": "bent"},
                        {"member": "bent", "reason": "inhabil", "note": "x"},
                    ]
                },
                "Bent Bach er nævnt mere end én gang.",
            ),
            (
                {"substitutes": [{"member": "anne", "for": "carl"}]},
                "Anne Andersen deltog allerede i mødet og kan ikke også være stedfortræder.",
            ),
        ],
        ids=["inhabil-without-reason", "twice", "seated-substitute"],
    )
    def test_bad_input_is_400_in_danish_and_changes_nothing(
        self, council: Council, data: dict[str, Any], detail: str
    ) -> None:
        for entries in data.values():
            for entry in entries:
                for key in ("member", "for"):
                    if key in entry:
                        entry[key] = council.seats[entry[key]].pk
        before = _rows()
        response = council.api("secretary").put(
            _url(council, 1, "participation"), data, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"detail": detail}
        assert _rows() == before

    def test_malformed_input_is_named_by_field(self, council: Council) -> None:
        response = council.api("secretary").put(
            _url(council, 1, "participation"),
            {"absent": [{"member": "Bent", "reason": "syg"}], "substitutes": "Hans"},
            format="json",
        )
        assert response.status_code == 400
        errors = response.json()
        # Each entry's errors under its place in the list.
        assert errors["absent"] == {
            "0": {
                "member": ["Et medlem angives med sit id (et heltal)."],
                "reason": ["Årsagen skal være »fraværende« eller »inhabil«."],
            }
        }
        assert errors["substitutes"] == {"non_field_errors": ["Skal være en liste af objekter."]}

    @pytest.mark.parametrize(("who", "status"), [("anne", 403), ("staff", 404), ("outsider", 404)])
    def test_only_the_secretary_changes_it(self, council: Council, who: str, status: int) -> None:
        response = council.api(who).put(
            _url(council, 1, "participation"),
            {"absent": [{"member": council.seats["bent"].pk}]},
            format="json",
        )
        assert response.status_code == status
        assert not ItemParticipation.objects.exists()

    def test_an_approved_item_is_423(self, council: Council) -> None:
        council.approve_all()
        response = council.api("secretary").put(
            _url(council, 1, "participation"),
            {"absent": [{"member": council.seats["bent"].pk}]},
            format="json",
        )
        assert response.status_code == 423
        assert "godkendt" in response.json()["detail"]


class TestVotes:
    def test_a_vote_member_by_member_gets_its_tally_and_result(self, council: Council) -> None:
        response = _post(
            council,
            "secretary",
            _url(council, 1, "votes"),
            {
                "question": "Indstillingen",
                "for": council.ids("anne", "bent", "carl", "dorte", "erik"),
                "against": council.ids("frida"),
                "abstain": council.ids("gorm"),
            },
        )
        assert response.status_code == 201
        vote = response.json()
        assert vote["result"] == "vedtaget"
        assert vote["tally"]["for"] == {
            "count": 5,
            "members": council.ids("anne", "bent", "carl", "dorte", "erik"),
            "parties": {"A": 3, "V": 2},
        }
        assert vote["tally"]["undlod"]["count"] == 1
        assert vote["sentence"] == (
            "For stemte: A (3), V (2). Imod stemte: Ø (1). Undlod: Ø (1). Forslaget blev vedtaget."
        )
        assert {
            "member": council.seats["gorm"].pk,
            "name": "Gorm Grønbech",
            "party": "Ø",
            "choice": "undlod",
        } in vote["ballots"]
        assert council.api("frida").get(_url(council, 1, "votes")).json() == [vote]

    def test_a_vote_by_party_with_one_exception(self, council: Council) -> None:
        response = _post(
            council,
            "secretary",
            _url(council, 1, "votes"),
            {
                "question": "Indstillingen",
                "parties": {"A": "for", "V": "for", "Ø": "imod"},
                "exceptions": {str(council.seats["bent"].pk): "undlod"},
            },
        )
        assert response.status_code == 201
        vote = response.json()
        assert [vote["tally"][c]["count"] for c in ("for", "imod", "undlod")] == [4, 2, 1]
        assert vote["tally"]["undlod"]["members"] == council.ids("bent")
        assert vote["result"] == "vedtaget"

    def test_a_vote_written_as_the_minutes_write_it(self, council: Council) -> None:
        response = _post(
            council,
            "secretary",
            _url(council, 1, "votes"),
            {"question": "Ændringsforslag fra Ø", "parties": "Ø for, A og V imod"},
        )
        assert response.status_code == 201
        assert response.json()["sentence"] == (
            "For stemte: Ø (2). Imod stemte: A (3), V (2). Undlod: –. Forslaget blev forkastet."
        )

    def test_a_tie_falls(self, council: Council) -> None:
        response = _post(
            council,
            "secretary",
            _url(council, 1, "votes"),
            {
                "question": "Indstillingen",
                "for": council.ids("anne", "bent", "carl"),
                "against": council.ids("dorte", "erik", "frida"),
                "abstain": council.ids("gorm"),
            },
        )
        assert response.json()["result"] == "forkastet"

    @pytest.mark.parametrize(
        ("data", "detail"),
        [
            (
                {"for": ["anne", "bent", "carl", "dorte", "erik", "frida", "gorm", "bent"]},
                "Bent Bach har stemt mere end én gang.",
            ),
            (
                {"for": ["anne", "bent", "carl"], "against": ["dorte"]},
                "Stemmerne passer ikke med de 7, der deltog i behandlingen: der mangler en stemme "
                "fra Erik Eriksen (V), Frida Falk (Ø), Gorm Grønbech (Ø).",
            ),
            (
                {"for": [*EVERYONE, "hans"]},
                "Hans Holm (A) (ikke til stede) deltog ikke i behandlingen af punkt 1 og kan "
                "ikke stemme.",
            ),
            (
                {"parties": {"A": "for", "V": "for", "Q": "imod"}},
                "Partiet Q findes ikke. Kendte partier: A, V, Ø.",
            ),
            (
                {"parties": "A og V for"},
                "Der mangler en stemme fra Frida Falk (Ø), Gorm Grønbech (Ø).",
            ),
            (
                {"parties": "A og V for, Ø stemte måske"},
                "»Ø stemte måske« kan ikke læses. Skriv fx »A og V for, Ø imod«.",
            ),
        ],
        ids=[
            "twice",
            "tally-short",
            "not-at-the-meeting",
            "unknown-party",
            "party-left-out",
            "unreadable",
        ],
    )
    def test_bad_votes_are_400_in_danish_and_nothing_is_recorded(
        self, council: Council, data: dict[str, Any], detail: str
    ) -> None:
        for key in ("for", "against", "abstain"):
            if key in data:
                data[key] = council.ids(*data[key])
        before = _rows()
        response = _post(
            council, "secretary", _url(council, 1, "votes"), {"question": "Forslaget", **data}
        )
        assert response.status_code == 400
        assert response.json() == {"detail": detail}
        assert _rows() == before

    @pytest.mark.parametrize(
        ("kind", "label"), [("fraværende", "fraværende"), ("inhabil", "inhabil")]
    )
    def test_a_member_absent_or_inhabil_cannot_vote(
        self, council: Council, kind: str, label: str
    ) -> None:
        council.api("secretary").put(
            _url(council, 1, "participation"),
            {
                "absent": [
                    {"member": council.seats["erik"].pk, "reason": kind, "note": "Ejer grunden"}
                ]
            },
            format="json",
        )
        before = _rows()
        for data in (
            {"for": council.ids(*EVERYONE)},
            {
                "parties": {"A": "for", "V": "for", "Ø": "imod"},
                "exceptions": {str(council.seats["erik"].pk): "imod"},
            },
        ):
            response = _post(
                council, "secretary", _url(council, 1, "votes"), {"question": "Forslaget", **data}
            )
            assert response.status_code == 400
            assert response.json() == {
                "detail": f"Erik Eriksen (V) ({label}) deltog ikke i behandlingen af punkt 1 og "
                "kan ikke stemme."
            }
        assert _rows() == before

    @pytest.mark.parametrize(
        ("data", "errors"),
        [
            (
                {"for": [1], "parties": {"A": "for"}},
                {
                    "non_field_errors": [
                        "Angiv stemmerne enten medlem for medlem (for, against, abstain) eller pr. "
                        "parti (parties), ikke begge dele."
                    ]
                },
            ),
            (
                {"parties": {"A": "ja"}},
                {"parties": ["»ja« er ikke en stemme. Brug for, imod eller undlod."]},
            ),
            (
                {"parties": {"A": "for"}, "exceptions": {"Bent": "imod"}},
                {"exceptions": ["»Bent« er ikke et medlems id."]},
            ),
            ({"for": "alle"}, {"for": ["Skal være en liste af medlemmers id."]}),
            ({"question": ""}, {"question": ["Feltet må ikke være tomt."]}),
        ],
        ids=["lists-and-parties", "bad-choice", "exception-not-an-id", "not-a-list", "no-question"],
    )
    def test_malformed_votes_are_named_by_field(
        self, council: Council, data: dict[str, Any], errors: dict[str, Any]
    ) -> None:
        response = _post(
            council, "secretary", _url(council, 1, "votes"), {"question": "Forslaget", **data}
        )
        assert response.status_code == 400
        assert response.json() == errors
        assert not Vote.objects.exists()

    @pytest.mark.parametrize(("who", "status"), [("anne", 403), ("staff", 404), ("superuser", 201)])
    def test_the_secretary_or_a_superuser_records_votes(
        self, council: Council, who: str, status: int
    ) -> None:
        response = _post(
            council,
            who,
            _url(council, 1, "votes"),
            {"question": "Forslaget", "for": council.ids(*EVERYONE)},
        )
        assert response.status_code == status
        assert Vote.objects.count() == (1 if status == 201 else 0)

    def test_a_vote_is_deleted_while_the_item_takes_edits(self, council: Council) -> None:
        vote = vote_record(
            actor=council.secretary,
            item=council.item(1),
            question="Forslaget",
            for_ids=council.ids(*EVERYONE),
            against_ids=[],
            abstain_ids=[],
        )
        url = f"{_url(council, 1, 'votes')}{vote.pk}/"
        assert council.api("anne").delete(url).status_code == 403
        # Not the vote of another item.
        assert (
            council.api("secretary").delete(f"{_url(council, 3, 'votes')}{vote.pk}/").status_code
            == 404
        )
        assert council.api("secretary").delete(url).status_code == 204
        assert not Vote.objects.exists()

    def test_an_approved_items_vote_stays(self, council: Council) -> None:
        vote = vote_record(
            actor=council.secretary,
            item=council.item(1),
            question="Forslaget",
            for_ids=council.ids(*EVERYONE),
            against_ids=[],
            abstain_ids=[],
        )
        council.approve_all()
        response = council.api("secretary").delete(f"{_url(council, 1, 'votes')}{vote.pk}/")
        assert response.status_code == 423
        assert Vote.objects.filter(pk=vote.pk).exists()


class TestRemarks:
    def test_the_member_enters_a_protokoltilfoersel_and_may_rewrite_it(
        self, council: Council
    ) -> None:
        url = _url(council, 1, "remarks")
        response = _post(
            council, "frida", url, {"kind": "protokoltilførsel", "text": "Ø finder planen for tæt."}
        )
        assert response.status_code == 201
        remark = response.json()
        assert (remark["name"], remark["party"], remark["member_label"], remark["kind_label"]) == (
            "Frida Falk",
            "Ø",
            "Frida Falk (Ø)",
            "Protokoltilførsel",
        )
        assert remark["member"] == council.seats["frida"].pk
        response = _post(council, "frida", url, {"kind": "protokoltilførsel", "text": "Ny tekst."})
        assert response.status_code == 200
        assert [r["text"] for r in council.api("secretary").get(url).json()] == ["Ny tekst."]

    @pytest.mark.parametrize(
        ("who", "status"), [("secretary", 403), ("superuser", 403), ("outsider", 404)]
    )
    def test_anyone_else_is_refused_in_danish(
        self, council: Council, who: str, status: int
    ) -> None:
        response = _post(
            council,
            who,
            _url(council, 1, "remarks"),
            {"kind": "protokoltilførsel", "text": "Imod."},
        )
        assert response.status_code == status
        if status == 403:
            assert response.json() == {
                "detail": "Kun organets medlemmer kan selv skrive en protokoltilførsel eller en "
                "udtalelse."
            }
        assert not Remark.objects.exists()

    def test_a_text_over_the_limit_is_refused_with_its_length(self, council: Council) -> None:
        response = _post(
            council,
            "frida",
            _url(council, 1, "remarks"),
            {"kind": "protokoltilførsel", "text": "x" * 1001},
        )
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Teksten må højst være 1.000 tegn; den er 1.001. Forkort den."
        }
        assert not Remark.objects.exists()

    def test_an_unknown_kind_is_refused(self, council: Council) -> None:
        response = _post(
            council, "frida", _url(council, 1, "remarks"), {"kind": "klage", "text": "Hm."}
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "Vælg protokoltilførsel eller mindretalsudtalelse."}

    def test_only_the_member_withdraws_it(self, council: Council) -> None:
        url = _url(council, 1, "remarks")
        remark = _post(council, "frida", url, {"kind": "protokoltilførsel", "text": "Imod."}).json()
        assert council.api("anne").delete(f"{url}{remark['id']}/").status_code == 403
        assert council.api("secretary").delete(f"{url}{remark['id']}/").status_code == 403
        assert Remark.objects.count() == 1
        assert council.api("frida").delete(f"{url}{remark['id']}/").status_code == 204
        assert not Remark.objects.exists()


class TestAddenda:
    def test_an_addition_before_approval_is_409_and_adds_nothing(self, council: Council) -> None:
        response = _post(
            council,
            "secretary",
            _url(council, 1, "addenda"),
            {"text": "Rettelse.", "reason": "Fejl"},
        )
        assert response.status_code == 409
        assert response.json() == {
            "detail": "Punkt 1 er ikke godkendt endnu. Ret teksten direkte; en tilføjelse "
            "bruges først, når medlemmerne har godkendt punktet."
        }
        assert not Addendum.objects.exists()

    def test_an_addition_after_approval_leaves_the_original_locked_until_all_signers_approve(
        self, council: Council
    ) -> None:
        council.approve_all()
        item = council.item(1)
        original = Decision.objects.get(item=item).text
        response = _post(
            council,
            "secretary",
            _url(council, 1, "addenda"),
            {"text": "Planen omfatter også matr. nr. 12a.", "reason": "Matriklen manglede."},
        )
        assert response.status_code == 201
        addendum = response.json()
        assert addendum["approved_at"] is None
        assert [a["name"] for a in addendum["awaiting"]] == [
            "Anne Andersen",
            "Bent Bach",
            "Dorte Dahl",
            "Frida Falk",
        ]
        # The original is locked: an edit of the decision is refused.
        edit = council.api("secretary").patch(
            f"/api/items/{item.pk}/",
            {"version": item.version, "decision": {"text": "<p>Ændret.</p>"}},
            format="json",
        )
        assert edit.status_code == 423
        assert Decision.objects.get(item=item).text == original

        approve = f"/api/addenda/{addendum['id']}/approve/"
        assert council.api("secretary").post(approve).status_code == 403
        for name in ("anne", "bent", "dorte"):
            response = council.api(name).post(approve)
            assert response.status_code == 200
            assert response.json()["approved_at"] is None
        response = council.api("frida").post(approve)
        assert response.json()["approved_at"] is not None
        assert response.json()["awaiting"] == []
        shown = council.api("anne").get(f"/api/items/{item.pk}/").json()
        assert shown["decision"]["text"] == original
        assert shown["addenda"][0]["text"] == "Planen omfatter også matr. nr. 12a."
        assert shown["addenda"][0]["approved_at"] is not None

    def test_only_the_secretary_adds_one_and_says_why(self, council: Council) -> None:
        council.approve_all()
        url = _url(council, 1, "addenda")
        assert _post(council, "anne", url, {"text": "X", "reason": "Y"}).status_code == 403
        response = _post(council, "secretary", url, {"text": "Tilføjelse"})
        assert response.status_code == 400
        assert response.json() == {"reason": ["Feltet skal udfyldes."]}
        assert not Addendum.objects.exists()

    def test_an_addition_outsiders_may_not_see_is_404(self, council: Council) -> None:
        council.approve_all()
        addendum = _post(
            council, "secretary", _url(council, 2, "addenda"), {"text": "Tilføjet.", "reason": "X"}
        ).json()
        meeting_publish(meeting=council.meeting, actor=council.secretary)
        for who in ("staff", "outsider"):
            response = council.api(who).post(f"/api/addenda/{addendum['id']}/approve/")
            assert response.status_code == 404
            assert CLOSED_TOKEN.encode() not in response.content
        assert not AddendumApproval.objects.exists()


class TestItemJson:
    def test_a_reader_gets_the_items_protocol(self, council: Council) -> None:
        vote_record(
            actor=council.secretary,
            item=council.item(1),
            question="Forslaget",
            for_ids=council.ids(*EVERYONE),
            against_ids=[],
            abstain_ids=[],
        )
        _post(
            council,
            "frida",
            _url(council, 1, "remarks"),
            {"kind": "protokoltilførsel", "text": "Imod."},
        )
        item = council.api("anne").get(f"/api/items/{council.item(1).pk}/").json()
        assert [v["result"] for v in item["votes"]] == ["vedtaget"]
        assert [r["text"] for r in item["remarks"]] == ["Imod."]
        assert len(item["participation"]["present"]) == 7
        assert item["addenda"] == []
        assert item["decision"]["public_text"] == ""

    def test_the_secretary_writes_the_public_decision_through_the_item(
        self, council: Council
    ) -> None:
        item = council.item(2)
        response = council.api("secretary").patch(
            f"/api/items/{item.pk}/",
            {"version": item.version, "decision": {"public_text": PUBLIC_TEXT}},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["decision"]["public_text"] == PUBLIC_TEXT
        # The confidential decision is kept as it was.
        assert CLOSED_TOKEN in response.json()["decision"]["text"]
        assert Decision.objects.get(item=item).public_text == PUBLIC_TEXT

    def test_a_public_decision_on_an_open_item_is_refused_with_the_rest_of_the_edit(
        self, council: Council
    ) -> None:
        item = council.item(1)
        response = council.api("secretary").patch(
            f"/api/items/{item.pk}/",
            {"version": item.version, "title": "Ny titel", "decision": {"public_text": "X"}},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["detail"].startswith("Kun et lukket punkt har en særskilt")
        item.refresh_from_db()
        assert (item.title, Decision.objects.get(item=item).public_text) == (
            "Lokalplan 1100 for Havnefronten",
            "",
        )

    def test_review_waits_for_the_public_decision(self, council: Council) -> None:
        url = f"/api/meetings/{council.meeting.pk}/transitions/"
        response = _post(council, "secretary", url, {"action": "submit_for_review"})
        assert response.status_code == 409
        assert response.json()["detail"].startswith(
            "Lukket punkt 2 mangler en offentlig beslutning"
        )
        council.meeting.refresh_from_db()
        assert council.meeting.status == Meeting.Status.DRAFT
        item = council.item(2)
        council.api("secretary").patch(
            f"/api/items/{item.pk}/",
            {"version": item.version, "decision": {"public_text": PUBLIC_TEXT}},
            format="json",
        )
        response = _post(council, "secretary", url, {"action": "submit_for_review"})
        assert response.status_code == 200
        assert response.json()["status"] == "til_godkendelse"

    def test_outsiders_get_the_stub_with_the_public_decision_and_nothing_else(
        self, council: Council
    ) -> None:
        vote_record(
            actor=council.secretary,
            item=council.item(2),
            question=f"Købet {CLOSED_TOKEN}",
            for_ids=council.ids(*EVERYONE),
            against_ids=[],
            abstain_ids=[],
        )
        council.approve_all()
        meeting_publish(meeting=council.meeting, actor=council.secretary)
        item = council.item(2)
        for who in ("staff", "outsider"):
            api = council.api(who)
            response = api.get(f"/api/items/{item.pk}/")
            assert response.status_code == 200
            assert response.json() == {
                "id": item.pk,
                "number": 2,
                "title": "Lukket",
                "case_number": "26/102",
                "closed": True,
                "public_decision": PUBLIC_TEXT,
            }
            meeting = api.get(f"/api/meetings/{council.meeting.pk}/")
            assert CLOSED_TOKEN.encode() not in meeting.content
            stub = meeting.json()["items"][1]
            assert (stub["title"], stub["public_decision"]) == ("Lukket", PUBLIC_TEXT)
            # The open items carry no such key.
            assert "public_decision" not in meeting.json()["items"][0]
            for part in ("participation", "votes", "remarks", "addenda"):
                response = api.get(_url(council, 2, part))
                assert response.status_code == 404
                assert CLOSED_TOKEN.encode() not in response.content
        # The body's members read it all.
        item_json = council.api("anne").get(f"/api/items/{item.pk}/").json()
        assert item_json["votes"][0]["question"] == f"Købet {CLOSED_TOKEN}"
        assert item_json["decision"]["public_text"] == PUBLIC_TEXT
