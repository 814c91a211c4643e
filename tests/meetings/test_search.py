"""Search: Danish full text, the index kept by the database, the case-number jump, near-miss
words, filters, paging, odd queries, and closed items for every role."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attachment,
    Case,
    Decision,
    Meeting,
    Recommendation,
    RecommendationClause,
    SearchDocument,
)
from meetings.search import MAX_QUERY_LENGTH, SearchFilters, Sort, search_items
from tests.conftest import ROLES, ROLES_WITH_CLOSED_ACCESS, People
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    BodyFactory,
    CaseFactory,
    DecisionFactory,
    MeetingFactory,
)

SECRET_TITLE = "Afskedigelse af navngiven afdelingsleder"
SECRET_WORD = "fratrædelsesgodtgørelse"


def at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


def titles(page) -> list[str]:
    return [hit.title for hit in page.hits]


@pytest.fixture
def minutes(people: People) -> dict[str, Any]:
    """A few items of Direktionen over two years, one of them closed, and one of another body."""
    m2017 = MeetingFactory(body=people.body, starts_at=at(2017, 3, 20))
    m2018 = MeetingFactory(body=people.body, starts_at=at(2018, 4, 23))
    other = MeetingFactory(body=people.other_body, starts_at=at(2018, 5, 1))
    switchboard = AgendaItemFactory(
        meeting=m2018,
        number=1,
        title="Implementeringsplan for ny omstilling",
        case=CaseFactory(number="16/17937", title="Ny omstilling"),
        background="<p>Direktionen godkendte indkøb af ny omstilling.</p>",
        presentation="<p>Den nye omstilling (Anywhere 365) etableres på nye computere.</p>",
    )
    DecisionFactory(
        item=switchboard,
        text="<p>Godkendt, idet det blev understreget, at der skal kommunikeres løbende.</p>",
        outcome=Decision.Outcome.APPROVED,
    )
    makerspace = AgendaItemFactory(
        meeting=m2017,
        number=1,
        title="Etablering af ungdomskulturelt makerspace",
        case=CaseFactory(number="16/6952"),
        background="<p>Kulturhusene og ungdomsklubben Impulsen vil udvikle et projekt.</p>",
    )
    DecisionFactory(item=makerspace, text="<p>Udskudt.</p>", outcome=Decision.Outcome.POSTPONED)
    policy = AgendaItemFactory(
        meeting=m2017,
        number=2,
        title="Godkendelse af handicappolitik og udsattepolitik",
        case=CaseFactory(number="15/14789"),
        background="<p>Socialudvalget godkendte revision af handicappolitikken.</p>",
    )
    DecisionFactory(
        item=policy,
        text="<p>Direktionen godkendte, at politikkerne sendes videre.</p>",
        outcome=Decision.Outcome.APPROVED,
    )
    closed = AgendaItemFactory(
        meeting=m2018,
        number=2,
        title=SECRET_TITLE,
        case=CaseFactory(number="17/171"),
        closed=True,
        background=f"<p>Aftale om {SECRET_WORD} og omstilling af afdelingen.</p>",
    )
    DecisionFactory(item=closed, text=f"<p>Godkendt med {SECRET_WORD}.</p>")
    budget = AgendaItemFactory(
        meeting=other,
        number=1,
        title="Budgetopfølgning for omstillingen af hjemmeplejen",
        case=CaseFactory(number="18/100"),
    )
    DecisionFactory(item=budget, text="<p>Taget til efterretning.</p>", outcome="")
    return {
        "switchboard": switchboard,
        "makerspace": makerspace,
        "policy": policy,
        "closed": closed,
        "budget": budget,
    }


@pytest.mark.django_db
class TestDanishFullText:
    def test_an_inflected_word_finds_the_other_forms(self, people: People, minutes) -> None:
        # "godkendelse" and "godkendte"/"Godkendt" share the stem "godkend".
        page = search_items(people.staff, "godkendelse")
        assert {"Implementeringsplan for ny omstilling", minutes["policy"].title} <= set(
            titles(page)
        )

    def test_a_plural_definite_form_finds_the_singular(self, people: People, minutes) -> None:
        page = search_items(people.staff, "politikkerne")
        assert titles(page)[0] == minutes["policy"].title

    def test_titles_weigh_more_than_the_case_text(self, people: People, minutes) -> None:
        AgendaItemFactory(
            meeting=minutes["switchboard"].meeting,
            number=3,
            title="Status på telefoni",
            presentation="<p>Omstilling nævnes her kun i forbifarten.</p>",
        )
        shown = titles(search_items(people.staff, "omstilling"))
        assert shown.index("Implementeringsplan for ny omstilling") < shown.index(
            "Status på telefoni"
        )

    def test_decisions_weigh_more_than_the_background(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        in_background = AgendaItemFactory(
            meeting=meeting, title="Punkt A", background="<p>Cykelstier blev nævnt.</p>"
        )
        DecisionFactory(item=in_background, text="<p>Taget til efterretning.</p>")
        in_decision = AgendaItemFactory(meeting=meeting, title="Punkt B", background="")
        DecisionFactory(item=in_decision, text="<p>Cykelstier prioriteres.</p>")
        assert titles(search_items(people.staff, "cykelsti")) == ["Punkt B", "Punkt A"]

    def test_a_quoted_phrase_must_appear_as_written(self, people: People, minutes) -> None:
        assert titles(search_items(people.staff, '"ny omstilling"')) == [
            "Implementeringsplan for ny omstilling"
        ]
        assert titles(search_items(people.staff, '"omstilling ny"')) == []

    def test_a_minus_excludes_a_word(self, people: People, minutes) -> None:
        page = search_items(people.superuser, "omstilling -hjemmeplejen")
        assert "Budgetopfølgning for omstillingen af hjemmeplejen" not in titles(page)
        assert "Implementeringsplan for ny omstilling" in titles(page)

    def test_snippets_mark_the_matched_words(self, people: People, minutes) -> None:
        hit = search_items(people.staff, "computere").hits[0]
        assert "<mark>computere</mark>" in hit.snippet

    def test_snippets_escape_the_text_they_quote(self, people: People, minutes) -> None:
        AgendaItemFactory(
            meeting=minutes["switchboard"].meeting,
            number=4,
            title="Skabeloner",
            background="<p>Brug &lt;script&gt;alert(1)&lt;/script&gt; aldrig i skabeloner.</p>",
        )
        hit = search_items(people.staff, "skabeloner").hits[0]
        assert "<script>" not in hit.snippet
        assert "&lt; script&gt;alert(1)" in hit.snippet


@pytest.mark.django_db
class TestTheIndexFollowsEveryChange:
    def test_a_decision_is_findable_the_moment_it_is_saved(self, people: People) -> None:
        item = AgendaItemFactory(meeting=MeetingFactory(body=people.body), title="Ny kantine")
        assert search_items(people.staff, "sandwichordning").count == 0
        Decision.objects.create(item=item, text="<p>Sandwichordningen godkendt.</p>")
        assert titles(search_items(people.staff, "sandwichordning")) == ["Ny kantine"]

    def test_an_edited_decision_forgets_its_old_words(self, people: People, minutes) -> None:
        decision = minutes["makerspace"].decision
        decision.text = "<p>Afvist på grund af økonomien.</p>"
        decision.save()
        assert search_items(people.staff, "afvist").count == 1
        assert "Etablering af ungdomskulturelt makerspace" not in titles(
            search_items(people.staff, "udskudt")
        )

    def test_bulk_created_items_and_decisions_are_indexed(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        items = AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, number=n, title=f"Vejstrækning nummer {n}")
            for n in range(1, 31)
        )
        Decision.objects.bulk_create(
            Decision(item=item, text="<p>Asfaltering besluttet.</p>") for item in items
        )
        assert search_items(people.staff, "vejstrækning").count == 30
        assert search_items(people.staff, "asfaltering").count == 30

    def test_a_bulk_update_and_raw_sql_are_indexed(self, people: People, minutes) -> None:
        AgendaItem.objects.filter(pk=minutes["makerspace"].pk).update(title="Kreativt værksted")
        assert titles(search_items(people.staff, "værksted")) == ["Kreativt værksted"]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE meetings_decision SET text = '<p>Vedtaget enstemmigt.</p>' "
                "WHERE item_id = %s",
                [minutes["policy"].pk],
            )
        assert titles(search_items(people.staff, "enstemmigt")) == [minutes["policy"].title]

    def test_recommendation_clauses_and_attachments_are_indexed(self, people: People) -> None:
        item = AgendaItemFactory(meeting=MeetingFactory(body=people.body), title="Fiberudrulning")
        rec = Recommendation.objects.create(item=item, unit="ØDC", lead_in="Det indstilles,")
        clause = RecommendationClause.objects.create(
            recommendation=rec, position=1, text="at gravearbejdet koordineres"
        )
        attachment = AttachmentFactory(item=item, title="Kort over tracéet")
        assert titles(search_items(people.staff, "gravearbejde")) == ["Fiberudrulning"]
        assert titles(search_items(people.staff, "tracéet")) == ["Fiberudrulning"]
        clause.text = "at tidsplanen følges"
        clause.save()
        attachment.delete()
        assert search_items(people.staff, "gravearbejde").count == 0
        assert search_items(people.staff, "tracéet").count == 0

    def test_a_renamed_case_is_found_by_its_new_title(self, people: People, minutes) -> None:
        Case.objects.filter(number="16/6952").update(title="Unge og kreativitet")
        assert titles(search_items(people.staff, "kreativitet")) == [minutes["makerspace"].title]

    def test_a_deleted_item_leaves_no_index_behind(self, people: People, minutes) -> None:
        pk = minutes["makerspace"].pk
        minutes["makerspace"].delete()
        assert not SearchDocument.objects.filter(item_id=pk).exists()
        assert search_items(people.staff, "makerspace").count == 0


@pytest.mark.django_db
class TestCaseNumberJump:
    @pytest.mark.parametrize("query", ["16/17937", "16-17937", " 16/017937 ", "sag 16/17937"])
    def test_a_case_number_goes_straight_to_the_case(
        self, people: People, minutes, query: str
    ) -> None:
        response = people.client_for("staff").get("/search/", {"q": query})
        assert response.status_code == 302
        assert response["Location"] == "/cases/16-17937/"

    @pytest.mark.parametrize("query", ["EMN-2025-003383", "sagsnr. emn-2025-003383"])
    def test_a_case_number_of_another_form_goes_to_its_case(
        self, people: People, minutes, query: str
    ) -> None:
        AgendaItemFactory(
            meeting=MeetingFactory(body=people.body, starts_at=at(2025, 8, 27)),
            title="Tillæg til lokalplan",
            case=CaseFactory(number="EMN-2025-003383"),
        )
        response = people.client_for("staff").get("/search/", {"q": query})
        assert response.status_code == 302
        assert response["Location"] == "/cases/EMN-2025-003383/"

    def test_an_unknown_case_number_is_searched_as_text(self, people: People, minutes) -> None:
        response = people.client_for("staff").get("/search/", {"q": "99/12345"})
        assert response.status_code == 200
        assert "0 punkter fundet" in response.content.decode()

    def test_the_api_names_the_case_and_lists_its_items(self, people: People, minutes) -> None:
        data = people.client_for("staff").get("/api/search/", {"q": "16/17937"}).json()
        assert data["case_url"].endswith("/cases/16-17937/")
        assert [r["title"] for r in data["results"]] == ["Implementeringsplan for ny omstilling"]


@pytest.mark.django_db
class TestNearMisses:
    def test_a_compound_spelled_differently_is_found(self, people: People) -> None:
        AgendaItemFactory(
            meeting=MeetingFactory(body=people.body), title="Godkendelse af Friluftstrategi"
        )
        page = search_items(people.staff, "friluftsstrategi")
        assert titles(page) == ["Godkendelse af Friluftstrategi"]
        assert page.hits[0].near_miss

    def test_a_near_miss_combines_with_the_other_words(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting, title="Godkendelse af Friluftstrategi")
        AgendaItemFactory(meeting=meeting, title="Status på Friluftstrategi")
        page = search_items(people.staff, "godkendelse friluftsstrategi")
        assert titles(page) == ["Godkendelse af Friluftstrategi"]
        assert page.hits[0].near_miss

    def test_a_typo_is_found(self, people: People, minutes) -> None:
        page = search_items(people.staff, "makerspcae")
        assert titles(page)[:1] == [minutes["makerspace"].title]

    def test_near_misses_come_after_exact_hits(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItemFactory(meeting=meeting, title="Ny kantine")
        AgendaItemFactory(meeting=meeting, title="Godkendelse af Friluftstrategi")
        page = search_items(people.staff, "kantine or friluftsstrategi")
        assert [(hit.title, hit.near_miss) for hit in page.hits] == [
            ("Ny kantine", False),
            ("Godkendelse af Friluftstrategi", True),
        ]

    def test_words_of_hidden_titles_take_no_place_among_the_near_misses(
        self, people: People
    ) -> None:
        published = MeetingFactory(body=people.body)
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        # Three hidden titles hold the words most like the query: closed, closed, draft.
        AgendaItemFactory(meeting=published, title="Friluftsstrategien for Hedeland", closed=True)
        AgendaItemFactory(meeting=published, title="Friluftsstrategiens mål", closed=True)
        AgendaItemFactory(meeting=draft, title="Friluftsstrategier i kommunen")
        AgendaItemFactory(meeting=published, title="Friluftsstrategiplan for Vestskoven")
        page = search_items(people.staff, "friluftsstrategi")
        assert titles(page) == ["Friluftsstrategiplan for Vestskoven"]
        assert page.hits[0].near_miss

    def test_words_that_are_found_bring_no_near_misses(self, people: People, minutes) -> None:
        # "omstilling" is a real word of the minutes: "omstillingen af hjemmeplejen" is not
        # offered as a near miss of the phrase.
        assert titles(search_items(people.superuser, '"ny omstilling"')) == [
            "Implementeringsplan for ny omstilling"
        ]


@pytest.mark.django_db
class TestFilters:
    def test_by_body(self, people: People, minutes) -> None:
        page = search_items(people.superuser, "omstilling", SearchFilters(body=people.other_body))
        assert titles(page) == ["Budgetopfølgning for omstillingen af hjemmeplejen"]

    def test_by_date_range(self, people: People, minutes) -> None:
        filters = SearchFilters(date_from=dt.date(2017, 1, 1), date_to=dt.date(2017, 12, 31))
        assert set(titles(search_items(people.staff, "godkendt", filters))) == {
            minutes["policy"].title
        }

    def test_all_postponed_items_of_a_year_without_words(self, people: People, minutes) -> None:
        response = people.client_for("staff").get(
            "/api/search/", {"outcome": "udskudt", "from": "2017-01-01", "to": "2017-12-31"}
        )
        assert [r["title"] for r in response.json()["results"]] == [minutes["makerspace"].title]

    def test_by_case_number(self, people: People, minutes) -> None:
        page = search_items(people.staff, "godkendt", SearchFilters(case_number="15/14789"))
        assert titles(page) == [minutes["policy"].title]

    def test_sorted_by_date_newest_first(self, people: People, minutes) -> None:
        page = search_items(people.staff, "godkend", SearchFilters(sort=Sort.DATE))
        dates = [hit.meeting_date for hit in page.hits]
        assert dates == sorted(dates, reverse=True)

    def test_bad_filters_are_explained_in_danish_and_kept(self, people: People, minutes) -> None:
        response = people.client_for("staff").get(
            "/search/",
            {"q": "omstilling", "from": "32-13-2017", "case": "abc", "outcome": "måske"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Datoen “32-13-2017” findes ikke." in html
        assert "Sagsnummeret “abc” er ugyldigt" in html
        assert "“måske” er ikke et kendt udfald." in html
        assert 'value="omstilling"' in html and 'value="32-13-2017"' in html

    def test_a_date_in_the_wrong_form_or_that_does_not_exist_is_told_apart(
        self, people: People
    ) -> None:
        client = people.client_for("staff")
        wrong = client.get("/search/", {"q": "omstilling", "to": "i går"}).content.decode()
        assert "Til-datoen skal skrives som ÅÅÅÅ-MM-DD." in wrong
        missing = client.get("/api/search/", {"q": "omstilling", "from": "2024-02-31"})
        assert missing.status_code == 400
        assert "Datoen “2024-02-31” findes ikke." in missing.content.decode()

    def test_a_reversed_date_range_is_refused(self, people: People) -> None:
        response = people.client_for("staff").get(
            "/api/search/", {"from": "2018-01-01", "to": "2017-01-01"}
        )
        assert response.status_code == 400
        assert response.json()["errors"]["to"] == ["Til-datoen ligger før fra-datoen."]


@pytest.mark.django_db
class TestPaging:
    @pytest.fixture
    def many(self, people: People) -> None:
        meeting = MeetingFactory(body=people.body)
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, number=n, title=f"Skolevej {n}") for n in range(1, 46)
        )

    def test_pages_of_twenty(self, people: People, many) -> None:
        client = people.client_for("staff")
        sizes = [
            len(client.get("/api/search/", {"q": "skolevej", "page": p}).json()["results"])
            for p in (1, 2, 3)
        ]
        assert sizes == [20, 20, 5]

    def test_no_item_comes_twice_across_pages(self, people: People, many) -> None:
        seen = []
        for p in (1, 2, 3):
            seen += titles(search_items(people.staff, "skolevej", SearchFilters(page=p)))
        assert len(seen) == len(set(seen)) == 45

    @pytest.mark.parametrize("page", ["99", "abc", "-1", "1e9", ""])
    def test_an_odd_page_number_answers(self, people: People, many, page: str) -> None:
        response = people.client_for("staff").get("/api/search/", {"q": "skolevej", "page": page})
        assert response.status_code == 200
        assert response.json()["count"] == 45

    def test_the_page_links_keep_the_query(self, people: People, many) -> None:
        html = people.client_for("staff").get("/search/", {"q": "skolevej"}).content.decode()
        assert "?q=skolevej&amp;page=2" in html
        assert "45 punkter fundet" in html


HOSTILE = [
    "",
    "   ",
    '"',
    '"""',
    "'",
    "&",
    "&&|!",
    ":",
    "a:b",
    "!",
    "!!!",
    "(",
    "))((",
    "<->",
    "-",
    "--omstilling",
    "og i at den",
    "x" * 10_000,
    "omstilling " * 2_000,
    "\x00",
    "omstil\x00ling",
    "😀 ∑ ✓",
    "'; DROP TABLE meetings_agendaitem; --",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "17/",
    "17/0",
    "00/00000000",
    "OR",
    "or or or",
    "-or",
]


