"""The beslutningsprotokol in the minutes PDF, read back from real PDFs: who did not take part,
substitutes, votes, protokoltilførsler and mindretalsudtalelser, approved additions, the
signature page; the public PDF with a closed item's public decision and nothing else of it;
and a PDF made before any of these changed is no longer current."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.utils import timezone

from meetings.models import DecisionApproval, MeetingTransition
from meetings.services.protocol import (
    addendum_add,
    addendum_approve,
    addendum_signers,
    public_decision_set,
    remark_save,
    vote_record,
)
from pdf.content import danish_time
from pdf.models import PdfJob
from pdf.services import pdf_job_is_current, pdf_request
from tests.conftest import People
from tests.pdf.conftest import RenderFor
from tests.protocol_print_scenario import (
    ADDENDUM_REASON,
    ADDENDUM_TEXT,
    CLOSED_REMARK,
    CLOSED_VOTE,
    COUNCIL_PUBLIC_DECISION,
    DISSENT,
    MINORITY,
    Council,
    build_council,
)
from tests.review_scenario import CLOSED_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(people: People) -> Council:
    return build_council(people)


@pytest.fixture
def council_draft(people: People) -> Council:
    return build_council(people, stage="draft")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _plumbed_text(data: bytes) -> str:
    """The text as pdfplumber reads it, a second reader beside pypdf."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


class TestTheProtocolUnderEachItem:
    def test_an_inhabil_member_is_printed_as_not_taking_part_with_the_reason(
        self, council: Council, render_for: RenderFor
    ) -> None:
        item = "\n".join(render_for(council.meeting, "internal").item_pages(1))
        assert (
            "Carl Holm (A) deltog ikke i behandlingen af punktet (inhabil: ejer en naboejendom)."
            in item
        )

    def test_each_vote_prints_its_question_tally_and_result_in_order(
        self, council: Council, render_for: RenderFor
    ) -> None:
        lines = _lines("\n".join(render_for(council.meeting, "internal").item_pages(1)))
        amendment = lines.index("Afstemning: Ændringsforslag fra Ø om at udskyde lokalplanen")
        assert lines[amendment + 1] == (
            "For stemte: Ø (1). Imod stemte: V (2), A (1). Undlod: –. Forslaget blev forkastet."
        )
        recommendation = lines.index("Afstemning: Indstillingen")
        assert recommendation > amendment
        assert lines[recommendation + 1] == (
            "For stemte: V (2), A (1). Imod stemte: Ø (1). Undlod: –. Forslaget blev vedtaget."
        )

    def test_remarks_carry_the_members_name_and_party_under_the_decision(
        self, council: Council, render_for: RenderFor
    ) -> None:
        pdf = render_for(council.meeting, "internal")
        plan = _lines("\n".join(pdf.item_pages(1)))
        heading = plan.index("Protokoltilførsel fra Dorte Lund (Ø):")
        assert heading > plan.index("Beslutning Byrådet den 25-11-2026")
        assert plan[heading + 1] == DISSENT
        sports = _lines("\n".join(pdf.item_pages(3)))
        minority = sports.index("Mindretalsudtalelse fra Carl Holm (A):")
        assert sports[minority + 1] == MINORITY

    def test_an_approved_addition_is_printed_with_its_date_reason_and_author(
        self, council: Council, render_for: RenderFor
    ) -> None:
        assert council.addendum is not None and council.addendum.approved_at is not None
        made = timezone.localtime(council.addendum.created_at).strftime("%d-%m-%Y")
        approved = timezone.localtime(council.addendum.approved_at).strftime("%d-%m-%Y")
        plan = "\n".join(render_for(council.meeting, "internal").item_pages(1))
        assert f"Tilføjelse af {made}: {ADDENDUM_TEXT}" in plan
        assert (
            f"(Begrundelse: {ADDENDUM_REASON}. Tilføjet af Kathrine. Godkendt {approved}.)" in plan
        )
        # The approved text stays as it was, above the addition.
        assert plan.index("Godkendt.") < plan.index("Tilføjelse af")

    def test_an_addition_the_signers_have_not_all_approved_is_not_printed(
        self, council: Council, render_for: RenderFor
    ) -> None:
        item = council.item(3)
        pending = addendum_add(
            actor=council.people.secretary,
            item=item,
            text="Anlægget placeres nord for skolen.",
            reason="Placeringen manglede",
        )
        addendum_approve(actor=council.users["anne"], addendum=pending)
        text = render_for(council.meeting, "internal").text
        assert "Anlægget placeres nord for skolen." not in text
        assert ADDENDUM_TEXT in text


