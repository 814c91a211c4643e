"""The agenda's routine against real PostgreSQL: standard items, copying the previous meeting's
agenda, and postponed items taken up on a later agenda."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from meetings.errors import DomainError, MeetingLocked
from meetings.models import (
    AgendaItem,
    Body,
    Decision,
    Meeting,
    Recommendation,
    RecommendationClause,
)
from meetings.selectors.agenda import (
    postponed_items_offered,
    postponed_items_pending,
    previous_meeting,
)
from meetings.services.agenda import (
    body_set_standard_items,
    item_take_up_postponed,
    meeting_add_standard_items,
    meeting_copy_items_from,
)
from meetings.services.items import item_remove
from meetings.services.meetings import meeting_create
from tests.conftest import People
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    CaseFactory,
    DecisionFactory,
    MeetingFactory,
)

STANDARD = ["Godkendelse af dagsorden", "Meddelelser", "Eventuelt"]


def at(day: str, time: str = "14:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(f"{day} {time}", "%d-%m-%Y %H:%M"))


def meeting_of(
    body: Body, day: str, status: Meeting.Status = Meeting.Status.DRAFT, **extra: object
) -> Meeting:
    return MeetingFactory(body=body, starts_at=at(day), status=status, **extra)


def postpone(item: AgendaItem, *, locked: bool = False) -> AgendaItem:
    DecisionFactory(
        item=item,
        text="<p>Udsat til næste møde.</p>",
        outcome=Decision.Outcome.POSTPONED,
        locked=locked,
    )
    return item


def titles(meeting: Meeting) -> list[str]:
    return list(meeting.items.order_by("number").values_list("title", flat=True))


def with_recommendation(item: AgendaItem) -> AgendaItem:
    rec = Recommendation.objects.create(
        item=item, unit="ØDC", lead_in="Det indstilles,", numbered=True, note="<p>NB.</p>"
    )
    RecommendationClause.objects.create(recommendation=rec, position=1, text="at planen godkendes")
    RecommendationClause.objects.create(
        recommendation=rec, position=2, text="at der afsættes midler"
    )
    return item


@pytest.fixture
def november(people: People) -> Meeting:
    """The body's meeting of 12-11-2026, held and published."""
    return meeting_of(people.body, "12-11-2026", Meeting.Status.PUBLISHED)


@pytest.fixture
def december(people: People) -> Meeting:
    """The next agenda, 10-12-2026, a draft."""
    return meeting_of(people.body, "10-12-2026")


