"""Danish word forms: the forms of a word find the same items (in the sample minutes, and in
snippets), by the word-form dictionary built from Hunspell in front of the Snowball stemmer
(meetings/search_config.py)."""

from __future__ import annotations

import re

import pytest
import snowballstemmer
from django.db import connection

from bench.word_forms import overlaps
from meetings.search import SearchFilters, search_items
from meetings.search_config import CONFIG
from scripts.build_danish_dictionary import STOP_WORDS
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from tests.meetings.samples import SAMPLE_DIR, import_sample_minutes

EVERYTHING = SearchFilters(page_size=100)


def found(people: People, query: str) -> frozenset[int]:
    page = search_items(people.staff, query, EVERYTHING)
    return frozenset(hit.item_id for hit in page.hits if not hit.near_miss)


@pytest.mark.django_db
class TestWordFormsInTheSampleMinutes:
    def test_every_form_of_a_word_finds_the_same_items(self, people: People) -> None:
        import_sample_minutes()
        results = overlaps(lambda word: found(people, word))
        assert len(results) == 25
        split = [group.describe() for group in results if not group.agree or not group.common]
        assert not split, "\n".join(split)

    @pytest.mark.parametrize(
        ("forms", "items"),
        [
            (("budget", "budgettet", "budgetter"), 8),
            (("barn", "børn", "børnene"), 4),
            (("år", "året", "årene"), 10),
            (("indsats", "indsatsen", "indsatser"), 5),
        ],
    )
    def test_definite_forms_irregular_plurals_and_years(
        self, people: People, forms: tuple[str, ...], items: int
    ) -> None:
        # The Snowball stemmer alone finds 8 and 2 items for "budget" and "budgettet", 1 and 3
        # for "barn" and "børn", 8, 3 and 2 for "år", "året" and "årene".
        import_sample_minutes()
        assert {len(found(people, form)) for form in forms} == {items}
        assert len({found(people, form) for form in forms}) == 1


@pytest.mark.django_db
class TestWordFormsOnAPage:
    def test_a_snippet_marks_every_form_of_the_word(self, people: People) -> None:
        item = AgendaItemFactory(
            meeting=MeetingFactory(body=people.body),
            title="Legeplads ved skolen",
            background="<p>Børnene i området har ønsket en legeplads, og hvert barn blev hørt.</p>",
        )
        DecisionFactory(item=item, text="<p>Godkendt.</p>")
        for query in ("barn", "børn", "børnene"):
            hit = search_items(people.staff, query).hits[0]
            assert "<mark>Børnene</mark>" in hit.snippet, query
            assert "<mark>barn</mark>" in hit.snippet, query

    def test_a_definite_form_finds_the_title_first(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting, title="Budget 2019", background="<p>Tal.</p>")
        AgendaItemFactory(
            meeting=meeting, title="Status på drift", background="<p>Intet om økonomi.</p>"
        )
        assert [hit.title for hit in search_items(people.staff, "budgettet").hits] == [
            "Budget 2019"
        ]

    @pytest.mark.parametrize("role", ROLES)
    def test_another_form_of_a_closed_items_word_finds_it_only_for_those_who_may(
        self, people: People, role: str
    ) -> None:
        item = AgendaItemFactory(
            meeting=MeetingFactory(body=people.body),
            title="Anbringelse af navngivet barn",
            closed=True,
            background="<p>Børnene flyttes til plejefamilien.</p>",
        )
        DecisionFactory(item=item, text="<p>Godkendt.</p>")
        data = people.client_for(role).get("/api/search/", {"q": "plejefamilierne børn"}).json()
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert data["count"] == 1
            assert "<mark>Børnene</mark>" in data["results"][0]["snippet"]
        else:
            assert data["count"] == 0
            assert data["results"] == []


@pytest.mark.django_db
class TestTheDictionary:
    def test_stop_words_stay_out_of_the_index(self) -> None:
        # The builder leaves PostgreSQL's Danish stop words out of the dictionary, which would
        # otherwise put them back into the index.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, ts_lexize('danish_stem', word) = '{}', "
                "to_tsvector(%s::regconfig, word) = ''::tsvector "
                "FROM unnest(%s::text[]) AS word",
                [CONFIG, sorted(STOP_WORDS)],
            )
            rows = cursor.fetchall()
        assert len(rows) == 94
        assert [word for word, stop, _ in rows if not stop] == []
        assert [word for word, _, left_out in rows if not left_out] == []

    def test_the_builder_stems_as_the_database_does(self) -> None:
        # The dictionary is built with the Python Snowball stemmer; every form it leaves out
        # is left to PostgreSQL's danish_stem, so the two must agree.
        words = sorted(
            {
                word
                for path in SAMPLE_DIR.glob("*.txt")
                for word in re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8").lower())
            }
        )
        stemmer = snowballstemmer.stemmer("danish")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, (ts_lexize('danish_stem', word))[1] FROM unnest(%s::text[]) word",
                [words],
            )
            database = dict(cursor.fetchall())
        differ = [w for w in words if database[w] and database[w] != stemmer.stemWord(w)]
        assert len(words) > 2000
        assert differ == []


@pytest.mark.django_db
class TestCompounds:
    def test_a_word_finds_the_compounds_that_end_in_it(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(
            meeting=meeting,
            title="Status for Ungetandplejen",
            background="<p>Ungetandplejen samler klinikkerne.</p>",
        )
        # A compound that begins with the word is another kind of thing.
        AgendaItemFactory(meeting=meeting, title="Tandplejeklinikker", background="<p>Lokaler.</p>")
        for query in ("tandpleje", "tandplejen", "tandplejens"):
            page = search_items(people.staff, query)
            assert [hit.title for hit in page.hits] == ["Status for Ungetandplejen"], query
            assert "<mark>Ungetandplejen</mark>" in page.hits[0].snippet

    def test_a_phrase_in_quotes_finds_no_compounds(self, people: People) -> None:
        AgendaItemFactory(meeting=MeetingFactory(body=people.body), title="Ungetandplejen")
        assert search_items(people.staff, '"tandplejen"').count == 0

    @pytest.mark.parametrize("role", ROLES)
    def test_a_hidden_title_lends_no_compound(self, people: People, role: str) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(
            meeting=meeting,
            title="Besparelse i Skoletandplejen",
            closed=True,
            background="<p>Lukket.</p>",
        )
        AgendaItemFactory(
            meeting=meeting, title="Lokaler", background="<p>Skoletandplejen flytter.</p>"
        )
        data = people.client_for(role).get("/api/search/", {"q": "tandpleje"}).json()
        shown = sorted(result["title"] for result in data["results"])
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert shown == ["Besparelse i Skoletandplejen", "Lokaler"]
        else:
            # The compound is the word of a closed item's title: it does not widen the search
            # of those who may not see that title, not even to an item they may read.
            assert shown == []
            assert data["count"] == 0

    def test_a_compound_hunspell_does_not_know_is_found_by_its_stem(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting, title="Anlægsbudget 2019", background="<p>Tal.</p>")
        AgendaItemFactory(meeting=meeting, title="Anlægsbudgettet", background="<p>Tal.</p>")
        for query in ("budget", "budgettet"):
            titles = sorted(hit.title for hit in search_items(people.staff, query).hits)
            assert titles == ["Anlægsbudget 2019", "Anlægsbudgettet"], query