class TestTheAttendanceList:
    def test_it_marks_the_substitute_the_afbud_and_who_left_items(
        self, council: Council, render_for: RenderFor
    ) -> None:
        front = render_for(council.meeting, "internal").pages[0]
        flat = " ".join(_lines(front))
        assert "Anne Hansen (A, formand)" in flat
        assert "Frida Kjær (V, stedfortræder for Erik Vad)" in flat
        assert "Afbud Erik Vad (V)" in flat
        assert "Deltog ikke i Carl Holm (A): punkt 1 (inhabil)" in flat
        assert "Bo Berg (V): punkt 2 (fraværende)" in flat


class TestTheSignaturePage:
    def test_it_lists_who_signed_and_when_at_the_end(
        self, council: Council, render_for: RenderFor
    ) -> None:
        pdf = render_for(council.meeting, "internal")
        last = _lines(pdf.pages[-1])
        assert last[0] == "Underskrifter"
        for key, label, role in (
            ("anne", "Anne Hansen (A)", "Formand"),
            ("bo", "Bo Berg (V)", "Medlem"),
            ("carl", "Carl Holm (A)", "Medlem"),
            ("dorte", "Dorte Lund (Ø)", "Medlem"),
        ):
            signed = (
                DecisionApproval.objects.filter(
                    reviewer=council.users[key], decision__item__meeting=council.meeting
                )
                .latest("updated_at")
                .updated_at
            )
            when = danish_time(signed)
            assert f"{label} {role} {when}" in last
        approved = MeetingTransition.objects.get(
            meeting=council.meeting, action=MeetingTransition.Action.APPROVE
        )
        when = danish_time(approved.created_at)
        assert f"Referatet blev godkendt {when}." in last
        # A member without a user signs nothing, nor does the secretary.
        assert not any("Frida" in line or "Kathrine" in line for line in last)
        assert ("Underskrifter", len(pdf.pages)) in pdf.bookmarks()

    def test_a_body_whose_chair_alone_approves_has_the_chairs_signature(
        self, people: People, render_for: RenderFor
    ) -> None:
        council = build_council(people, chair_only=True)
        last = _lines(render_for(council.meeting, "internal").pages[-1])
        assert last[0] == "Underskrifter"
        assert "Referatet er godkendt af formanden." in " ".join(last)
        signed = [line for line in last if " kl. " in line and not line.startswith("Referatet")]
        # "… Formand 6. december 2026 kl. 14:05": the date and time are the last five words.
        assert [line.rsplit(" ", 5)[0] for line in signed] == ["Anne Hansen (A) Formand"]

    def test_minutes_not_yet_approved_have_no_signature_page(
        self, council_draft: Council, render_for: RenderFor
    ) -> None:
        pdf = render_for(council_draft.meeting, "internal")
        assert "Underskrifter" not in pdf.text
        assert "Forslaget blev vedtaget." in pdf.text


