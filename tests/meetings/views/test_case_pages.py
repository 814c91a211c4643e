"""The case page as a timeline of the case across bodies and years."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Decision, Meeting, Recommendation, RecommendationClause
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import AgendaItemFactory, CaseFactory, DecisionFactory, MeetingFactory

SECRET = "Forhandling om fratrædelse af centerchef"


def at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def case_history(people: People):
    case = CaseFactory(number="17/7870", title="Nyt omsorgssystem")
    first = AgendaItemFactory(
        meeting=MeetingFactory(body=people.body, starts_at=at(2017, 3, 20)),
        title="Valg af omsorgssystem",
        case=case,
    )
    rec = Recommendation.objects.create(item=first, unit="SOC", lead_in="Det indstilles,")
    RecommendationClause.objects.create(
        recommendation=rec, position=1, text="at der vælges et nyt omsorgssystem"
    )
    DecisionFactory(item=first, text="<p>Udskudt til næste møde.</p>", outcome="udskudt")
    second = AgendaItemFactory(
        meeting=MeetingFactory(body=people.other_body, starts_at=at(2017, 9, 4)),
        title="Økonomi for omsorgssystem",
        case=case,
    )
    DecisionFactory(
        item=second,
        text="<p>Taget til efterretning.</p>",
        outcome=Decision.Outcome.NOTED,
    )
    third = AgendaItemFactory(
        meeting=MeetingFactory(body=people.body, starts_at=at(2018, 4, 23)),
        title="Business case for implementering af nyt omsorgssystem",
        case=case,
    )
    DecisionFactory(item=third, text="<p>Godkendt.</p>", outcome=Decision.Outcome.APPROVED)
    closed = AgendaItemFactory(
        meeting=third.meeting, title=SECRET, case=case, closed=True, number=2
    )
    DecisionFactory(item=closed, text=f"<p>{SECRET} – aftalt.</p>", outcome="afvist")
    return case


@pytest.mark.django_db
class TestCaseHistory:
    def test_the_meetings_come_newest_first_across_bodies_and_years(
        self, people: People, case_history
    ) -> None:
        html = people.client_for("staff").get("/cases/17-7870/").content.decode()
        timeline = html[html.index('id="timeline-heading"') :]
        positions = [
            timeline.index(title)
            for title in (
                "Business case for implementering af nyt omsorgssystem",
                "Økonomi for omsorgssystem",
                "Valg af omsorgssystem",
            )
        ]
        assert positions == sorted(positions)
        assert timeline.index(">2018<") < timeline.index(">2017<")
        assert "Økonomiudvalget" in timeline and "Direktionen" in timeline

    def test_each_meeting_shows_its_recommendation_and_decision(
        self, people: People, case_history
    ) -> None:
        html = people.client_for("staff").get("/cases/17-7870/").content.decode()
        assert "Indstilling" in html
        assert "at der vælges et nyt omsorgssystem" in html
        assert "Beslutning Direktionen den 20-03-2017" in html
        assert "Udskudt til næste møde." in html

    def test_the_outcomes_are_seen_at_a_glance(self, people: People, case_history) -> None:
        html = people.client_for("staff").get("/cases/17-7870/").content.decode()
        overview = html[html.index('id="overview-heading"') : html.index('id="timeline-heading"')]
        for outcome in ("Godkendt", "Taget til efterretning", "Udskudt"):
            assert outcome in overview
        assert overview.index("Godkendt") < overview.index("Udskudt")

    def test_every_entry_links_to_its_meeting(self, people: People, case_history) -> None:
        html = people.client_for("staff").get("/cases/17-7870/").content.decode()
        for item in case_history.items.all():
            assert f'href="{item.get_absolute_url()}"' in html

    @pytest.mark.parametrize("role", ROLES)
    def test_a_closed_item_is_shown_only_to_those_allowed(
        self, people: People, case_history, role: str
    ) -> None:
        html = people.client_for(role).get("/cases/17-7870/").content.decode()
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert SECRET in html
            assert "Afvist" in html
        else:
            assert SECRET not in html
            assert "Afvist" not in html
            assert "Punkt 2: Lukket" in html


class TestWhatACaseIsCalled:
    """A case is called by the items its reader may see: never by the title a closed item had,
    nor by a draft's title before the meeting is published (on the case page and in the case
    suggestions, where an attacker types a word of the hidden title)."""

    SECRET_TITLE = "Salg af rådhusgrunden til Hedebo"

    def _item_closed_after_creation(self, people: People):
        from meetings.services.items import item_create, item_update

        meeting = MeetingFactory(
            body=people.body, starts_at=at(2018, 4, 23), status=Meeting.Status.DRAFT
        )
        item = item_create(
            actor=people.secretary, meeting=meeting, title=self.SECRET_TITLE, case_number="18/900"
        )
        item_update(actor=people.secretary, item=item, version=item.version, closed=True)
        meeting.status = Meeting.Status.PUBLISHED
        meeting.save(update_fields=["status"])
        return item

    @pytest.mark.django_db
    @pytest.mark.parametrize("role", ROLES)
    def test_an_item_closed_after_creation_leaves_no_title_on_its_case(
        self, people: People, role: str
    ) -> None:
        self._item_closed_after_creation(people)
        client = people.client_for(role)
        page = client.get("/cases/18-900/").content.decode()
        suggestions = client.get("/cases/suggest/?case_number=rådhusgrunden").content.decode()
        by_number = client.get("/cases/suggest/?case_number=18/9").content.decode()
        shown = role in ROLES_WITH_CLOSED_ACCESS
        assert (self.SECRET_TITLE in page) is shown
        assert (self.SECRET_TITLE in suggestions) is shown
        assert ("18/900" in suggestions) is shown
        assert (self.SECRET_TITLE in by_number) is shown
        assert "18/900" in by_number

    @pytest.mark.django_db
    @pytest.mark.parametrize("role", ROLES)
    def test_a_draft_title_stays_with_the_body_until_the_meeting_is_published(
        self, people: People, role: str
    ) -> None:
        from meetings.services.items import item_create

        meeting = MeetingFactory(
            body=people.body, starts_at=at(2018, 5, 28), status=Meeting.Status.DRAFT
        )
        item_create(
            actor=people.secretary, meeting=meeting, title=self.SECRET_TITLE, case_number="18/901"
        )
        client = people.client_for(role)
        page = client.get("/cases/18-901/").content.decode()
        suggestions = client.get("/cases/suggest/?case_number=rådhusgrunden").content.decode()
        shown = role in ROLES_WITH_CLOSED_ACCESS
        assert (self.SECRET_TITLE in page) is shown
        assert (self.SECRET_TITLE in suggestions) is shown
