"""The public bodies' Atom feeds and meeting calendars, and a case's feed of decisions, read
as a feed reader and a calendar program would: parsed with feedparser and icalendar."""

from __future__ import annotations

import feedparser
import icalendar
import pytest
from django.conf import settings
from django.test import Client

from meetings.models import Body
from tests.public_scenario import (
    CLOSED_PUBLIC_DECISION,
    HIDDEN_WORDS,
    PUBLIC_DECISION_WORD,
    Portal,
)

pytestmark = pytest.mark.django_db


def _assert_nothing_hidden(content: bytes) -> None:
    for word in HIDDEN_WORDS:
        assert word.encode() not in content, f"{word} reached the public"


def _feed(content: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


class TestBodyFeed:
    def test_it_lists_the_published_agendas_supplement_and_minutes_newest_first(
        self, portal: Portal
    ) -> None:
        response = Client().get("/feeds/bodies/byraadet/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = _feed(response.content)
        assert feed.feed.title == "Byrådet: dagsordener og referater"
        titles = [entry.title for entry in feed.entries]
        agenda_day = portal.agenda.starts_at.astimezone().strftime("%d-%m-%Y")
        minutes_day = portal.minutes.starts_at.astimezone().strftime("%d-%m-%Y")
        assert titles == [
            f"Tillægsdagsorden: Byrådet {agenda_day}",
            f"Dagsorden: Byrådet {agenda_day}",
            f"Referat: Byrådet {minutes_day}",
            f"Dagsorden: Byrådet {minutes_day}",
        ]
        assert len({entry.id for entry in feed.entries}) == 4
        assert feed.entries[0].link == f"http://testserver/meetings/{portal.agenda.pk}/"
        # The agenda's entry lists its published items, the closed one as "Lukket", the
        # supplement's item marked.
        summary = feed.entries[1].summary
        assert "Cykelsti langs Strandvejen" in summary
        assert "Lukket" in summary
        assert "Tilskud til foreningerne (tillægsdagsorden)" in summary
        _assert_nothing_hidden(response.content)

    def test_minutes_reopened_leave_the_feed_until_published_again(self, portal: Portal) -> None:
        portal.minutes.status = "genåbnet"
        portal.minutes.save(update_fields=["status"])
        feed = _feed(Client().get("/feeds/bodies/byraadet/").content)
        assert not [entry for entry in feed.entries if entry.title.startswith("Referat")]

    def test_an_internal_body_has_no_public_feed(self, portal: Portal) -> None:
        assert Client().get("/feeds/bodies/direktionen/").status_code == 404
        assert Client().get("/feeds/bodies/findes-ikke/").status_code == 404

    def test_a_member_of_staff_may_follow_an_internal_bodys_published_minutes(
        self, portal: Portal
    ) -> None:
        response = portal.people.client_for("staff").get("/feeds/bodies/direktionen/")
        assert response.status_code == 200
        feed = _feed(response.content)
        assert [entry.title[:8] for entry in feed.entries] == ["Referat:"]
        assert "public" not in response["Cache-Control"]


class TestBodyCalendar:
    def test_it_holds_the_meetings_whose_agenda_or_minutes_are_out(self, portal: Portal) -> None:
        response = Client().get("/calendars/byraadet.ics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.content)
        assert calendar["VERSION"] == "2.0"
        assert calendar["PRODID"]
        events = calendar.walk("VEVENT")
        urls = {str(event["URL"]) for event in events}
        # The site's own address (SITE_URL), as in the members' invitations.
        assert urls == {
            f"{settings.SITE_URL}/meetings/{portal.minutes.pk}/",
            f"{settings.SITE_URL}/meetings/{portal.agenda.pk}/",
        }
        for event in events:
            assert str(event["UID"]).startswith("meeting-")
            assert event["DTSTAMP"]
            assert str(event["LOCATION"]) == "Byrådssalen"
            start = event.decoded("DTSTART")
            assert str(start.tzinfo) == "Europe/Copenhagen"
        # The zone's own definition travels with it.
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
        agenda_event = next(e for e in events if str(e["URL"]).endswith(f"/{portal.agenda.pk}/"))
        assert agenda_event.decoded("DTSTART") == portal.agenda.starts_at
        _assert_nothing_hidden(response.content)

    def test_the_uid_of_a_meeting_stays_when_the_meeting_moves(self, portal: Portal) -> None:
        def uids() -> set[str]:
            content = Client().get("/calendars/byraadet.ics").content
            return {str(e["UID"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")}

        before = uids()
        portal.agenda.location = "Rådhuset"
        portal.agenda.save()
        assert uids() == before

    def test_an_internal_body_has_no_public_calendar(self, portal: Portal) -> None:
        assert Client().get("/calendars/direktionen.ics").status_code == 404


class TestCaseFeed:
    def test_it_carries_the_decisions_of_published_minutes_only(self, portal: Portal) -> None:
        # Case 26/101 was decided in the published minutes and is on the coming agenda, whose
        # drafted decision is not the public's.
        response = Client().get("/feeds/cases/26-101/")
        assert response.status_code == 200
        feed = _feed(response.content)
        assert len(feed.entries) == 1
        assert feed.entries[0].title.endswith("punkt 1: Skolestruktur i Nordbyen")
        assert PUBLIC_DECISION_WORD in feed.entries[0].summary
        _assert_nothing_hidden(response.content)

    def test_a_closed_item_is_lukket_with_its_public_decision(self, portal: Portal) -> None:
        response = Client().get("/feeds/cases/26-102/")
        feed = _feed(response.content)
        assert [entry.title.rsplit(": ", 1)[-1] for entry in feed.entries] == ["Lukket"]
        assert CLOSED_PUBLIC_DECISION in feed.entries[0].summary
        _assert_nothing_hidden(response.content)

    def test_a_case_only_an_internal_body_handled_does_not_exist_for_the_public(
        self, portal: Portal
    ) -> None:
        assert Client().get("/feeds/cases/26-104/").status_code == 404
        assert Client().get("/feeds/cases/99-999/").status_code == 404


class TestAutodiscovery:
    def test_the_front_page_announces_each_public_bodys_feed_and_calendar(
        self, portal: Portal
    ) -> None:
        html = Client().get("/").content.decode()
        head = html.split("</head>")[0]
        assert (
            '<link rel="alternate" type="application/atom+xml" '
            'title="Byrådet: dagsordener og referater" href="/feeds/bodies/byraadet/">'
        ) in head
        assert 'type="text/calendar"' in head and 'href="/calendars/byraadet.ics"' in head
        assert "direktionen" not in head

    def test_a_public_bodys_meeting_page_announces_its_feeds(self, portal: Portal) -> None:
        client = portal.people.client_for("staff")
        head = client.get(f"/meetings/{portal.minutes.pk}/").content.decode().split("</head>")[0]
        assert 'href="/feeds/bodies/byraadet/"' in head

    def test_a_case_page_announces_the_cases_feed(self, portal: Portal) -> None:
        client = portal.people.client_for("staff")
        head = client.get("/cases/26-101/").content.decode().split("</head>")[0]
        assert 'type="application/atom+xml"' in head and 'href="/feeds/cases/26-101/"' in head


def test_the_internal_body_is_internal(portal: Portal) -> None:
    assert not Body.objects.get(slug="direktionen").public
