"""The search's count stops at a bound ("Over 1.000 punkter fundet"), pages by relevance come
out of the RUM index, and both give exactly the items a plain query over the user's visible
items gives: the same items, counted the same, closed items excluded alike."""

from __future__ import annotations

import pytest
from django.contrib.postgres.search import SearchQuery

from meetings.models import AgendaItem, Meeting
from meetings.search import COUNT_LIMIT, SearchFilters, Sort, search_items
from meetings.search_config import CONFIG
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.meetings.samples import import_sample_minutes

QUERIES = [
    "direktionen",
    "budget",
    "omstilling",
    "it-promillepuljen",
    '"Skype for Business"',
    "tandpleje -brøndby",
    "kommune or borgere",
    "godkendt",
]


def reference(user, query: str) -> set[int]:
    """Every visible item that matches, by the plainest query there is."""
    matches = AgendaItem.objects.visible_to(user).filter(
        search_document__document=SearchQuery(query, config=CONFIG, search_type="websearch")
    )
    return set(matches.values_list("pk", flat=True))


def every_page(user, query: str, sort: str = Sort.RELEVANCE) -> list[int]:
    ids: list[int] = []
    page_number = 1
    while True:
        page = search_items(user, query, SearchFilters(page=page_number, page_size=7, sort=sort))
        ids += [hit.item_id for hit in page.hits if not hit.near_miss]
        if not page.has_next:
            return ids
        page_number += 1


@pytest.mark.django_db
class TestResultsAreThoseOfAPlainQuery:
    @pytest.mark.parametrize("role", ROLES)
    def test_every_page_together_holds_each_visible_match_once(
        self, people: People, role: str
    ) -> None:
        import_sample_minutes()
        user = getattr(people, role)
        for query in QUERIES:
            expected = reference(user, query)
            for sort in (Sort.RELEVANCE, Sort.DATE):
                ids = every_page(user, query, sort)
                assert len(ids) == len(set(ids)), (query, sort)
                assert set(ids) == expected, (query, sort)
            page = search_items(user, query)
            assert (page.count, page.count_capped) == (len(expected), False), query

    def test_the_best_match_comes_first(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting, title="Status", background="<p>Om cykelstier.</p>")
        AgendaItemFactory(
            meeting=meeting,
            title="Cykelstier i kommunen",
            background="<p>Nye cykelstier og flere cykelstier ved skolerne.</p>",
        )
        assert [hit.title for hit in search_items(people.staff, "cykelsti").hits] == [
            "Cykelstier i kommunen",
            "Status",
        ]


@pytest.mark.django_db
class TestTheCountStopsAtABound:
    @pytest.fixture
    def many(self, people: People) -> None:
        """COUNT_LIMIT published items about bicycle parking, and three closed ones."""
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.PUBLISHED)
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                number=n,
                title=f"Cykelparkering ved station {n}",
                closed=n > COUNT_LIMIT,
            )
            for n in range(1, COUNT_LIMIT + 4)
        )

    @pytest.mark.parametrize("role", ROLES)
    def test_over_the_bound_only_for_those_who_see_more_than_it(
        self, people: People, many, role: str
    ) -> None:
        # The three closed items take the count past the bound only for those who may see
        # them; everybody else gets the exact count of what they may see.
        client = people.client_for(role)
        html = client.get("/search/", {"q": "cykelparkering"}).content.decode()
        data = client.get("/api/search/", {"q": "cykelparkering"}).json()
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert "Over 1.000 punkter fundet." in html
            assert (data["count"], data["count_capped"]) == (COUNT_LIMIT, True)
        else:
            assert f"{COUNT_LIMIT} punkter fundet." in html
            assert "Over" not in html[html.index('id="result-count"') :][:80]
            assert (data["count"], data["count_capped"]) == (COUNT_LIMIT, False)
        assert len(data["results"]) == 20

    def test_pages_past_the_bound_still_answer(self, people: People, many) -> None:
        page = search_items(people.superuser, "cykelparkering", SearchFilters(page=51))
        assert page.count_capped
        assert len(page.hits) == 3

    def test_filters_without_words_are_counted_up_to_the_bound_too(
        self, people: People, many
    ) -> None:
        page = search_items(people.secretary, "", SearchFilters(body=people.body))
        assert (page.count, page.count_capped, len(page.hits)) == (COUNT_LIMIT, True, 20)