@pytest.mark.django_db
class TestHostileQueries:
    @pytest.mark.parametrize("query", HOSTILE)
    def test_the_page_answers(self, people: People, minutes, query: str) -> None:
        response = people.client_for("staff").get("/search/", {"q": query})
        assert response.status_code in (200, 302)

    @pytest.mark.parametrize("query", HOSTILE)
    def test_the_api_answers(self, people: People, minutes, query: str) -> None:
        response = people.client_for("staff").get("/api/search/", {"q": query})
        assert response.status_code == 200
        assert isinstance(response.json()["count"], int)

    def test_only_stop_words_says_so(self, people: People, minutes) -> None:
        page = search_items(people.staff, "og i at")
        assert page.count == 0
        assert any("almindelige småord" in notice for notice in page.notices)

    def test_a_very_long_query_is_cut_and_said_so(self, people: People, minutes) -> None:
        page = search_items(people.staff, "omstilling " * 2_000)
        assert len(page.query) <= MAX_QUERY_LENGTH
        assert any("forkortet" in notice for notice in page.notices)

    def test_script_in_the_query_is_shown_as_text(self, people: People, minutes) -> None:
        html = (
            people.client_for("staff")
            .get("/search/", {"q": "<script>alert(1)</script>"})
            .content.decode()
        )
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_anonymous_users_search_the_public_page_but_not_the_api(self, client) -> None:
        # The page searches public bodies' published content (tests/meetings/test_public_search.py).
        assert client.get("/search/", {"q": "x"}).status_code == 200
        assert client.get("/api/search/", {"q": "x"}).status_code in (401, 403)


