"""Search as the public and outsiders read it: the same engine, over what each may read.

An item whose agenda is published but whose minutes are not is found, counted, quoted and
filtered by its agenda alone; internal attachments, closed items, drafts and internal bodies
are found by nobody outside (an anonymous visitor, or staff outside the body), neither in the
results, their count and snippets, nor as near-miss words."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from meetings.models import Body
from meetings.search import SearchFilters, SearchPage, search_items
from tests.public_scenario import (
    AGENDA_WORD,
    DRAFT_DECISION_WORD,
    DRAFT_MEETING_WORD,
    HIDDEN_WORDS,
    INTERNAL_ATTACHMENT_WORD,
    INTERNAL_BODY_WORD,
    PUBLIC_ATTACHMENT_WORD,
    PUBLIC_DECISION_WORD,
    SUPPLEMENT_WORD,
    UNPUBLISHED_ITEM_WORD,
    Portal,
)
from tests.review_scenario import CLOSED_TOKEN

pytestmark = pytest.mark.django_db

OUTSIDERS = ["anonymous", "staff"]


def reader(portal: Portal, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else getattr(portal.people, role)


def titles(page: SearchPage) -> list[str]:
    return [hit.title for hit in page.hits]


@pytest.mark.parametrize("role", OUTSIDERS)
class TestWhatOutsidersFind:
    def test_a_published_agenda_is_found_by_its_text_with_no_word_of_its_draft_decision(
        self, portal: Portal, role: str
    ) -> None:
        for query in (AGENDA_WORD, "cykelstien anlægges", "Strandvejen"):
            page = search_items(reader(portal, role), query)
            assert titles(page) == ["Cykelsti langs Strandvejen"], query
            hit = page.hits[0]
            assert DRAFT_DECISION_WORD not in hit.snippet
            assert "afvist" not in hit.snippet.lower()
            # The drafted outcome (Afvist) is the body's until the minutes are published.
            assert hit.outcome == "" and hit.outcome_label == ""

    def test_a_supplement_item_is_found_once_published(self, portal: Portal, role: str) -> None:
        assert titles(search_items(reader(portal, role), SUPPLEMENT_WORD)) == [
            "Tilskud til foreningerne"
        ]

    def test_published_minutes_are_found_by_decision_and_public_attachment(
        self, portal: Portal, role: str
    ) -> None:
        for query in (PUBLIC_DECISION_WORD, PUBLIC_ATTACHMENT_WORD):
            page = search_items(reader(portal, role), query)
            assert titles(page) == ["Skolestruktur i Nordbyen"], query
            assert query in page.hits[0].snippet
            assert INTERNAL_ATTACHMENT_WORD not in page.hits[0].snippet
        page = search_items(reader(portal, role), PUBLIC_DECISION_WORD)
        assert page.hits[0].outcome_label == "Godkendt"

    @pytest.mark.parametrize(
        "word",
        [
            DRAFT_DECISION_WORD,
            INTERNAL_ATTACHMENT_WORD,
            UNPUBLISHED_ITEM_WORD,
            DRAFT_MEETING_WORD,
            CLOSED_TOKEN,
            "fratrædelse",
        ],
    )
    def test_hidden_words_find_nothing_and_suggest_nothing(
        self, portal: Portal, role: str, word: str
    ) -> None:
        user = reader(portal, role)
        # Staff read Direktionen's published minutes: a near miss may lead there.
        allowed = {"Cykelsti langs Strandvejen"}
        hidden_words = set(HIDDEN_WORDS)
        if role == "staff":
            allowed.add(f"Intern sag {INTERNAL_BODY_WORD}")
            hidden_words.discard(INTERNAL_BODY_WORD)
        for query in (word, word[:-1] + "x", f"{word} OR Strandvejen"):
            page = search_items(user, query)
            assert [h.title for h in page.hits if h.title not in allowed] == [], query
            assert page.count == len(page.hits)
            for hit in page.hits:
                for hidden in hidden_words:
                    assert hidden not in hit.snippet and hidden not in hit.title

    def test_the_outcome_filter_reveals_no_drafted_outcome(self, portal: Portal, role: str) -> None:
        user = reader(portal, role)
        assert search_items(user, "", SearchFilters(outcome="afvist")).count == 0
        assert search_items(user, "cykelsti", SearchFilters(outcome="afvist")).count == 0
        approved = search_items(user, "", SearchFilters(outcome="godkendt"))
        expected = ["Skolestruktur i Nordbyen"]
        if role == "staff":  # Direktionen's published minutes are for every logged-in user.
            expected = [f"Intern sag {INTERNAL_BODY_WORD}", *expected]
        assert titles(approved) == expected

    def test_filters_list_only_what_was_published(self, portal: Portal, role: str) -> None:
        council = Body.objects.get(slug="byraadet")
        page = search_items(reader(portal, role), "", SearchFilters(body=council))
        assert sorted(titles(page)) == [
            "Cykelsti langs Strandvejen",
            "Skolestruktur i Nordbyen",
            "Tilskud til foreningerne",
        ]
        for hit in page.hits:
            assert DRAFT_DECISION_WORD not in hit.snippet
            assert INTERNAL_ATTACHMENT_WORD not in hit.snippet


def test_an_internal_bodys_minutes_are_not_the_publics(portal: Portal) -> None:
    assert search_items(AnonymousUser(), INTERNAL_BODY_WORD).count == 0
    assert search_items(portal.people.staff, INTERNAL_BODY_WORD).count == 1


def test_the_body_finds_its_internal_attachments_and_draft_decisions(portal: Portal) -> None:
    """The rule's other side: what outsiders may not find, the body (here a superuser) does."""
    admin = portal.people.superuser
    page = search_items(admin, INTERNAL_ATTACHMENT_WORD)
    assert titles(page) == ["Skolestruktur i Nordbyen"]
    assert INTERNAL_ATTACHMENT_WORD in page.hits[0].snippet
    page = search_items(admin, DRAFT_DECISION_WORD)
    assert titles(page) == ["Cykelsti langs Strandvejen"]
    assert page.hits[0].outcome_label == "Afvist"


def test_a_member_of_the_body_finds_its_internal_attachment(portal: Portal) -> None:
    from tests.factories import MembershipFactory

    MembershipFactory(user=portal.people.staff, body=portal.council)
    page = search_items(portal.people.staff, INTERNAL_ATTACHMENT_WORD)
    assert titles(page) == ["Skolestruktur i Nordbyen"]


class TestTheSearchPage:
    def test_an_anonymous_visitor_searches_without_logging_in(self, portal: Portal) -> None:
        response = Client().get("/search/", {"q": "skolestruktur"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Skolestruktur i Nordbyen" in html
        assert f"/meetings/{portal.minutes.pk}/#punkt-1" in html
        for word in HIDDEN_WORDS:
            assert word not in html
        assert response["Cache-Control"].startswith("public")

    def test_the_body_filter_offers_public_bodies_only(self, portal: Portal) -> None:
        html = Client().get("/search/").content.decode()
        assert 'value="byraadet"' in html
        assert 'value="direktionen"' not in html

    def test_an_internal_body_as_a_filter_is_refused(self, portal: Portal) -> None:
        html = Client().get("/search/", {"q": "sag", "body": "direktionen"}).content.decode()
        assert INTERNAL_BODY_WORD not in html
