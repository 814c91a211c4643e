"""The public front page, the accessibility statement and the caching rules of public
responses, as an anonymous visitor and a logged-in member meet them; and the fixed number of
queries the public paths cost however much there is to show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, MeetingTransition
from tests.public_scenario import HIDDEN_WORDS, Portal

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/",
    "/search/?q=skolestruktur",
    "/feeds/bodies/byraadet/",
    "/calendars/byraadet.ics",
]


class TestFrontPage:
    def test_an_anonymous_visitor_gets_the_public_front_page(self, portal: Portal) -> None:
        response = Client().get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Dagsordener og referater" in html
        section = html.split('id="organ-byraadet"')[1].split("</section>")[0]
        coming, latest = section.split("Seneste referater")
        assert f'href="/meetings/{portal.agenda.pk}/"' in coming
        assert f'href="/meetings/{portal.draft.pk}/"' not in html  # its agenda is not out
        assert f'href="/meetings/{portal.minutes.pk}/"' in latest
        assert 'action="/search/"' in html
        assert 'href="/feeds/bodies/byraadet/"' in section
        assert 'href="/calendars/byraadet.ics"' in section
        assert "Direktionen" not in html
        assert f'href="/meetings/{portal.internal.pk}/"' not in html
        for word in HIDDEN_WORDS:
            assert word not in html
        assert "Log ind" in html

    def test_it_names_the_municipality_when_configured(self, portal: Portal) -> None:
        from meetings.models import Municipality

        Municipality.objects.create(pk=Municipality.SINGLETON_PK, name="Høje-Taastrup Kommune")
        assert (
            "Høje-Taastrup Kommune: Dagsordener og referater" in Client().get("/").content.decode()
        )

    def test_a_logged_in_user_keeps_the_meeting_list(self, portal: Portal) -> None:
        html = portal.people.client_for("secretary").get("/").content.decode()
        assert "Nyt møde" in html
        assert "Kommende møder" not in html

    def test_the_accessibility_statement_is_linked_from_every_page(self, portal: Portal) -> None:
        html = Client().get("/").content.decode()
        assert 'href="/tilgaengelighed/"' in html
        statement = Client().get("/tilgaengelighed/")
        assert statement.status_code == 200
        assert "Tilgængelighedserklæring" in statement.content.decode()
        assert "WCAG 2.1" in statement.content.decode()


class TestCaching:
    @pytest.mark.parametrize("path", PUBLIC_PATHS)
    def test_an_anonymous_answer_is_public_with_an_etag_and_a_304_when_unchanged(
        self, portal: Portal, path: str
    ) -> None:
        client = Client()
        response = client.get(path)
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("public, max-age=")
        assert "Cookie" in response["Vary"]
        assert not response.cookies, "a cookie makes the answer the visitor's own"
        etag = response["ETag"]
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""

    def test_the_front_page_carries_the_time_of_the_latest_publication(
        self, portal: Portal
    ) -> None:
        response = Client().get("/")
        newest = MeetingTransition.objects.order_by("-created_at").first()
        assert newest is not None
        assert response["Last-Modified"] == newest.created_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
        unchanged = Client().get("/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert unchanged.status_code == 304

    def test_a_new_publication_changes_the_etag(self, portal: Portal) -> None:
        before = Client().get("/feeds/bodies/byraadet/")["ETag"]
        MeetingTransition.objects.create(
            meeting=portal.draft,
            action=MeetingTransition.Action.PUBLISH_AGENDA,
            from_status=portal.draft.status,
            to_status=portal.draft.status,
            by=portal.people.secretary,
        )
        Meeting.objects.filter(pk=portal.draft.pk).update(agenda_published_at=timezone.now())
        assert Client().get("/feeds/bodies/byraadet/")["ETag"] != before

    @pytest.mark.parametrize("path", PUBLIC_PATHS)
    @pytest.mark.parametrize("role", ["secretary", "staff", "superuser"])
    def test_a_logged_in_answer_is_never_public(self, portal: Portal, path: str, role: str) -> None:
        response = portal.people.client_for(role).get(path)
        assert response.status_code == 200
        assert "public" not in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert "ETag" not in response


def _more_meetings(portal: Portal, count: int) -> None:
    """`count` more published meetings of Byrådet, each with two items and both publications."""
    start = timezone.now() - dt.timedelta(days=400)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            body=portal.council,
            starts_at=start + dt.timedelta(days=3 * n),
            location="Byrådssalen",
            status=Meeting.Status.PUBLISHED,
            agenda_published_at=start,
        )
        for n in range(count)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=m, number=n, title=f"Punkt {n}", agenda_published_at=start)
        for m in meetings
        for n in (1, 2)
    )
    MeetingTransition.objects.bulk_create(
        MeetingTransition(
            meeting=m,
            action=action,
            from_status=m.status,
            to_status=m.status,
            by=portal.people.secretary,
        )
        for m in meetings
        for action in (MeetingTransition.Action.PUBLISH_AGENDA, MeetingTransition.Action.PUBLISH)
    )


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_paths_cost_the_same_queries_for_2_and_22_meetings(
    portal: Portal, path: str
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(path).status_code == 200
        return len(captured)

    few = queries()
    _more_meetings(portal, 20)
    assert queries() == few


def test_an_anonymous_meeting_page_is_cacheable_and_shows_the_closed_items_public_decision(
    portal: Portal,
) -> None:
    from tests.public_scenario import CLOSED_PUBLIC_DECISION

    client = Client()
    response = client.get(f"/meetings/{portal.minutes.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert CLOSED_PUBLIC_DECISION in html
    for word in HIDDEN_WORDS:
        assert word not in html
    assert response["Cache-Control"].startswith("public, max-age=")
    assert (
        client.get(
            f"/meetings/{portal.minutes.pk}/", HTTP_IF_NONE_MATCH=response["ETag"]
        ).status_code
        == 304
    )
    member = portal.people.client_for("superuser").get(f"/meetings/{portal.minutes.pk}/")
    assert "no-store" in member["Cache-Control"]


def test_an_anonymous_meeting_page_costs_the_same_queries_for_2_and_12_items(
    portal: Portal,
) -> None:
    from meetings.models import Attachment, Decision

    meeting = portal.minutes

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(f"/meetings/{meeting.pk}/").status_code == 200
        return len(captured)

    few = queries()
    last = meeting.items.order_by("-number").first()
    start = last.number if last is not None else 0
    for n in range(start + 1, start + 11):
        item = AgendaItem.objects.create(meeting=meeting, number=n, title=f"Ekstra {n}")
        Decision.objects.create(item=item, text="<p>Godkendt.</p>")
        Attachment.objects.create(item=item, title=f"Bilag {n}")
    assert queries() == few