@pytest.mark.django_db
class TestClosedItems:
    """A closed item reaches only the body's members, its secretary and superusers: in
    results, counts, snippets and near-misses, on the page and in the API."""

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize(
        "query", [SECRET_WORD, "afskedigelse", "afdelingsleder", "afskedigelse afdelingsledr"]
    )
    def test_on_the_page(self, people: People, minutes, role: str, query: str) -> None:
        html = people.client_for(role).get("/search/", {"q": query}).content.decode()
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert SECRET_TITLE in html
            assert "Lukket punkt" in html
        else:
            results = html[html.index('id="results-heading"') :]
            assert SECRET_TITLE not in html
            assert "Lukket punkt" not in results
            assert SECRET_WORD not in results.replace(f'value="{query}"', "")
            assert "0 punkter fundet" in html

    @pytest.mark.parametrize("role", ROLES)
    def test_in_the_api(self, people: People, minutes, role: str) -> None:
        response = people.client_for(role).get("/api/search/", {"q": SECRET_WORD})
        body = response.content.decode()
        data = json.loads(body)
        if role in ROLES_WITH_CLOSED_ACCESS:
            assert data["count"] == 1
            assert f"<mark>{SECRET_WORD}</mark>" in data["results"][0]["snippet"]
        else:
            assert data["count"] == 0
            assert SECRET_TITLE not in body and SECRET_WORD not in body

    @pytest.mark.parametrize("role", ROLES)
    def test_a_word_shared_with_a_closed_item_shows_only_what_may_be_seen(
        self, people: People, minutes, role: str
    ) -> None:
        # "omstilling" is in the switchboard item and in the closed item's background.
        data = people.client_for(role).get("/api/search/", {"q": "omstilling"}).json()
        shown = [r["title"] for r in data["results"]]
        assert "Implementeringsplan for ny omstilling" in shown
        assert (SECRET_TITLE in shown) == (role in ROLES_WITH_CLOSED_ACCESS)
        assert data["count"] == len(shown)

    @pytest.mark.parametrize("role", ROLES)
    def test_filters_list_no_closed_item(self, people: People, minutes, role: str) -> None:
        data = people.client_for(role).get("/api/search/", {"case": "17/171"}).json()
        assert (data["count"] == 1) == (role in ROLES_WITH_CLOSED_ACCESS)

    def test_an_unpublished_meeting_is_searched_only_by_its_body(self, people: People) -> None:
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        AgendaItemFactory(meeting=draft, title="Udkast om parkeringsnormer")
        assert search_items(people.staff, "parkeringsnormer").count == 0
        assert search_items(people.outsider, "parkeringsnormer").count == 0
        assert search_items(people.director, "parkeringsnormer").count == 1

    def test_no_body_filter_offers_a_body_the_user_cannot_see(self, people: People) -> None:
        hidden = BodyFactory(name="Hemmeligt udvalg", slug="hemmeligt")
        MeetingFactory(body=hidden, status=Meeting.Status.DRAFT)
        html = people.client_for("staff").get("/search/").content.decode()
        assert "Hemmeligt udvalg" not in html
        response = people.client_for("staff").get("/api/search/", {"body": "hemmeligt"})
        assert response.status_code == 400


