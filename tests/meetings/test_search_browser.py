"""The search page and the case history in a real Chromium: keyboard use and WCAG 2.1 AA."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tests.axe import serious_violations
from tests.conftest import People
from tests.meetings.samples import import_sample_minutes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(page: Page, live_server, people: People) -> Page:
    """pytest-playwright's page in the system Chromium (tests/conftest.py), logged in as a
    member of staff, with the sample minutes imported."""
    import_sample_minutes()
    client = people.client_for("staff")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_default_timeout(15_000)
    return page


def test_searching_from_the_navbar_with_the_keyboard(staff_page: Page, live_server) -> None:
    staff_page.goto(live_server.url + "/")
    staff_page.get_by_role("searchbox", name="Søg i beslutninger").fill("ny omstilling")
    staff_page.keyboard.press("Enter")
    staff_page.wait_for_url("**/search/?q=ny+omstilling")
    first = staff_page.locator(".search-result").first
    assert first.locator("h3").inner_text() == "Implementeringsplan for ny omstilling"
    assert first.locator("mark").first.inner_text().lower() in {"ny", "omstilling"}
    assert "Godkendt" in first.inner_text()


def test_a_case_number_in_the_navbar_opens_the_case_history(staff_page: Page, live_server) -> None:
    staff_page.goto(live_server.url + "/")
    staff_page.get_by_role("searchbox", name="Søg i beslutninger").fill("16/26813")
    staff_page.keyboard.press("Enter")
    staff_page.wait_for_url("**/cases/16-26813/")
    years = staff_page.locator(".case-year").all_inner_texts()
    assert years == ["2017"]
    entries = staff_page.locator(".timeline-entry h4").all_inner_texts()
    assert entries[0].startswith("Direktionen 26-06-2017 – Punkt 11: Lukket")
    assert "Taget til efterretning" in staff_page.locator(".case-overview").inner_text()


def test_the_search_page_passes_axe(staff_page: Page, live_server) -> None:
    staff_page.goto(live_server.url + "/search/?q=omstilling&outcome=godkendt")
    assert staff_page.locator(".search-result").count() >= 1
    assert serious_violations(staff_page) == []


def test_the_search_page_with_errors_passes_axe(staff_page: Page, live_server) -> None:
    staff_page.goto(live_server.url + "/search/?q=x&case=abc&from=2019-01-01&to=2018-01-01")
    assert staff_page.locator(".invalid-feedback").count() == 2
    assert serious_violations(staff_page) == []


def test_the_case_history_passes_axe(staff_page: Page, live_server) -> None:
    staff_page.goto(live_server.url + "/cases/16-26813/")
    assert serious_violations(staff_page) == []