@pytest.mark.django_db
class TestStandardItems:
    def test_a_new_agenda_starts_with_the_bodys_standard_items_in_order(
        self, people: People
    ) -> None:
        body_set_standard_items(actor=people.secretary, body=people.body, titles=STANDARD)
        meeting = meeting_create(
            actor=people.secretary,
            body=people.body,
            starts_at=at("10-12-2026"),
            add_standard_items=True,
        )
        assert titles(meeting) == STANDARD
        assert list(meeting.items.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
        assert not meeting.items.filter(closed=True).exists()

    def test_without_the_choice_a_new_agenda_starts_empty(self, people: People) -> None:
        body_set_standard_items(actor=people.secretary, body=people.body, titles=STANDARD)
        meeting = meeting_create(
            actor=people.secretary, body=people.body, starts_at=at("10-12-2026")
        )
        assert titles(meeting) == []

    def test_a_body_without_standard_items_starts_empty_with_the_choice(
        self, people: People
    ) -> None:
        meeting = meeting_create(
            actor=people.secretary,
            body=people.body,
            starts_at=at("10-12-2026"),
            add_standard_items=True,
        )
        assert titles(meeting) == []

    def test_the_secretary_sets_them_tidied_and_in_order(self, people: People) -> None:
        body = body_set_standard_items(
            actor=people.secretary,
            body=people.body,
            titles=["  Godkendelse   af dagsorden ", "", "Meddelelser", "   ", "Eventuelt"],
        )
        body.refresh_from_db()
        assert body.standard_items == STANDARD

    def test_an_empty_list_removes_them(self, people: People) -> None:
        body_set_standard_items(actor=people.secretary, body=people.body, titles=STANDARD)
        body_set_standard_items(actor=people.secretary, body=people.body, titles=["", " "])
        people.body.refresh_from_db()
        assert people.body.standard_items == []

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_only_the_secretary_sets_them(self, people: People, role: str) -> None:
        with pytest.raises(PermissionDenied) as refused:
            body_set_standard_items(actor=getattr(people, role), body=people.body, titles=STANDARD)
        assert "Kun sekretæren for Direktionen kan ændre organets standardpunkter." in str(
            refused.value
        )
        people.body.refresh_from_db()
        assert people.body.standard_items == []

    def test_a_superuser_sets_them(self, people: People) -> None:
        body_set_standard_items(actor=people.superuser, body=people.body, titles=["Eventuelt"])
        people.body.refresh_from_db()
        assert people.body.standard_items == ["Eventuelt"]

    def test_a_title_twice_or_too_long_is_refused_in_danish_and_nothing_changes(
        self, people: People
    ) -> None:
        body_set_standard_items(actor=people.secretary, body=people.body, titles=["Eventuelt"])
        with pytest.raises(ValidationError) as refused:
            body_set_standard_items(
                actor=people.secretary,
                body=people.body,
                titles=["Meddelelser", "meddelelser ", "x" * 501],
            )
        messages = refused.value.message_dict["standard_items"]
        assert "“meddelelser” står flere gange." in messages
        assert any("en titel må højst være 500 tegn" in m for m in messages)
        people.body.refresh_from_db()
        assert people.body.standard_items == ["Eventuelt"]

    def test_more_than_twenty_is_refused(self, people: People) -> None:
        with pytest.raises(ValidationError) as refused:
            body_set_standard_items(
                actor=people.secretary, body=people.body, titles=[f"Punkt {n}" for n in range(21)]
            )
        assert refused.value.message_dict["standard_items"] == [
            "Et organ kan højst have 20 standardpunkter; der er 21."
        ]

    def test_adding_them_again_adds_only_what_is_missing(
        self, people: People, december: Meeting
    ) -> None:
        body_set_standard_items(actor=people.secretary, body=people.body, titles=STANDARD)
        AgendaItemFactory(meeting=december, title="meddelelser", case=None)
        added = meeting_add_standard_items(actor=people.secretary, meeting=december)
        assert [item.title for item in added] == ["Godkendelse af dagsorden", "Eventuelt"]
        assert meeting_add_standard_items(actor=people.secretary, meeting=december) == []
        assert titles(december) == ["meddelelser", "Godkendelse af dagsorden", "Eventuelt"]

    def test_an_agenda_under_review_takes_none_with_a_danish_reason(self, people: People) -> None:
        body_set_standard_items(actor=people.secretary, body=people.body, titles=STANDARD)
        meeting = meeting_of(people.body, "10-12-2026", Meeting.Status.IN_REVIEW)
        with pytest.raises(DomainError) as refused:
            meeting_add_standard_items(actor=people.secretary, meeting=meeting)
        assert "kan kun tilføjes, mens dagsordenen er en kladde" in str(refused.value)
        assert titles(meeting) == []

    def test_what_an_administrator_stored_that_is_no_title_is_left_out(
        self, people: People, december: Meeting
    ) -> None:
        Body.objects.filter(pk=people.body.pk).update(standard_items=["Eventuelt", 7, "", None])
        december.refresh_from_db()
        meeting_add_standard_items(actor=people.secretary, meeting=december)
        assert titles(december) == ["Eventuelt"]


@pytest.mark.django_db
class TestCopyFromPreviousMeeting:
    def test_it_copies_titles_cases_and_closed_flags_not_texts_decisions_or_attachments(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        case = CaseFactory(number="17/22360")
        open_item = AgendaItemFactory(
            meeting=november,
            title="Øvrige sager",
            case=case,
            background="<p>Novembers baggrund.</p>",
            presentation="<p>Novembers sagsfremstilling.</p>",
        )
        with_recommendation(open_item)
        DecisionFactory(item=open_item, text="<p>Godkendt i november.</p>")
        AttachmentFactory(item=open_item, title="Novembers bilag")
        AgendaItemFactory(meeting=november, title="Personalesag", case=None, closed=True)

        added = meeting_copy_items_from(actor=people.secretary, meeting=december, source=november)

        assert [(i.number, i.title) for i in added] == [(1, "Øvrige sager"), (2, "Personalesag")]
        copy, closed = december.items.order_by("number")
        assert copy.case == case and not copy.closed
        assert closed.closed and closed.case is None
        assert copy.background == "" and copy.presentation == "" and copy.economy == ""
        assert not Recommendation.objects.filter(item=copy).exists()
        assert not Decision.objects.filter(item__meeting=december).exists()
        assert not copy.attachments.exists()
        assert copy.postponed_from is None
        # The source meeting is untouched.
        assert titles(november) == ["Øvrige sager", "Personalesag"]

    def test_standard_items_already_there_stay_and_the_agenda_follows_the_source_order(
        self, people: People, november: Meeting
    ) -> None:
        for title in ["Godkendelse af dagsorden", "Meddelelser", "Budgetopfølgning", "Eventuelt"]:
            AgendaItemFactory(meeting=november, title=title, case=None)
        body_set_standard_items(actor=people.secretary, body=people.body, titles=STANDARD)
        december = meeting_create(
            actor=people.secretary,
            body=people.body,
            starts_at=at("10-12-2026"),
            add_standard_items=True,
        )
        added = meeting_copy_items_from(actor=people.secretary, meeting=december, source=november)
        assert [item.title for item in added] == ["Budgetopfølgning"]
        assert titles(december) == [
            "Godkendelse af dagsorden",
            "Meddelelser",
            "Budgetopfølgning",
            "Eventuelt",
        ]

    def test_copying_twice_adds_nothing_the_second_time(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november, title="Budgetopfølgning")
        meeting_copy_items_from(actor=people.secretary, meeting=december, source=november)
        assert (
            meeting_copy_items_from(actor=people.secretary, meeting=december, source=november) == []
        )
        assert titles(december) == ["Budgetopfølgning"]

    def test_an_item_typed_by_hand_keeps_its_place_after_the_item_it_followed(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        for title in ["Meddelelser", "Budgetopfølgning", "Eventuelt"]:
            AgendaItemFactory(meeting=november, title=title, case=None)
        for title in ["Meddelelser", "Ny sag om parkering", "Eventuelt"]:
            AgendaItemFactory(meeting=december, title=title, case=None)
        meeting_copy_items_from(actor=people.secretary, meeting=december, source=november)
        assert titles(december) == [
            "Meddelelser",
            "Ny sag om parkering",
            "Budgetopfølgning",
            "Eventuelt",
        ]

    def test_an_item_postponed_there_comes_with_its_texts_and_the_link_back(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november, title="Meddelelser", case=None)
        makerspace = postpone(
            with_recommendation(
                AgendaItemFactory(
                    meeting=november, title="Makerspace", background="<p>Om makerspace.</p>"
                )
            )
        )
        meeting_copy_items_from(actor=people.secretary, meeting=december, source=november)
        brought = december.items.get(title="Makerspace")
        assert brought.postponed_from == makerspace
        assert brought.background == "<p>Om makerspace.</p>"
        assert brought.recommendation.lead_in == "Det indstilles,"
        assert postponed_items_pending(december) == []

    def test_the_previous_meeting_is_the_latest_earlier_one_with_items(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=meeting_of(people.body, "08-10-2026", Meeting.Status.PUBLISHED))
        AgendaItemFactory(meeting=november)
        meeting_of(people.body, "26-11-2026")  # planned ahead, still empty
        AgendaItemFactory(meeting=meeting_of(people.body, "14-01-2027"))  # later
        AgendaItemFactory(meeting=meeting_of(people.other_body, "01-12-2026"))  # another body
        assert previous_meeting(december) == november

    def test_a_published_meeting_is_refused_in_danish(
        self, people: People, november: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november)
        published = meeting_of(people.body, "10-12-2026", Meeting.Status.PUBLISHED)
        with pytest.raises(MeetingLocked) as refused:
            meeting_copy_items_from(actor=people.secretary, meeting=published, source=november)
        assert "Mødet er offentliggjort, så punkterne kan ikke længere redigeres." in str(
            refused.value
        )
        assert titles(published) == []

    def test_minutes_under_review_are_refused_in_danish(
        self, people: People, november: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november)
        in_review = meeting_of(people.body, "10-12-2026", Meeting.Status.IN_REVIEW)
        with pytest.raises(DomainError) as refused:
            meeting_copy_items_from(actor=people.secretary, meeting=in_review, source=november)
        assert str(refused.value).startswith("Mødet er til godkendelse.")
        assert titles(in_review) == []

    def test_a_meeting_of_another_body_the_meeting_itself_or_an_empty_one_is_refused(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        other = meeting_of(people.other_body, "01-11-2026")
        AgendaItemFactory(meeting=other)
        with pytest.raises(DomainError, match="kun kopieres fra et andet møde i Direktionen"):
            meeting_copy_items_from(actor=people.superuser, meeting=december, source=other)
        with pytest.raises(DomainError, match="kan ikke kopiere sine egne punkter"):
            meeting_copy_items_from(actor=people.secretary, meeting=december, source=december)
        with pytest.raises(
            DomainError, match=r"Mødet d\. 12-11-2026 har ingen punkter at kopiere\."
        ):
            meeting_copy_items_from(actor=people.secretary, meeting=december, source=november)
        assert titles(december) == []

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_only_the_secretary_copies(
        self, people: People, november: Meeting, december: Meeting, role: str
    ) -> None:
        AgendaItemFactory(meeting=november)
        with pytest.raises(PermissionDenied):
            meeting_copy_items_from(actor=getattr(people, role), meeting=december, source=november)
        assert titles(december) == []


@pytest.mark.django_db
class TestPostponedItems:
    def test_a_postponed_item_is_offered_on_the_next_draft_agenda(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november, title="Meddelelser")
        makerspace = postpone(AgendaItemFactory(meeting=november, title="Makerspace"))
        decided = AgendaItemFactory(meeting=november, title="Budget")
        DecisionFactory(item=decided)
        assert postponed_items_offered(december, people.secretary) == [makerspace]
        assert postponed_items_offered(december, people.superuser) == [makerspace]

    @pytest.mark.parametrize("role", ["director", "staff", "outsider"])
    def test_it_is_offered_only_to_those_who_edit_the_agenda(
        self, people: People, november: Meeting, december: Meeting, role: str
    ) -> None:
        postpone(AgendaItemFactory(meeting=november))
        assert postponed_items_offered(december, getattr(people, role)) == []

    def test_it_is_not_offered_on_an_earlier_or_a_non_draft_agenda_or_another_bodys(
        self, people: People, november: Meeting
    ) -> None:
        postpone(AgendaItemFactory(meeting=november))
        october = meeting_of(people.body, "08-10-2026")
        in_review = meeting_of(people.body, "10-12-2026", Meeting.Status.IN_REVIEW)
        other = meeting_of(people.other_body, "10-12-2026")
        assert postponed_items_offered(october, people.secretary) == []
        assert postponed_items_offered(in_review, people.secretary) == []
        assert postponed_items_offered(other, people.superuser) == []

    def test_taking_it_up_carries_its_texts_and_case_and_links_back(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=december, title="Meddelelser")
        earlier = AgendaItemFactory(
            meeting=november,
            title="Etablering af ungdomskulturelt makerspace",
            case=CaseFactory(number="16/6952"),
            background="<p>Baggrunden.</p>",
            presentation="<p>Sagsfremstillingen.</p>",
            economy="<p>Udgiften er 1,2 mio. kr.</p>",
        )
        AttachmentFactory(item=earlier, title="Skitse")
        postpone(with_recommendation(earlier), locked=True)

        item = item_take_up_postponed(actor=people.secretary, meeting=december, item=earlier)

        item.refresh_from_db()
        assert item.meeting == december and item.number == 2
        assert item.title == "Etablering af ungdomskulturelt makerspace"
        assert item.case is not None and item.case.number == "16/6952"
        assert item.background == "<p>Baggrunden.</p>"
        assert item.presentation == "<p>Sagsfremstillingen.</p>"
        assert item.economy == "<p>Udgiften er 1,2 mio. kr.</p>"
        rec = item.recommendation
        assert (rec.unit, rec.lead_in, rec.numbered, rec.note) == (
            "ØDC",
            "Det indstilles,",
            True,
            "<p>NB.</p>",
        )
        assert list(rec.clauses.values_list("text", flat=True)) == [
            "at planen godkendes",
            "at der afsættes midler",
        ]
        assert item.postponed_from == earlier
        assert list(earlier.taken_up_in.all()) == [item]
        # The body decides anew; the earlier decision and its documents stay where they were.
        assert not Decision.objects.filter(item=item).exists()
        assert not item.attachments.exists()
        assert Decision.objects.get(item=earlier).outcome == Decision.Outcome.POSTPONED

    def test_it_is_offered_once_and_a_second_take_up_is_refused_in_danish(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        AgendaItemFactory(meeting=november)
        AgendaItemFactory(meeting=november)
        AgendaItemFactory(meeting=november)
        earlier = postpone(AgendaItemFactory(meeting=november, title="Makerspace"))
        item_take_up_postponed(actor=people.secretary, meeting=december, item=earlier)
        january = meeting_of(people.body, "14-01-2027")
        assert postponed_items_offered(december, people.secretary) == []
        assert postponed_items_offered(january, people.secretary) == []
        with pytest.raises(DomainError) as refused:
            item_take_up_postponed(actor=people.secretary, meeting=january, item=earlier)
        assert str(refused.value) == (
            "Punkt 4 fra mødet d. 12-11-2026 er allerede taget op igen på mødet d. 10-12-2026, "
            "punkt 1."
        )
        assert titles(january) == []

    def test_removing_the_item_that_took_it_up_offers_it_again(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        earlier = postpone(AgendaItemFactory(meeting=november))
        item = item_take_up_postponed(actor=people.secretary, meeting=december, item=earlier)
        item_remove(actor=people.secretary, item=item)
        assert postponed_items_offered(december, people.secretary) == [earlier]

    def test_a_closed_postponed_item_stays_closed(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        earlier = postpone(AgendaItemFactory(meeting=november, title="Personalesag", closed=True))
        item = item_take_up_postponed(actor=people.secretary, meeting=december, item=earlier)
        item.refresh_from_db()
        assert item.closed
        assert not AgendaItem.objects.visible_to(people.staff).filter(pk=item.pk).exists()

    def test_a_case_brought_back_by_hand_is_no_longer_offered(
        self, people: People, november: Meeting
    ) -> None:
        case = CaseFactory(number="16/6952")
        postpone(AgendaItemFactory(meeting=november, case=case))
        late_november = meeting_of(people.body, "26-11-2026", Meeting.Status.PUBLISHED)
        AgendaItemFactory(meeting=late_november, case=case)
        december = meeting_of(people.body, "10-12-2026")
        assert postponed_items_offered(december, people.secretary) == []

    def test_an_item_not_postponed_is_refused_in_danish(
        self, people: People, november: Meeting, december: Meeting
    ) -> None:
        approved = AgendaItemFactory(meeting=november)
        DecisionFactory(item=approved)
        undecided = AgendaItemFactory(meeting=november)
        for item in (approved, undecided):
            with pytest.raises(DomainError, match=r"fra mødet d\. 12-11-2026 er ikke udsat\."):
                item_take_up_postponed(actor=people.secretary, meeting=december, item=item)
        assert titles(december) == []

    def test_an_item_of_a_later_meeting_or_another_body_is_refused_in_danish(
        self, people: People, december: Meeting
    ) -> None:
        later = postpone(AgendaItemFactory(meeting=meeting_of(people.body, "14-01-2027")))
        other = postpone(AgendaItemFactory(meeting=meeting_of(people.other_body, "12-11-2026")))
        with pytest.raises(DomainError, match="ligger ikke før dette møde"):
            item_take_up_postponed(actor=people.secretary, meeting=december, item=later)
        with pytest.raises(DomainError, match="hører til et andet organ"):
            item_take_up_postponed(actor=people.superuser, meeting=december, item=other)
        assert titles(december) == []

    def test_a_published_agenda_is_refused_and_a_director_may_not(
        self, people: People, november: Meeting
    ) -> None:
        earlier = postpone(AgendaItemFactory(meeting=november))
        published = meeting_of(people.body, "10-12-2026", Meeting.Status.PUBLISHED)
        with pytest.raises(MeetingLocked):
            item_take_up_postponed(actor=people.secretary, meeting=published, item=earlier)
        draft = meeting_of(people.body, "17-12-2026")
        with pytest.raises(PermissionDenied):
            item_take_up_postponed(actor=people.director, meeting=draft, item=earlier)
        assert not earlier.taken_up_in.exists()


def _blocked_on_a_lock_or_done(worker: threading.Thread) -> None:
    """Poll PostgreSQL until another connection waits for a row lock, or the worker is done
    (it did not wait)."""
    with connections["default"].cursor() as cursor:
        while worker.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_second_agenda_taking_up_the_item_while_the_first_commits_is_refused(
    people: People,
) -> None:
    november = meeting_of(people.body, "12-11-2026", Meeting.Status.PUBLISHED)
    earlier = postpone(AgendaItemFactory(meeting=november))
    december = meeting_of(people.body, "10-12-2026")
    january = meeting_of(people.body, "14-01-2027")
    taken, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcome["december"] = item_take_up_postponed(
                    actor=people.secretary, meeting=december, item=earlier
                )
                taken.set()
                release.wait(timeout=60)
        except Exception as exc:  # reported by the test, not lost in the thread
            outcome["december"] = exc
            taken.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            outcome["january"] = item_take_up_postponed(
                actor=people.secretary, meeting=january, item=earlier
            )
        except Exception as exc:
            outcome["january"] = exc
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert taken.wait(timeout=60)
    two = threading.Thread(target=second)
    two.start()
    _blocked_on_a_lock_or_done(two)
    release.set()
    one.join()
    two.join()

    assert isinstance(outcome["december"], AgendaItem), outcome
    assert isinstance(outcome["january"], DomainError), outcome
    assert "er allerede taget op igen på mødet d. 10-12-2026" in str(outcome["january"])
    assert AgendaItem.objects.filter(postponed_from=earlier).count() == 1