class TestThePublicPdf:
    def test_a_closed_item_shows_its_public_decision_and_nothing_of_its_protocol(
        self, council: Council, render_for: RenderFor
    ) -> None:
        public = render_for(council.meeting, "public", role="staff")
        closed = _lines("\n".join(public.item_pages(2)))
        assert closed[:2] == ["Punkt 2: Lukket", "25/999"]
        assert COUNCIL_PUBLIC_DECISION in closed
        for text in (public.text, _plumbed_text(public.data)):
            assert CLOSED_TOKEN not in text
            assert "Køb af ejendommen" not in text
            assert "For stemte: A (2), V (1)" not in text  # the closed vote's tally
            assert "Enhedslisten er imod købet" not in text
            assert "Bo Berg (V): punkt 2" not in text
        # The open items keep their protocol in the public PDF.
        assert "Protokoltilførsel fra Dorte Lund (Ø):" in public.text
        assert "Underskrifter" in public.text

    def test_the_internal_pdf_has_the_closed_protocol_and_the_public_text(
        self, council: Council, render_for: RenderFor
    ) -> None:
        closed = "\n".join(render_for(council.meeting, "internal").item_pages(2))
        assert f"Afstemning: {CLOSED_VOTE}" in closed
        assert "For stemte: A (2), V (1). Imod stemte: Ø (1)." in closed
        assert CLOSED_REMARK in closed
        assert f"Offentlig beslutning\n{COUNCIL_PUBLIC_DECISION}" in closed

    def test_the_pdf_queued_on_publication_carries_the_public_decision(
        self, council: Council
    ) -> None:
        job = PdfJob.objects.get(
            meeting=council.meeting,
            variant=PdfJob.Variant.PUBLIC,
            document=PdfJob.Document.MINUTES,
            requested_by=None,
        )
        assert COUNCIL_PUBLIC_DECISION in job.html
        assert CLOSED_TOKEN not in job.html


class TestAnOlderPdfIsNoLongerCurrent:
    def _job(self, council: Council, variant: str = "internal") -> PdfJob:
        people = council.people
        published = council.meeting.status == "published"
        # Staff read published minutes only; the secretary asks for a draft's public PDF.
        actor = people.staff if variant == "public" and published else people.secretary
        job = pdf_request(meeting=council.meeting, variant=variant, document="minutes", actor=actor)
        assert pdf_job_is_current(job, actor)
        return job

    def test_after_a_vote(self, council_draft: Council) -> None:
        job = self._job(council_draft)
        seats = council_draft.seats
        vote_record(
            actor=council_draft.people.secretary,
            item=council_draft.item(3),
            question="Indstillingen",
            for_ids=[seats[k].pk for k in ("anne", "bo", "carl", "dorte", "frida")],
            against_ids=[],
            abstain_ids=[],
        )
        assert not pdf_job_is_current(job, council_draft.people.secretary)

    def test_after_a_remark(self, council_draft: Council) -> None:
        job = self._job(council_draft)
        remark_save(
            actor=council_draft.users["bo"],
            item=council_draft.item(3),
            kind="protokoltilførsel",
            text="Venstre ønsker anlægget udbudt.",
        )
        assert not pdf_job_is_current(job, council_draft.people.secretary)

    def test_after_a_new_public_decision_for_the_public_pdf(self, council_draft: Council) -> None:
        job = self._job(council_draft, "public")
        public_decision_set(
            actor=council_draft.people.secretary,
            item=council_draft.item(2),
            text="Byrådet godkendte købet.",
        )
        assert not pdf_job_is_current(job, council_draft.people.secretary)

    def test_after_an_addition_is_approved_not_before(self, council: Council) -> None:
        job = self._job(council, "public")
        item = council.item(3)
        addendum = addendum_add(
            actor=council.people.secretary,
            item=item,
            text="Anlægget placeres nord for skolen.",
            reason="Placeringen manglede",
        )
        staff = council.people.staff
        assert pdf_job_is_current(job, staff)  # an addition is not printed before approval
        for user_id in addendum_signers(item):
            addendum_approve(actor=type(staff).objects.get(pk=user_id), addendum=addendum)
        assert not pdf_job_is_current(job, staff)
