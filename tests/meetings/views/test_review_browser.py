"""The review workflow in the system Chromium (pytest-playwright's browser, set up in
tests/conftest.py), under the real Content-Security-Policy: a director approves through the
page, the secretary publishes, and the browser reports no policy violation and no script error
on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from meetings.models import Decision, Meeting
from meetings.services.review import decision_approve
from tests.conftest import People
from tests.review_scenario import build_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Watched:
    """A page whose CSP violations and script errors are collected."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "console",
            lambda msg: (
                self.problems.append(f"console: {msg.text}")
                if msg.type == "error" or "Content Security Policy" in msg.text
                else None
            ),
        )


def _log_in(browser: Browser, base_url: str, username: str) -> Watched:
    watched = Watched(browser.new_page())
    page = watched.page
    page.goto(f"{base_url}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("test-password")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{base_url}/")
    return watched


def test_a_director_approves_and_the_secretary_publishes(
    browser: Browser, live_server, people: People
) -> None:
    review = build_review(people)
    meeting = review.in_review
    url = f"{live_server.url}/meetings/{meeting.pk}/review/"
    # "Øvrige sager" is approved by both beforehand: the browser takes items 1 and 2.
    for reviewer in review.reviewers:
        decision_approve(item=review.item(meeting, 3), actor=reviewer)

    director = _log_in(browser, live_server.url, "direktoer")
    page = director.page
    page.get_by_role("link", name="Mine opgaver").click()
    page.get_by_role("link", name="Punkt 1: Udbud af KMD driftskontrakt").click()
    assert page.url.startswith(url)
    assert page.evaluate("typeof window.htmx") == "object"  # scripts run under the policy
    page.get_by_role("button", name="Godkend punkt 1").click()
    assert page.get_by_text("Du har godkendt punkt 1.").is_visible()
    assert page.locator("#beslutning-1 .lock-badge").inner_text() == "Godkendt og låst"

    # The director asked for changes on item 2; the secretary edits; the director sees what.
    Decision.objects.filter(item__meeting=meeting, item__number=2).update(
        text="<p>Beslutning LukketQx7: fratrædelsen godkendes pr. 1-8-2018.</p>"
    )
    page.goto(url)
    assert page.locator("#beslutning-2 .diff-added").inner_text().endswith("pr. 1-8-2018.")
    page.get_by_role("button", name="Godkend punkt 2").click()
    assert page.get_by_text("Du har godkendt punkt 2.").is_visible()
    page.close()

    chair = _log_in(browser, live_server.url, "formand")
    chair.page.goto(url)
    chair.page.get_by_role("button", name="Godkend punkt 2").click()
    assert chair.page.locator("#meeting-status").inner_text() == "Godkendt"
    chair.page.close()

    secretary = _log_in(browser, live_server.url, "sekretaer")
    secretary.page.goto(url)
    secretary.page.get_by_role("button", name="Offentliggør referatet").click()
    assert secretary.page.locator("#meeting-status").inner_text() == "Offentliggjort"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED

    problems = director.problems + chair.problems + secretary.problems
    assert problems == []
