"""The PDF panel in a real Chromium: a button starts the job, htmx follows its progress, and
the download link brings the PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.conftest import People
from tests.pdf.conftest import CLOSED_TEXTS
from tests.pdf.pdfread import ReadPdf
from tests.pdf.samples import create_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def _log_in(page: Page, people: People, role: str, live_server) -> None:
    client = people.client_for(role)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_a_secretary_gets_the_public_minutes_from_the_meeting_page(
    page: Page,
    people: People,
    live_server,
    celery_worker_process: subprocess.Popen[bytes],
    tmp_path: Path,
) -> None:
    meeting = create_meeting(body=people.body, closed_numbers=(8,))
    _log_in(page, people, "secretary", live_server)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
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
    assert pdf.pages[0].startswith("REFERAT Direktionen 23. april 2018")
    assert "Punkt 8: Lukket" in pdf.text
    assert all(secret not in pdf.text for secret in CLOSED_TEXTS)


def test_staff_see_only_the_public_buttons(page: Page, people: People, live_server) -> None:
    meeting = create_meeting(body=people.body)
    _log_in(page, people, "staff", live_server)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    panel = page.get_by_role("region", name="PDF")
    expect(panel.get_by_role("button", name="Dagsorden (offentlig)")).to_be_visible()
    expect(panel.get_by_role("button", name="Referat (intern)")).to_have_count(0)
