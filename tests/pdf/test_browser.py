"""The PDF panel in a real Chromium: a button starts the job, htmx follows its progress, and
the download link brings the PDF."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import People
from tests.pdf.conftest import CLOSED_TEXTS
from tests.pdf.pdfread import ReadPdf
from tests.pdf.samples import create_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _page_for(browser: Browser, people: People, role: str, base_url: str) -> Page:
    session = people.client_for(role).cookies["sessionid"].value
    context = browser.new_context(base_url=base_url, accept_downloads=True, locale="da-DK")
    context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    return context.new_page()


def test_a_secretary_gets_the_public_minutes_from_the_meeting_page(
    browser: Browser,
    people: People,
    live_server,
    celery_worker_process: subprocess.Popen[bytes],
    tmp_path: Path,
) -> None:
    meeting = create_meeting(body=people.body, closed_numbers=(8,))
    page = _page_for(browser, people, "secretary", live_server.url)
    page.goto(f"/meetings/{meeting.pk}/")
    panel = page.get_by_role("region", name="PDF")
    expect(panel.get_by_role("button", name="Referat (intern)")).to_be_visible()
    panel.get_by_role("button", name="Referat (offentlig)").click()
    expect(panel.locator(".pdf-job")).to_be_visible()
    link = panel.get_by_role("link", name="Hent PDF")
    expect(link).to_be_visible(timeout=180_000)  # htmx polls until the worker is done
    assert "sider" in link.inner_text()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "Referat Direktionen 23-04-2018 (offentlig).pdf"
    target = tmp_path / "referat.pdf"
    download.save_as(target)
    pdf = ReadPdf(target.read_bytes())
    assert pdf.pages[0].startswith("REFERAT Direktionen d. 23-04-2018")
    assert "Punkt 8: Lukket" in pdf.text
    assert all(secret not in pdf.text for secret in CLOSED_TEXTS)
    page.context.close()


def test_staff_see_only_the_public_buttons(browser: Browser, people: People, live_server) -> None:
    meeting = create_meeting(body=people.body)
    page = _page_for(browser, people, "staff", live_server.url)
    page.goto(f"/meetings/{meeting.pk}/")
    panel = page.get_by_role("region", name="PDF")
    expect(panel.get_by_role("button", name="Dagsorden (offentlig)")).to_be_visible()
    expect(panel.get_by_role("button", name="Referat (intern)")).to_have_count(0)
    page.context.close()
