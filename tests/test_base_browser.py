"""The frame of every page (templates/base.html, static/css/referat.css) in a real Chromium."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page

from meetings.models import Meeting
from tests.conftest import People
from tests.meetings.samples import import_sample_minutes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page: Page, live_server, people: People) -> Page:
    """The secretary (the longest menu) on a phone-sized screen, with the sample minutes."""
    import_sample_minutes()
    client = people.client_for("secretary")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.set_default_timeout(15_000)
    return page


def test_on_a_phone_no_page_scrolls_sideways(phone: Page, live_server) -> None:
    # 2018-04-23 has wide budget tables and an attachment named with one 60-letter word.
    meeting = Meeting.objects.get(starts_at__date="2018-04-23")
    for path in ("/", meeting.get_absolute_url(), "/search/?q=godkendt", "/cases/17-22360/"):
        phone.goto(live_server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    # The menu folds behind its button on a phone, and opens from it.
    assert not phone.get_by_role("button", name="Log ud").is_visible()
    phone.get_by_role("button", name="Menu").click()
    assert phone.get_by_role("button", name="Log ud").is_visible()
