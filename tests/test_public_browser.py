"""The public pages as an anonymous visitor meets them in Chromium: no serious or critical
WCAG 2.1 AA violation (axe-core), usable with the keyboard alone, readable on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from meetings.models import AgendaItem
from tests.axe import serious_violations
from tests.conftest import People
from tests.public_scenario import Portal, build_portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def visitor(page: Page, people: People) -> tuple[Page, Portal]:
    page.set_default_timeout(15_000)
    return page, build_portal(people)


def test_no_public_page_has_a_serious_accessibility_violation(
    visitor: tuple[Page, Portal], live_server
) -> None:
    page, portal = visitor
    failures = []
    for path in (
        "/",
        "/search/?q=skolestruktur",
        "/search/",
        "/tilgaengelighed/",
        portal.minutes.get_absolute_url(),
        portal.agenda.get_absolute_url(),
        "/cases/26-101/",
        "/meetings/999999/",  # the 404 page, with its way to log in
    ):
        page.goto(live_server.url + path)
        failures += [f"{path}: {line}" for line in serious_violations(page)]
    assert failures == []


def test_the_keyboard_reaches_the_content_the_search_and_the_meetings(
    visitor: tuple[Page, Portal], live_server
) -> None:
    page, portal = visitor
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Spring til indhold"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.getAttribute('href')"
            )
        )
    assert "front-search" in reached
    assert f"/meetings/{portal.agenda.pk}/" in reached
    # Typing a search and pressing Enter searches.
    page.focus("#front-search")
    page.keyboard.type("skolestruktur")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=skolestruktur")
    assert page.get_by_role("link", name="Skolestruktur i Nordbyen").is_visible()


def test_on_a_phone_the_menu_folds_and_opens_from_the_keyboard(
    visitor: tuple[Page, Portal], live_server
) -> None:
    page, _portal = visitor
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/search/?q=skolestruktur", "/tilgaengelighed/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(live_server.url + "/")
    search_link = page.get_by_role("link", name="Søg", exact=True)
    assert not search_link.is_visible()
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert search_link.is_visible()


def test_on_a_phone_a_wide_table_scrolls_inside_itself_with_a_visible_hint(
    visitor: tuple[Page, Portal], live_server
) -> None:
    page, portal = visitor
    school = portal.minutes.items.get(number=1)
    columns = "".join(f"<th><p>Skoledistrikt nummer {n}</p></th>" for n in range(1, 9))
    cells = "".join(f"<td><p>{n * 100} elever</p></td>" for n in range(1, 9))
    AgendaItem.objects.filter(pk=school.pk).update(
        presentation=f"<table><tbody><tr>{columns}</tr><tr>{cells}</tr></tbody></table>"
    )
    url = live_server.url + portal.minutes.get_absolute_url()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    hint = page.locator(".scroll-hint")
    assert hint.count() == 1
    assert hint.is_visible()
    assert "rul vandret" in hint.inner_text()
    # On a wide screen the table fits, and the hint goes.
    page.set_viewport_size({"width": 1600, "height": 900})
    page.wait_for_function("() => !document.querySelector('.scroll-hint')")
