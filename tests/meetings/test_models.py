"""Case numbers, item numbering and the one visibility rule, against real PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from meetings.errors import DomainError
from meetings.models import AgendaItem, Case, Meeting
from meetings.services.cases import case_get_or_create
from meetings.services.items import item_renumber
from meetings.validators import normalise_case_number
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory


class TestCaseNumber:
    @pytest.mark.parametrize(
        ("raw", "stored"),
        [("17/22360", "17/22360"), (" 16/171 ", "16/171"), ("17-7870", "17/7870"),
         ("17/022360", "17/22360")],
    )  # fmt: skip
    def test_it_accepts_and_normalises_valid_numbers(self, raw: str, stored: str) -> None:
        assert normalise_case_number(raw) == stored

    @pytest.mark.parametrize(
        "raw", ["", "17", "2017/22360", "17/", "/22360", "17/abc", "17/1234567", "ab/123", "17/0"]
    )
    def test_it_refuses_malformed_numbers_with_a_danish_message(self, raw: str) -> None:
        with pytest.raises(ValidationError) as info:
            normalise_case_number(raw)
        assert "Sagsnummeret" in info.value.messages[0]
        assert "ÅÅ/NNNNN" in info.value.messages[0] or "løbenummeret" in info.value.messages[0]

    @pytest.mark.django_db
    def test_the_model_refuses_an_unnormalised_number_in_full_clean(self) -> None:
        with pytest.raises(ValidationError) as info:
            Case(number="17/022360").full_clean()
        assert "17/22360" in str(info.value)

    @pytest.mark.django_db
    def test_a_case_number_is_unique(self) -> None:
        Case.objects.create(number="17/7870")
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(number="17/7870")

    @pytest.mark.django_db
    def test_get_or_create_returns_one_case_for_spellings_of_the_same_number(self) -> None:
        first = case_get_or_create(number="17/7870")
        again = case_get_or_create(number="17-07870")
        assert first.pk == again.pk
        assert again.number == "17/7870"


@pytest.mark.django_db
class TestItemNumbering:
    def test_two_items_cannot_share_a_number_in_one_meeting(self) -> None:
        meeting = MeetingFactory()
        AgendaItemFactory(meeting=meeting, number=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            # The constraint is deferred to commit; ask for it now, as a commit would.
            connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
            AgendaItemFactory(meeting=meeting, number=1)

    def test_the_same_number_is_fine_in_another_meeting(self) -> None:
        AgendaItemFactory(number=1)
        AgendaItemFactory(number=1)
        assert AgendaItem.objects.filter(number=1).count() == 2

    def test_renumbering_swaps_numbers_and_leaves_text_versions_alone(self) -> None:
        meeting = MeetingFactory()
        a, b, c = (AgendaItemFactory(meeting=meeting) for _ in range(3))
        item_renumber(meeting=meeting, ordered_ids=[c.pk, a.pk, b.pk])
        numbers = dict(AgendaItem.objects.filter(meeting=meeting).values_list("pk", "number"))
        assert numbers == {c.pk: 1, a.pk: 2, b.pk: 3}
        a.refresh_from_db()
        # The version guards the text: a move must not make an open editor's save a conflict.
        assert a.version == 1

    def test_renumbering_refuses_a_list_that_is_not_the_meetings_items(self) -> None:
        meeting = MeetingFactory()
        a = AgendaItemFactory(meeting=meeting)
        other = AgendaItemFactory()
        with pytest.raises(DomainError, match="præcis mødets punkter"):
            item_renumber(meeting=meeting, ordered_ids=[a.pk, other.pk])

    def test_numbers_start_at_one(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            AgendaItemFactory(number=0)


@pytest.mark.django_db
class TestClosedItemVisibility:
    @pytest.fixture
    def items(self, people: People) -> tuple[AgendaItem, AgendaItem]:
        meeting = MeetingFactory(body=people.body)
        open_item = AgendaItemFactory(meeting=meeting, title="Åbent punkt")
        closed_item = AgendaItemFactory(meeting=meeting, title="Fortroligt punkt", closed=True)
        return open_item, closed_item

    @pytest.mark.parametrize("role", ROLES)
    def test_closed_content_reaches_only_the_body_and_superusers(
        self, people: People, items: tuple[AgendaItem, AgendaItem], role: str
    ) -> None:
        open_item, closed_item = items
        visible = set(AgendaItem.objects.visible_to(getattr(people, role)))
        assert open_item in visible
        assert (closed_item in visible) == (role in ROLES_WITH_CLOSED_ACCESS)

    @pytest.mark.parametrize("role", ROLES)
    def test_listing_keeps_the_closed_item_but_marks_its_content_hidden(
        self, people: People, items: tuple[AgendaItem, AgendaItem], role: str
    ) -> None:
        _, closed_item = items
        listed = {
            i.pk: i.content_visible for i in AgendaItem.objects.listed_for(getattr(people, role))
        }
        assert closed_item.pk in listed
        assert listed[closed_item.pk] == (role in ROLES_WITH_CLOSED_ACCESS)

    def test_an_anonymous_user_sees_nothing(self, items: tuple[AgendaItem, AgendaItem]) -> None:
        from django.contrib.auth.models import AnonymousUser

        assert not AgendaItem.objects.visible_to(AnonymousUser()).exists()

    def test_a_draft_meeting_is_for_its_body_alone(self, people: People) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        assert draft in Meeting.objects.visible_to(people.secretary)
        assert draft in Meeting.objects.visible_to(people.director)
        assert draft not in Meeting.objects.visible_to(people.staff)
        assert draft not in Meeting.objects.visible_to(people.outsider)

    def test_an_inactive_member_loses_access(self, people: People, items: tuple) -> None:
        people.director.is_active = False
        people.director.save()
        assert not AgendaItem.objects.visible_to(people.director).exists()


@pytest.mark.django_db
class TestCaseUrl:
    def test_the_case_url_uses_a_dash(self) -> None:
        assert CaseFactory(number="17/22360").get_absolute_url() == "/cases/17-22360/"