@pytest.mark.django_db
class TestAttachmentText:
    def test_the_text_of_an_uploaded_pdf_is_searchable(self, people: People, tmp_path) -> None:
        from django.core.files.base import ContentFile
        from weasyprint import HTML

        from meetings.services.attachments import attachment_schedule_text_extraction

        pdf = HTML(string="<p>Rapport om grundvandsboringer ved Hedehusene.</p>").write_pdf()
        item = AgendaItemFactory(meeting=MeetingFactory(body=people.body), title="Vandplan")
        attachment = AttachmentFactory(
            item=item,
            title="Rapport",
            file=ContentFile(pdf, name="rapport.pdf"),
            content_type="application/pdf",
            size=len(pdf),
        )
        attachment_schedule_text_extraction(attachment=attachment)
        attachment.refresh_from_db()
        assert "grundvandsboringer" in attachment.extracted_text
        page = search_items(people.staff, "grundvandsboring")
        assert titles(page) == ["Vandplan"]
        assert "<mark>grundvandsboringer</mark>" in page.hits[0].snippet

    def test_a_pdf_uploaded_by_the_secretary_is_searchable_at_once(self, people: People) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from weasyprint import HTML

        from meetings.services.attachments import attachment_add

        pdf = HTML(string="<p>Skitse af cykelparkering ved stationen.</p>").write_pdf()
        draft = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        item = AgendaItemFactory(meeting=draft, title="Stationsforplads")
        attachment_add(
            actor=people.secretary,
            item=item,
            upload=SimpleUploadedFile("skitse.pdf", pdf, content_type="application/pdf"),
        )
        assert titles(search_items(people.secretary, "cykelparkering")) == ["Stationsforplads"]
        assert search_items(people.staff, "cykelparkering").count == 0  # not yet published

    def test_a_damaged_file_gives_no_text_and_no_error(self, people: People) -> None:
        from django.core.files.base import ContentFile

        from meetings.services.attachments import attachment_extract_text

        attachment = AttachmentFactory(
            file=ContentFile(b"%PDF-1.4 not really", name="broken.pdf"),
            content_type="application/pdf",
        )
        assert attachment_extract_text(attachment_id=attachment.pk) is True
        attachment.refresh_from_db()
        assert attachment.extracted_text == ""


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_attachment_is_read_by_the_worker(
    people: People, celery_worker_process, settings
) -> None:
    import time

    from django.core.files.base import ContentFile
    from django.db import transaction
    from weasyprint import HTML

    from meetings.services.attachments import attachment_schedule_text_extraction

    settings.ATTACHMENT_INLINE_EXTRACT_BYTES = 10
    pdf = HTML(string="<p>Plan for klimatilpasning af Selsmosekvarteret.</p>").write_pdf()
    with transaction.atomic():
        item = AgendaItemFactory(meeting=MeetingFactory(body=people.body), title="Klimaplan")
        attachment = AttachmentFactory(
            item=item,
            file=ContentFile(pdf, name="klima.pdf"),
            content_type="application/pdf",
            size=len(pdf),
        )
        attachment_schedule_text_extraction(attachment=attachment)
        assert Attachment.objects.get(pk=attachment.pk).extracted_text == ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Attachment.objects.get(pk=attachment.pk).extracted_text:
            break
        time.sleep(0.2)
    assert "klimatilpasning" in Attachment.objects.get(pk=attachment.pk).extracted_text
    assert titles(search_items(people.staff, "klimatilpasning")) == ["Klimaplan"]
