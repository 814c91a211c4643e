"""The protocol's pages as the secretary, a member, staff and anonymous users meet them: who
took part in an item, votes entered by party, a closed item's public decision, a member's
protokoltilførsel, and an addition (tilføjelse) to approved minutes."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from meetings.models import (
    Addendum,
    AgendaItem,
    Ballot,
    Decision,
    ItemParticipation,
    Remark,
    Vote,
)
from tests.conftest import unlock_decisions
from tests.protocol_pages_scenario import Council, build_council
from tests.review_scenario import CLOSED_TOKEN, PUBLIC_DECISION, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(people) -> Council:
    return build_council(people)


def text_of(response) -> str:
    """The page as a reader sees its text: tags out, entities read, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return re.sub(r" ([.,:;])", r"\1", text)


def secretary(council: Council) -> Client:
    return council.people.client_for("secretary")


class TestWhoTookPart:
    def test_an_inhabil_member_is_absent_from_the_item_and_printed_so(
        self, council: Council
    ) -> None:
        item, bo = council.open_item, council.seat("bo")
        response = secretary(council).post(
            f"/items/{item.pk}/participation/",
            {f"part-{bo.pk}": "inhabil", f"note-{bo.pk}": "ejer naboejendommen"},
        )
        assert response.status_code == 302
        row = ItemParticipation.objects.get(item=item)
        assert (row.member, row.kind, row.note) == (bo, "inhabil", "ejer naboejendommen")

        for role in ("secretary", "director"):
            page = text_of(council.people.client_for(role).get(council.meeting.get_absolute_url()))
            assert (
                "Bo Berg (V) deltog ikke i behandlingen af punktet "
                "(inhabil: ejer naboejendommen)." in page
            )
        # Bo cannot vote on the item: the party V is Birgitte alone now.
        page = text_of(secretary(council).get(f"/items/{item.pk}/protocol/"))
        assert "V – Venstre (1 deltog)" in page

    def test_inhabil_without_a_reason_is_refused_and_the_form_keeps_what_was_chosen(
        self, council: Council
    ) -> None:
        item, bo, carl = council.open_item, council.seat("bo"), council.seat("carl")
        response = secretary(council).post(
            f"/items/{item.pk}/participation/",
            {f"part-{bo.pk}": "inhabil", f"part-{carl.pk}": "fraværende", f"note-{carl.pk}": "syg"},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Angiv kort, hvorfor Bo Berg er inhabil (forvaltningslovens § 3)." in page
        assert re.search(rf'name="part-{bo.pk}".*?value="inhabil" selected', page, re.S)
        assert f'name="note-{carl.pk}" id="note-{carl.pk}" value="syg"' in page
        assert not ItemParticipation.objects.filter(item=item).exists()

    def test_a_substitute_takes_a_seat_for_one_item(self, council: Council) -> None:
        item, anne, carl = council.open_item, council.seat("anne"), council.seat("carl")
        response = secretary(council).post(
            f"/items/{item.pk}/participation/",
            {"sub-member-0": anne.pk, "sub-for-0": carl.pk},
        )
        assert response.status_code == 302
        page = text_of(
            council.people.client_for("director").get(council.meeting.get_absolute_url())
        )
        assert "Anne Hansen (A) deltog som stedfortræder for Carl Ravn (Ø)." in page

    def test_the_quick_entry_sets_the_items_after_the_one_a_member_left(
        self, council: Council
    ) -> None:
        lars, client = council.seat("lars"), secretary(council)
        response = client.post(
            f"/items/{council.open_item.pk}/absence/",
            {"quick-member": lars.pk, "quick-mode": "efter", "quick-from": "1"},
        )
        assert response.status_code == 302
        assert sorted(
            ItemParticipation.objects.filter(member=lars).values_list("item__number", flat=True)
        ) == [2, 3]
        follow = client.get(response["Location"])
        assert "Lars Holte (A) er registreret som fraværende i punkt 2, 3." in text_of(follow)
        page = text_of(secretary(council).get(council.meeting.get_absolute_url()))
        assert (
            "Lars Holte (A) deltog ikke i behandlingen af punktet "
            "(fraværende: forlod mødet efter punkt 1)." in page
        )

    def test_the_quick_entry_after_the_last_item_is_refused_in_danish(
        self, council: Council
    ) -> None:
        lars = council.seat("lars")
        response = secretary(council).post(
            f"/items/{council.open_item.pk}/absence/",
            {"quick-member": lars.pk, "quick-mode": "efter", "quick-from": "3"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 400
        assert "Punkt 3 er mødets sidste punkt" in response.content.decode()
        assert 'id="protokol-region"' in response.content.decode()
        assert not ItemParticipation.objects.exists()

    def test_a_member_may_read_the_protocol_page_but_not_change_it(self, council: Council) -> None:
        client = council.people.client_for("director")
        item, bo = council.open_item, council.seat("bo")
        page = client.get(f"/items/{item.pk}/protocol/").content.decode()
        assert "Gem deltagelsen" not in page
        response = client.post(
            f"/items/{item.pk}/participation/",
            {f"part-{bo.pk}": "fraværende"},
        )
        assert response.status_code == 403
        assert not ItemParticipation.objects.exists()

    def test_an_approved_item_shows_its_protocol_and_takes_no_change(self, review: Review) -> None:
        item = review.item(review.published, 1)
        client = review.people.client_for("secretary")
        page = text_of(client.get(f"/items/{item.pk}/protocol/"))
        assert "Gem deltagelsen" not in page and "Registrér afstemningen" not in page
        director = review.people.seat(review.people.director)
        response = client.post(
            f"/items/{item.pk}/participation/",
            {f"part-{director}": "fraværende"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 423
        assert "Mødet er offentliggjort, så punkterne kan ikke længere redigeres." in text_of(
            response
        )
        assert not ItemParticipation.objects.exists()

    def test_the_editor_carries_the_protocol(self, council: Council) -> None:
        page = secretary(council).get(f"/items/{council.closed_item.pk}/edit/").content.decode()
        assert 'id="protokol-region"' in page
        assert "Stemmer efter parti" in page
        assert "Det, offentligheden må læse om beslutningen" in page


class TestVotes:
    def vote_by_party(self, council: Council, **extra: str) -> dict[str, str]:
        parties = {m.party.letter: m.party.pk for m in council.seats.values() if m.party}
        return {
            "question": "Indstillingen",
            f"party-{parties['A']}": "for",
            f"party-{parties['V']}": "for",
            f"party-{parties['Ø']}": "imod",
            **extra,
        }

    def test_a_vote_by_party_with_one_exception_shows_the_tally_and_result(
        self, council: Council
    ) -> None:
        item, dorte = council.open_item, council.seat("dorte")
        response = secretary(council).post(
            f"/items/{item.pk}/votes/",
            self.vote_by_party(council, **{f"ballot-{dorte.pk}": "undlod"}),
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        sentence = (
            "For stemte: A (2), V (2). Imod stemte: Ø (1). Undlod: Ø (1). Forslaget blev vedtaget."
        )
        assert f"Afstemning 1 er registreret. {sentence}" in text_of(response)
        vote = Vote.objects.get(item=item)
        ballots = {b.member.display_name: b.choice for b in vote.ballots.all()}
        assert ballots == {
            "Lars Holte": "for",
            "Eva Esbensen": "for",
            "Birgitte Dam": "for",
            "Bo Berg": "for",
            "Carl Ravn": "imod",
            "Dorte Dal": "undlod",
        }
        for role in ("director", "secretary"):
            page = text_of(council.people.client_for(role).get(council.meeting.get_absolute_url()))
            assert f"Afstemning: Indstillingen {sentence}" in page

    def test_a_vote_typed_as_text_is_read_by_party(self, council: Council) -> None:
        client = secretary(council)
        response = client.post(
            f"/items/{council.open_item.pk}/votes/",
            {"question": "Ændringsforslag fra Ø", "vote-text": "Ø for, A og V imod"},
        )
        assert response.status_code == 302
        page = text_of(client.get(response["Location"]))
        assert (
            "For stemte: Ø (2). Imod stemte: A (2), V (2). Undlod: –. Forslaget blev forkastet."
            in page
        )

    def test_a_vote_that_leaves_out_a_present_party_is_refused_and_keeps_the_question(
        self, council: Council
    ) -> None:
        data = self.vote_by_party(council)
        data.pop(next(k for k, v in data.items() if v == "imod"))
        data["question"] = "Forslaget om busdrift"
        response = secretary(council).post(f"/items/{council.open_item.pk}/votes/", data)
        assert response.status_code == 400
        page = text_of(response)
        assert "Der mangler en stemme fra Carl Ravn (Ø), Dorte Dal (Ø)." in page
        assert ">Forslaget om busdrift</textarea>" in response.content.decode()
        assert not Vote.objects.exists()

    def test_a_text_that_contradicts_the_selects_is_refused(self, council: Council) -> None:
        response = secretary(council).post(
            f"/items/{council.open_item.pk}/votes/",
            self.vote_by_party(council, **{"vote-text": "Ø for"}),
        )
        assert response.status_code == 400
        assert "Parti Ø står både som Imod og For." in text_of(response)
        assert not Vote.objects.exists()

    def test_an_inhabil_member_cannot_be_given_a_vote(self, council: Council) -> None:
        item, bo = council.open_item, council.seat("bo")
        secretary(council).post(
            f"/items/{item.pk}/participation/",
            {f"part-{bo.pk}": "inhabil", f"note-{bo.pk}": "ejer naboejendommen"},
        )
        page = secretary(council).get(f"/items/{item.pk}/protocol/").content.decode()
        assert f'name="ballot-{bo.pk}"' not in page
        response = secretary(council).post(
            f"/items/{item.pk}/votes/",
            self.vote_by_party(council, **{f"ballot-{bo.pk}": "imod"}),
        )
        assert response.status_code == 302
        assert not Ballot.objects.filter(member=bo).exists()

    def test_the_preview_counts_before_anything_is_recorded(self, council: Council) -> None:
        item, dorte = council.open_item, council.seat("dorte")
        response = secretary(council).post(
            f"/items/{item.pk}/votes/preview/",
            self.vote_by_party(council, **{f"ballot-{dorte.pk}": "undlod"}),
            HTTP_HX_REQUEST="true",
        )
        page = text_of(response)
        assert "Optælling: For 4 · Imod 1 · Undlod 1 – forslaget bliver vedtaget." in page
        unfinished = secretary(council).post(
            f"/items/{item.pk}/votes/preview/", {"question": "x"}, HTTP_HX_REQUEST="true"
        )
        assert "Endnu ikke færdig: Der mangler en stemme fra" in text_of(unfinished)
        assert not Vote.objects.exists()

    def test_a_vote_is_deleted_while_the_item_takes_edits(self, council: Council) -> None:
        item = council.open_item
        secretary(council).post(f"/items/{item.pk}/votes/", self.vote_by_party(council))
        vote = Vote.objects.get(item=item)
        response = secretary(council).post(f"/votes/{vote.pk}/remove/", HTTP_HX_REQUEST="true")
        assert "Afstemning 1 er slettet." in text_of(response)
        assert not Vote.objects.exists()

    def test_a_vote_on_a_closed_item_stays_with_the_body(self, council: Council) -> None:
        item = council.closed_item
        secretary(council).post(
            f"/items/{item.pk}/votes/",
            self.vote_by_party(council, question=f"Købet {CLOSED_TOKEN}"),
        )
        assert Vote.objects.filter(item=item).exists()
        page = council.people.client_for("director").get(council.meeting.get_absolute_url())
        assert f"Købet {CLOSED_TOKEN}" in page.content.decode()
        # The outsider of another body cannot open this draft at all.
        response = council.people.client_for("outsider").get(f"/items/{item.pk}/protocol/")
        assert response.status_code == 404


class TestPublicDecision:
    def test_the_secretary_writes_it_with_the_hint_of_who_reads_it(self, council: Council) -> None:
        item = council.closed_item
        page = text_of(secretary(council).get(f"/items/{item.pk}/protocol/"))
        assert "Det er denne tekst, offentligheden og alle uden for organet læser" in page
        response = secretary(council).post(
            f"/items/{item.pk}/public-decision/",
            {"public_text": "Byrådet godkendte købet af en ejendom."},
        )
        assert response.status_code == 302
        assert Decision.objects.get(item=item).public_text == (
            "Byrådet godkendte købet af en ejendom."
        )
        # An open item has no separate public decision.
        response = secretary(council).post(
            f"/items/{council.open_item.pk}/public-decision/", {"public_text": "x"}
        )
        assert response.status_code == 400
        assert "Kun et lukket punkt har en særskilt offentlig beslutning" in text_of(response)

    @pytest.mark.parametrize("role", ["staff", "outsider", "director", "secretary"])
    def test_the_public_decision_is_shown_to_staff_while_the_closed_text_is_not(
        self, review: Review, role: str
    ) -> None:
        meeting = review.published
        closed = review.item(meeting, 2)
        vote_question = f"Fratrædelsen {CLOSED_TOKEN}"
        # A vote of the closed item is its content as well (added past the approval lock, as
        # the minutes' owner could, and locked again).
        unlock_decisions(meeting)
        vote = Vote.objects.create(item=closed, position=1, question=vote_question)
        for user in review.reviewers:
            Ballot.objects.create(vote=vote, member_id=review.people.seat(user), choice="for")
        Decision.objects.filter(item__meeting=meeting).update(locked=True)
        response = review.people.client_for(role).get(meeting.get_absolute_url())
        page = response.content.decode()
        assert response.status_code == 200
        assert PUBLIC_DECISION in page
        if role in ("staff", "outsider"):
            assert "Punkt 2: Lukket" in text_of(response)
            assert "17/173" in page
            assert CLOSED_TOKEN not in page
            assert "For stemte" not in page.split("punkt-2")[-1]
        else:
            assert CLOSED_TOKEN in page
            assert vote_question in page

    def test_an_internal_bodys_minutes_are_not_found_by_the_anonymous(self, review: Review) -> None:
        # Direktionen is internal: its published minutes are for the municipality's staff.
        url = review.published.get_absolute_url()
        response = Client().get(url)
        assert response.status_code == 404
        assert f'href="/login/?next={url}"' in response.content.decode()
        assert PUBLIC_DECISION not in response.content.decode()


class TestProtokoltilfoersel:
    def url(self, item: AgendaItem) -> str:
        return f"/items/{item.pk}/remarks/"

    def test_a_member_writes_it_on_the_review_page_and_it_is_printed_with_name_and_party(
        self, review: Review
    ) -> None:
        decided = review.item(review.in_review, 1)
        client = review.people.client_for("director")
        page = client.get(f"/meetings/{review.in_review.pk}/review/").content.decode()
        assert "Din protokoltilførsel" in page
        assert 'data-max-length="1000"' in page
        response = client.post(
            self.url(decided),
            {"kind": "protokoltilførsel", "text": "Jeg kan ikke støtte udbuddet."},
        )
        assert response.status_code == 302
        remark = Remark.objects.get(item=decided)
        assert remark.member.user == review.people.director
        followed = text_of(client.get(response["Location"]))
        assert "Din protokoltilførsel til punkt 1 er gemt." in followed
        assert "Træk protokoltilførslen tilbage" in followed
        for role in ("secretary", "chair"):
            meeting_page = text_of(review.client_for(role).get(review.in_review.get_absolute_url()))
            assert "Protokoltilførsel Lars: Jeg kan ikke støtte udbuddet." in meeting_page

    def test_a_member_who_did_not_take_part_in_the_item_gets_no_box_for_it(
        self, council: Council
    ) -> None:
        lars = council.seat("lars")
        secretary(council).post(
            f"/items/{council.open_item.pk}/participation/", {f"part-{lars.pk}": "fraværende"}
        )
        client = council.people.client_for("director")
        page = text_of(client.get(f"/meetings/{council.meeting.pk}/review/"))
        assert "Din protokoltilførsel til punkt 1" not in page
        assert "Din protokoltilførsel til punkt 3" in page
        response = client.post(
            f"/items/{council.open_item.pk}/remarks/",
            {"kind": "protokoltilførsel", "text": "Uenig."},
        )
        assert response.status_code == 403
        assert "Du deltog ikke i behandlingen af punkt 1" in text_of(response)
        assert "Uenig." in text_of(response)

    def test_the_secretary_cannot_write_one_and_her_text_is_kept(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        response = review.people.client_for("secretary").post(
            self.url(item), {"kind": "protokoltilførsel", "text": "Sekretærens egen mening."}
        )
        assert response.status_code == 403
        page = text_of(response)
        assert "Kun organets medlemmer kan selv skrive en protokoltilførsel" in page
        assert "Sekretærens egen mening." in page
        assert not Remark.objects.exists()

    def test_an_over_long_text_is_refused_in_danish_and_stays_in_the_box(
        self, review: Review
    ) -> None:
        item = review.item(review.in_review, 1)
        text = "Jeg er uenig. " + "x" * 990
        response = review.people.client_for("director").post(
            self.url(item), {"kind": "protokoltilførsel", "text": text}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Teksten må højst være 1.000 tegn; den er 1.004. Forkort den." in text_of(response)
        assert re.search(rf'id="remark-dissent-{item.pk}"[^>]*>{re.escape(text)}</textarea>', page)
        assert not Remark.objects.exists()

    def test_line_breaks_count_as_one_character_as_the_counter_counts_them(
        self, review: Review
    ) -> None:
        item = review.item(review.in_review, 1)
        text = "\r\n".join(["x" * 99] * 10)  # 990 + 9 line breaks = 999 characters
        response = review.people.client_for("director").post(
            self.url(item), {"kind": "protokoltilførsel", "text": text}
        )
        assert response.status_code == 302
        assert len(Remark.objects.get(item=item).text) == 999

    def test_a_member_withdraws_it(self, review: Review) -> None:
        item = review.item(review.in_review, 1)
        client = review.people.client_for("director")
        client.post(self.url(item), {"kind": "protokoltilførsel", "text": "Uenig."})
        remark = Remark.objects.get()
        response = client.post(f"/remarks/{remark.pk}/withdraw/")
        assert response.status_code == 302
        assert not Remark.objects.exists()
        # Another member cannot withdraw it.
        client.post(self.url(item), {"kind": "protokoltilførsel", "text": "Uenig."})
        remark = Remark.objects.get()
        response = review.client_for("chair").post(f"/remarks/{remark.pk}/withdraw/")
        assert response.status_code == 403
        assert "Kun medlemmet selv kan trække sin tekst tilbage." in text_of(response)
        assert Remark.objects.exists()


class TestAdditions:
    def test_an_addition_after_approval_leaves_the_original_text(self, review: Review) -> None:
        meeting = review.published
        item = review.item(meeting, 1)
        original = Decision.objects.get(item=item).text
        response = review.people.client_for("secretary").post(
            f"/items/{item.pk}/addenda/",
            {"text": "Beløbet er 2,1 mio. kr., ikke 1,2 mio. kr.", "reason": "Tastefejl."},
        )
        assert response.status_code == 302
        addendum = Addendum.objects.get(item=item)
        assert addendum.approved_at is None
        assert Decision.objects.get(item=item).text == original

        # Until the signers approve it, only the body sees it, marked as awaiting approval.
        director_page = text_of(
            review.people.client_for("director").get(meeting.get_absolute_url())
        )
        assert "Afventer godkendelse Beløbet er 2,1 mio. kr., ikke 1,2 mio. kr." in director_page
        staff_page = review.people.client_for("staff").get(meeting.get_absolute_url())
        assert "Beløbet er 2,1 mio. kr." not in staff_page.content.decode()

        # Each signer sees it among their tasks and approves it there.
        for role in ("director", "chair"):
            client = review.client_for(role)
            tasks = text_of(client.get("/tasks/"))
            assert "Tilføjelser, der venter på din godkendelse" in tasks
            assert "Godkend tilføjelsen" in tasks
            response = client.post(f"/addenda/{addendum.pk}/approve/", {"back": "tasks"})
            assert response.status_code == 302 and response["Location"] == "/tasks/"
            assert "Godkend tilføjelsen" not in text_of(client.get("/tasks/"))
        addendum.refresh_from_db()
        assert addendum.approved_at is not None

        staff_page = text_of(review.people.client_for("staff").get(meeting.get_absolute_url()))
        date = addendum.created_at.astimezone().strftime("%d-%m-%Y")
        assert (
            f"Godkendt. Tilføjelse af {date} Beløbet er 2,1 mio. kr., ikke 1,2 mio. kr. "
            "Tilføjet af Kathrine. Begrundelse: Tastefejl."
        ) in staff_page
        assert Decision.objects.get(item=item).text == original

    def test_the_signers_see_the_button_on_the_review_page(self, review: Review) -> None:
        item = review.item(review.published, 1)
        review.people.client_for("secretary").post(
            f"/items/{item.pk}/addenda/", {"text": "Rettelse.", "reason": "Fejl i beløbet."}
        )
        url = f"/meetings/{review.published.pk}/review/"
        director_page = text_of(review.people.client_for("director").get(url))
        assert "Godkend tilføjelsen til punkt 1" in director_page
        assert "Venter på: Birgitte Dam, Lars." in director_page
        secretary_page = text_of(review.people.client_for("secretary").get(url))
        assert "Godkend tilføjelsen" not in secretary_page
        response = review.people.client_for("secretary").post(
            f"/addenda/{Addendum.objects.get().pk}/approve/"
        )
        assert response.status_code == 403
        assert "Kun de medlemmer, der godkendte punktet, godkender tilføjelsen." in text_of(
            response
        )

    def test_an_addition_before_approval_is_refused_and_the_text_is_kept(
        self, review: Review
    ) -> None:
        item = review.item(review.draft, 1)
        response = review.people.client_for("secretary").post(
            f"/items/{item.pk}/addenda/", {"text": "Min rettelse.", "reason": "Fejl."}
        )
        assert response.status_code == 409
        page = text_of(response)
        assert "Punkt 1 er ikke godkendt endnu. Ret teksten direkte" in page
        assert "Min rettelse." in page
        assert not Addendum.objects.exists()

    def test_only_the_secretary_adds_one(self, review: Review) -> None:
        item = review.item(review.published, 1)
        response = review.people.client_for("director").post(
            f"/items/{item.pk}/addenda/", {"text": "Rettelse.", "reason": "Fejl."}
        )
        assert response.status_code == 403
        assert not Addendum.objects.exists()
