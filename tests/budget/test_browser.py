"""The budget table editor in a real Chromium: paste from Excel, fix a bad cell, add and move
rows, with htmx swapping the table in place and nothing typed lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from budget.models import BudgetTable
from budget.services import budget_table_create
from budget.tables import compute_table
from meetings.models import Meeting
from tests.conftest import People
from tests.factories import AgendaItemFactory, MeetingFactory

EXCEL = (
    "1.000 kr.\t2018\t2019\nHeadsets\t2.000\t\nNy central netværksenhed\t1.100\t250\nI alt\t\t\n"
)


@pytest.fixture
def page_as_secretary(browser: Browser, live_server, people: People) -> Iterator[Page]:
    # pytest-playwright's browser (the system Chromium, set up in tests/conftest.py): one
    # Playwright per test session, shared with the other browser tests.
    client = Client()
    client.force_login(people.secretary)
    context = browser.new_context(locale="da-DK")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
class TestTheEditorInABrowser:
    def test_paste_fix_a_cell_add_and_move_rows(self, page_as_secretary: Page, live_server, people):
        meeting = MeetingFactory(body=people.body, status=Meeting.Status.DRAFT)
        item = AgendaItemFactory(meeting=meeting, title="Headsets og netværk")
        table = budget_table_create(item=item, actor=people.secretary)
        page = page_as_secretary
        page.goto(f"{live_server.url}/items/{item.pk}/budget/")
        editor = page.locator(f"#tabel-{table.pk}")

        # Paste from Excel: the table is replaced, saved, and totalled.
        editor.get_by_text("Indsæt fra Excel").click()
        editor.get_by_label("Kopiér cellerne i Excel").fill(EXCEL)
        editor.get_by_role("button", name="Indsæt", exact=True).click()
        editor = page.locator(f"#tabel-{table.pk}")
        expect(editor.get_by_role("status")).to_contain_text("Gemt.")
        preview_total = editor.locator("table.budget tr.budget-total td.num").first
        expect(preview_total).to_have_text("3.100")
        assert preview_total.evaluate("e => getComputedStyle(e).textAlign") == "right"
        weight = preview_total.locator("strong").evaluate("e => getComputedStyle(e).fontWeight")
        assert int(weight) >= 700

        # A bad cell: named in Danish, kept as typed, nothing saved.
        cell = editor.get_by_label("Række 1, kolonne 2", exact=True)
        cell.fill("12x")
        cell.press("Enter")
        editor = page.locator(f"#tabel-{table.pk}")
        expect(editor.get_by_role("alert")).to_contain_text(
            "Række 1, kolonne 2019: “12x” er ikke et tal."
        )
        cell = editor.get_by_label("Række 1, kolonne 2", exact=True)
        expect(cell).to_have_value("12x")
        expect(cell).to_have_attribute("aria-invalid", "true")
        assert compute_table(BudgetTable.objects.get(pk=table.pk)).rows[0].cells[1].value is None

        # Fix it and add a row before saving: both land.
        cell.fill("2,8")
        editor.get_by_role("button", name="Tilføj række").click()
        editor = page.locator(f"#tabel-{table.pk}")
        expect(editor.get_by_role("status")).to_contain_text("Gemt.")
        editor.get_by_label("Række 4, tekst").fill("Access points")
        editor.get_by_label("Række 4, kolonne 1", exact=True).fill("800")
        editor.get_by_role("button", name="Flyt række 4 op").click()
        editor = page.locator(f"#tabel-{table.pk}")
        expect(editor.get_by_role("status")).to_contain_text("Gemt.")
        expect(editor.locator("table.budget tr.budget-total td.num").first).to_have_text("3.900")

        stored = compute_table(BudgetTable.objects.get(pk=table.pk))
        assert [row.text for row in stored.rows] == [
            "Headsets",
            "Ny central netværksenhed",
            "Access points",
            "I alt",
        ]
        assert [c.display for c in stored.totals] == ["3.900", "252,8"]
