"""The drafting services against real PostgreSQL: who may act, versions, numbering, files."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from meetings.errors import MeetingLocked, StaleVersion
from meetings.models import AgendaItem, Attachment, Case, Decision, Meeting
from meetings.services.attachments import attachment_add
from meetings.services.items import (
    DecisionInput,
    RecommendationInput,
    decision_set,
    item_create,
    item_move,
    item_remove,
    item_reorder,
    item_update,
    presence_others,
    presence_touch,
)
from meetings.services.meetings import AttendeeInput, meeting_create
from tests.conftest import People
from tests.factories import AgendaItemFactory, MeetingFactory

WHEN = timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30))


@pytest.fixture
def draft(people: People) -> Meeting:
    return MeetingFactory(body=people.body, status=Meeting.Status.DRAFT, starts_at=WHEN)


def pdf(name: str = "plan.pdf", body: bytes = b"%PDF-1.4\n1 0 obj\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx(name: str = "notat.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/msword")


@pytest.mark.django_db
class TestMeetingCreate:
    def test_the_secretary_creates_a_draft_with_participants_and_apologies(
        self, people: People
    ) -> None:
        meeting = meeting_create(
            actor=people.secretary,
            body=people.body,
            starts_at=WHEN,
            location="Mødelokale B105",
            attendees=[
                AttendeeInput(name="Lars Holte", role="medlem", user_id=people.director.pk),
                AttendeeInput(name="Kathrine", role="sekretær"),
                AttendeeInput(name="Per Aalbæk", present=False),
            ],
        )
        assert meeting.status == Meeting.Status.DRAFT
        assert meeting.created_by == people.secretary
        rows = list(meeting.attendances.values_list("name", "role", "present"))
        assert rows == [
            ("Lars Holte", "medlem", True),
            ("Kathrine", "sekretær", True),
            ("Per Aalbæk", "", False),
        ]

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_only_the_bodys_secretary_or_a_superuser_may(self, people: People, role: str) -> None:
        with pytest.raises(PermissionDenied, match="Kun sekretæren for Direktionen"):
            meeting_create(actor=getattr(people, role), body=people.body, starts_at=WHEN)
        meeting_create(actor=people.superuser, body=people.body, starts_at=WHEN)

    def test_a_second_meeting_at_the_same_time_is_refused_in_danish(
        self, people: People, draft: Meeting
    ) -> None:
        with pytest.raises(ValidationError) as info:
            meeting_create(actor=people.secretary, body=people.body, starts_at=WHEN)
        assert "allerede et møde 23-04-2018 kl. 12:30" in info.value.message_dict["starts_at"][0]

    def test_a_missing_date_is_a_field_error(self, people: People) -> None:
        with pytest.raises(ValidationError) as info:
            meeting_create(actor=people.secretary, body=people.body, starts_at=None)
        assert info.value.message_dict["starts_at"] == ["Angiv mødedato og tidspunkt."]

    @pytest.mark.parametrize("year", [1, 1899, 2101, 9999])
    def test_a_date_outside_1900_to_2100_is_a_field_error_and_saves_nothing(
        self, people: People, year: int
    ) -> None:
        with pytest.raises(ValidationError) as info:
            meeting_create(
                actor=people.secretary,
                body=people.body,
                starts_at=timezone.make_aware(dt.datetime(year, 1, 1, 0, 0)),
            )
        assert info.value.message_dict["starts_at"] == [
            "Mødedatoen skal ligge mellem år 1900 og 2100."
        ]
        assert not Meeting.objects.exists()


@pytest.mark.django_db
class TestItemCreate:
    def test_items_are_numbered_in_order_and_a_new_case_number_creates_the_case(
        self, people: People, draft: Meeting
    ) -> None:
        first = item_create(actor=people.secretary, meeting=draft, title="Øvrige sager")
        second = item_create(
            actor=people.secretary,
            meeting=draft,
            title="Udbud af KMD driftskontrakt",
            case_number="17/08444",
            background="<p>Baggrund</p><script>alert(1)</script>",
            recommendation=RecommendationInput(
                unit="ØDC", lead_in="Det indstilles,", clauses=["at udbuddet godkendes", ""]
            ),
            decision=DecisionInput(text="<p onclick='x()'>Godkendt.</p>", outcome="Godkendt"),
        )
        assert (first.number, second.number) == (1, 2)
        # The case is created; it keeps no copy of the item's title (access.case_title).
        assert Case.objects.get(number="17/8444").title == ""
        second.refresh_from_db()
        assert second.background == "<p>Baggrund</p>"
        assert list(second.recommendation.clauses.values_list("text", flat=True)) == [
            "at udbuddet godkendes"
        ]
        assert second.decision.text == "<p>Godkendt.</p>"
        assert second.decision.outcome == Decision.Outcome.APPROVED
        assert second.decision.decided_on == dt.date(2018, 4, 23)

    def test_a_bad_case_number_saves_nothing(self, people: People, draft: Meeting) -> None:
        with pytest.raises(ValidationError) as info:
            item_create(actor=people.secretary, meeting=draft, title="Punkt", case_number="2017/1")
        assert "ÅÅ/NNNNN" in info.value.message_dict["case_number"][0]
        assert not AgendaItem.objects.exists()

    def test_a_bad_outcome_saves_nothing_not_even_the_case(
        self, people: People, draft: Meeting
    ) -> None:
        with pytest.raises(ValidationError):
            item_create(
                actor=people.secretary,
                meeting=draft,
                title="Punkt",
                case_number="18/5",
                decision=DecisionInput(outcome="Vedtaget med akklamation"),
            )
        assert not Case.objects.filter(number="18/5").exists()

    def test_a_closed_items_title_never_becomes_the_cases_title(
        self, people: People, draft: Meeting
    ) -> None:
        item_create(
            actor=people.secretary,
            meeting=draft,
            title="Fyringsrunde",
            case_number="18/77",
            closed=True,
        )
        assert Case.objects.get(number="18/77").title == ""

    def test_the_director_may_not_add_items(self, people: People, draft: Meeting) -> None:
        with pytest.raises(PermissionDenied):
            item_create(actor=people.director, meeting=draft, title="Punkt")


@pytest.mark.django_db
class TestItemUpdate:
    def test_a_save_raises_the_version_and_records_who(
        self, people: People, draft: Meeting
    ) -> None:
        item = item_create(actor=people.secretary, meeting=draft, title="Punkt")
        saved = item_update(actor=people.superuser, item=item, version=1, background="<p>Ny</p>")
        assert saved.version == 2
        assert saved.background == "<p>Ny</p>"
        assert saved.updated_by == people.superuser
        assert saved.title == "Punkt"  # not given, not touched

    def test_it_refuses_a_stale_version_and_carries_the_current_item(
        self, people: People, draft: Meeting
    ) -> None:
        item = item_create(actor=people.secretary, meeting=draft, title="Punkt")
        item_update(actor=people.secretary, item=item, version=1, background="<p>A</p>")
        with pytest.raises(StaleVersion) as info:
            item_update(actor=people.secretary, item=item, version=1, background="<p>B</p>")
        assert info.value.current.background == "<p>A</p>"
        assert info.value.current.version == 2
        item.refresh_from_db()
        assert item.background == "<p>A</p>"

    def test_a_stale_save_creates_no_case_and_no_decision(
        self, people: People, draft: Meeting
    ) -> None:
        item = item_create(actor=people.secretary, meeting=draft, title="Punkt")
        item_update(actor=people.secretary, item=item, version=1, title="Ny titel")
        with pytest.raises(StaleVersion):
            item_update(
                actor=people.secretary,
                item=item,
                version=1,
                case_number="18/999",
                decision=DecisionInput(text="<p>Godkendt</p>"),
            )
        assert not Case.objects.filter(number="18/999").exists()
        assert not Decision.objects.filter(item=item).exists()

    @pytest.mark.django_db(transaction=True)
    def test_two_saves_on_the_same_version_at_once_let_exactly_one_through(
        self, people: People
    ) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        item = item_create(actor=people.secretary, meeting=meeting, title="Punkt")
        results: list[str] = []
        barrier = threading.Barrier(2)

        def save(text: str) -> None:
            barrier.wait()
            try:
                item_update(
                    actor=people.secretary, item=item, version=1, background=f"<p>{text}</p>"
                )
                results.append("saved")
            except StaleVersion:
                results.append("stale")
            finally:
                connection.close()

        threads = [threading.Thread(target=save, args=(t,)) for t in ("A", "B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == ["saved", "stale"]
        item.refresh_from_db()
        assert item.version == 2

    @pytest.mark.parametrize("status", [Meeting.Status.APPROVED, Meeting.Status.PUBLISHED])
    def test_an_approved_or_published_meeting_is_locked(self, people: People, status: str) -> None:
        item = AgendaItemFactory(meeting=MeetingFactory(body=people.body, status=status))
        with pytest.raises(MeetingLocked, match="kan ikke længere redigeres"):
            item_update(actor=people.secretary, item=item, version=1, title="Ny")

    def test_in_review_still_takes_edits(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.IN_REVIEW)
        item = AgendaItemFactory(meeting=meeting)
        assert item_update(actor=people.secretary, item=item, version=1, title="Ny")

    def test_the_director_reads_but_may_not_edit(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft)
        with pytest.raises(PermissionDenied):
            item_update(actor=people.director, item=item, version=1, title="Ny")

    def test_decision_set_records_the_decision(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft)
        decision_set(
            actor=people.secretary,
            item=item,
            version=1,
            text="<p>Taget til efterretning.</p>",
            outcome="taget_til_efterretning",
        )
        assert Decision.objects.get(item=item).outcome == "taget_til_efterretning"

    def test_clearing_every_recommendation_field_keeps_no_empty_row(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        item_update(
            actor=people.secretary,
            item=item,
            version=1,
            recommendation=RecommendationInput(unit="", lead_in="", clauses=[]),
        )
        assert not hasattr(AgendaItem.objects.get(pk=item.pk), "recommendation")


@pytest.mark.django_db
class TestAgendaOrder:
    def test_moving_an_item_renumbers_the_others_and_keeps_text_versions(
        self, people: People, draft: Meeting
    ) -> None:
        _a, _b, c = (AgendaItemFactory(meeting=draft, title=t) for t in "ABC")
        item_move(actor=people.secretary, item=c, position=1)
        titles = list(draft.items.order_by("number").values_list("title", flat=True))
        assert titles == ["C", "A", "B"]
        assert set(draft.items.values_list("version", flat=True)) == {1}

    def test_a_position_past_the_end_puts_the_item_last(
        self, people: People, draft: Meeting
    ) -> None:
        a, b = AgendaItemFactory(meeting=draft), AgendaItemFactory(meeting=draft)
        item_move(actor=people.secretary, item=a, position=99)
        assert list(draft.items.order_by("number").values_list("pk", flat=True)) == [b.pk, a.pk]

    def test_removing_an_item_closes_the_gap(self, people: People, draft: Meeting) -> None:
        _a, b, _c = (AgendaItemFactory(meeting=draft, title=t) for t in "ABC")
        item_remove(actor=people.secretary, item=b)
        rows = list(draft.items.order_by("number").values_list("number", "title"))
        assert rows == [(1, "A"), (2, "C")]

    def test_the_director_may_not_reorder(self, people: People, draft: Meeting) -> None:
        a, b = AgendaItemFactory(meeting=draft), AgendaItemFactory(meeting=draft)
        with pytest.raises(PermissionDenied):
            item_reorder(actor=people.director, meeting=draft, ordered_ids=[b.pk, a.pk])


@pytest.mark.django_db
class TestAttachments:
    def test_a_pdf_and_a_word_file_are_attached_with_their_real_type(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        first = attachment_add(actor=people.secretary, item=item, upload=pdf())
        second = attachment_add(actor=people.secretary, item=item, upload=docx(), title="Notat")
        assert (first.title, first.content_type, first.position) == ("plan", "application/pdf", 1)
        assert second.content_type.endswith("wordprocessingml.document")
        assert second.position == 2

    @pytest.mark.parametrize(
        ("name", "body"),
        [
            ("virus.exe", b"MZ\x90\x00"),
            ("plan.pdf", b"<html><script>alert(1)</script>"),
            ("notat.docx", b"%PDF-1.4 renamed"),
            ("billede.png", b"GIF89a..."),
        ],
    )
    def test_a_file_that_is_not_what_it_claims_is_refused_in_danish(
        self, people: People, draft: Meeting, name: str, body: bytes
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        upload = SimpleUploadedFile(name, body, content_type="application/pdf")
        with pytest.raises(ValidationError) as info:
            attachment_add(actor=people.secretary, item=item, upload=upload)
        assert "Kun de typer kan vedhæftes" in info.value.message_dict["file"][0]
        assert not Attachment.objects.exists()

    @override_settings(ATTACHMENT_MAX_BYTES=1024)
    def test_a_file_over_the_limit_is_refused_with_the_limit_named(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        with pytest.raises(ValidationError) as info:
            attachment_add(
                actor=people.secretary, item=item, upload=pdf(body=b"%PDF-" + b"x" * 2048)
            )
        assert "højst fylde 1,0\xa0KB" in info.value.message_dict["file"][0]

    def test_the_director_may_not_attach(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft)
        with pytest.raises(PermissionDenied):
            attachment_add(actor=people.director, item=item, upload=pdf())


@pytest.mark.django_db
class TestPresence:
    def test_others_who_opened_the_item_lately_are_named(
        self, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        presence_touch(actor=people.secretary, item=item)
        presence_touch(actor=people.superuser, item=item)
        assert presence_others(actor=people.secretary, item=item) == ["admin"]
        assert presence_others(actor=people.superuser, item=item) == ["Kathrine"]

    @override_settings(PRESENCE_TTL_SECONDS=0)
    def test_a_stale_heartbeat_no_longer_counts(self, people: People, draft: Meeting) -> None:
        item = AgendaItemFactory(meeting=draft)
        presence_touch(actor=people.superuser, item=item)
        assert presence_others(actor=people.secretary, item=item) == []
