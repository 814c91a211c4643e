"""The secretary's day in real Chromium: a new meeting, items added and reordered, a decision
typed and autosaved, a stale edit, a lapsed session, a lost network, and axe-core's verdict."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings.models import AgendaItem, Meeting
from meetings.services.items import item_update, presence_touch
from tests.axe import serious_violations
from tests.conftest import People
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def decision_editor(page: Page):
    # The editor itself, not the textarea it replaces once its script has run.
    return page.locator(".ProseMirror").and_(page.get_by_role("textbox", name="Beslutningstekst"))


def settled(page: Page) -> None:
    """htmx wires up swapped-in buttons when the swap settles; a person is never that fast."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-added, .htmx-settling, .htmx-request')"
    )


def wait_until_saved(page: Page) -> None:
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Gemt kl\. "), timeout=10_000)


@pytest.fixture(autouse=True)
def browser_errors(page: Page) -> None:
    """Script errors in the page are printed, so a failing test says what broke."""
    page.on("pageerror", lambda error: print(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            print(f"console {message.type}: {message.text}")
            if message.type in {"error", "warning"}
            else None
        ),
    )


@pytest.fixture
def draft(people: People) -> Meeting:
    return MeetingFactory(
        body=people.body,
        status=Meeting.Status.DRAFT,
        starts_at=timezone.make_aware(dt.datetime(2018, 4, 23, 12, 30)),
        location="Mødelokale B105",
    )


class TestTheSecretarysDay:
    def test_create_a_meeting_add_and_reorder_items_and_type_a_decision(
        self, page: Page, live_server, people: People
    ) -> None:
        CaseFactory(number="17/22360", title="Øvrige sager")
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Nyt møde").click()

        page.get_by_label("Mødedato").fill("2018-04-23T12:30")
        page.get_by_label("Mødested").fill("Mødelokale B105")
        page.get_by_label("Lars").select_option("absent")
        page.get_by_label("Gæster").fill("René Hasly (it-chef)")
        page.get_by_role("button", name="Opret mødet").click()
        expect(page.get_by_text("Mødet er oprettet")).to_be_visible()

        # Two items; the case number field finds the existing case as you type.
        page.get_by_label("Titel").fill("Udbud af KMD driftskontrakt")
        page.get_by_label("Sagsnummer").fill("17/8444")
        page.get_by_role("button", name="Tilføj punkt").click()
        expect(page.locator(".agenda-row")).to_have_count(1)
        settled(page)
        page.get_by_label("Titel").fill("Øvrige sager 23-04-2018")
        page.get_by_label("Sagsnummer").press_sequentially("17/223")
        expect(page.get_by_role("button", name="Brug 17/22360")).to_be_visible()
        settled(page)
        page.get_by_role("button", name="Brug 17/22360").click()
        expect(page.get_by_label("Sagsnummer")).to_have_value("17/22360")
        page.get_by_role("button", name="Tilføj punkt").click()
        expect(page.locator(".agenda-row")).to_have_count(2)
        settled(page)

        # Reorder by keyboard: "Flyt op" on item 2, pressed with Enter.
        page.get_by_role("button", name="Flyt op – punkt 2").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".agenda-row").first).to_contain_text("Punkt 1: Øvrige sager")
        expect(page.locator("#agenda-announcement")).to_contain_text("er nu punkt 1")
        # The keyboard stays on the moved item's buttons.
        expect(page.locator(":focus")).to_have_text(re.compile("Flyt ned"))

        # Open the KMD item (now number 2) and type the decision.
        page.get_by_role("link", name="Rediger punkt 2").click()
        expect(decision_editor(page)).to_be_visible()
        page.get_by_label("Udfald").select_option("godkendt")
        decision_editor(page).click()
        page.keyboard.type("Direktionen godkendte udbuddet.")
        wait_until_saved(page)

        page.reload()
        expect(decision_editor(page)).to_contain_text("Direktionen godkendte udbuddet.")
        expect(page.get_by_label("Udfald")).to_have_value("godkendt")
        item = AgendaItem.objects.get(title="Udbud af KMD driftskontrakt")
        assert item.number == 2
        assert item.decision.text == "<p>Direktionen godkendte udbuddet.</p>"
        meeting = item.meeting
        assert set(meeting.attendances.values_list("name", "present")) >= {
            ("Lars", False),
            ("René Hasly", True),
        }

    def test_items_can_be_reordered_by_dragging(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        for title in ("Første", "Anden", "Tredje"):
            AgendaItemFactory(meeting=draft, title=title)
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + draft.get_absolute_url())
        settled(page)
        rows = page.locator(".agenda-row")
        rows.nth(2).drag_to(rows.nth(0), target_position={"x": 20, "y": 2})
        expect(page.locator("#agenda-announcement")).to_have_text("Rækkefølgen er gemt.")
        titles = list(draft.items.order_by("number").values_list("title", flat=True))
        assert titles == ["Tredje", "Første", "Anden"]


class TestTheEditorInDanish:
    def test_a_table_with_a_header_row_is_inserted_through_a_danish_dialog(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft, title="Udbud")
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        editor = decision_editor(page)
        editor.click()
        page.get_by_role("toolbar", name="Formatering").nth(1).get_by_role(
            "button", name="Tabel", exact=True
        ).click()
        dialog = page.locator("dialog[open]")
        expect(dialog.get_by_role("heading")).to_have_text("Tabelindstillinger")
        header_row = dialog.get_by_label("Med overskriftsrække")
        assert header_row.locator("option").all_text_contents() == ["Ja", "Nej"]
        header_row.select_option(label="Ja")
        dialog.get_by_role("button", name="Indsæt tabel").click()
        expect(editor.locator("table th")).not_to_have_count(0)
        wait_until_saved(page)


class TestAttachments:
    def test_a_pdf_is_attached_and_a_disguised_file_refused(
        self, page: Page, live_server, people: People, draft: Meeting, tmp_path: Path
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        good = tmp_path / "Udbudsplan.pdf"
        good.write_bytes(b"%PDF-1.4\n%%EOF\n")
        fake = tmp_path / "Regnskab.xlsx"
        fake.write_bytes(b"<script>alert(1)</script>")
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        settled(page)

        page.get_by_label("Fil", exact=True).set_input_files(str(good))
        page.get_by_role("button", name="Vedhæft").click()
        expect(page.get_by_role("link", name="Udbudsplan")).to_be_visible()

        settled(page)
        page.get_by_label("Fil", exact=True).set_input_files(str(fake))
        page.get_by_role("button", name="Vedhæft").click()
        expect(page.locator("#attachments")).to_contain_text(
            "er ikke en PDF-, Word-, Excel- eller billedfil"
        )
        assert list(item.attachments.values_list("title", "content_type")) == [
            ("Udbudsplan", "application/pdf")
        ]


class TestNothingTypedIsLost:
    def test_a_stale_edit_shows_both_texts_and_my_version_can_be_kept(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft, title="Budget", background="<p>Start</p>")
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        expect(decision_editor(page)).to_be_visible()

        # Meanwhile someone else saves the item.
        item_update(actor=people.superuser, item=item, version=1, background="<p>Lars' tekst</p>")

        decision_editor(page).click()
        page.keyboard.type("Min beslutning")
        conflict = page.locator(".conflict")
        expect(conflict).to_be_visible(timeout=10_000)
        expect(page.locator("#save-status")).to_contain_text("ændret af en anden")
        expect(conflict.locator("tr[data-field=background] .theirs")).to_contain_text("Lars' tekst")
        expect(conflict.locator("tr[data-field=background] .mine")).to_contain_text("Start")
        expect(conflict.locator("tr[data-field=decision_text] .mine")).to_contain_text(
            "Min beslutning"
        )

        # Merge: take Lars' background, keep my decision, save.
        conflict.get_by_role("button", name="Brug den gemte tekst i feltet Baggrund").click()
        conflict.get_by_role("button", name="Gem min version").click()
        wait_until_saved(page)
        item.refresh_from_db()
        assert item.background == "<p>Lars' tekst</p>"
        assert item.decision.text == "<p>Min beslutning</p>"
        assert item.version == 3

    def test_an_expired_session_keeps_the_text_and_saves_it_after_login(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft, title="Årshjul")
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        expect(decision_editor(page)).to_be_visible()

        Session.objects.all().delete()  # the session times out on the server

        decision_editor(page).click()
        page.keyboard.type("Taget til efterretning med ændringer.")
        expect(page.locator(".session-expired")).to_be_visible(timeout=10_000)
        expect(page.locator("#save-status")).to_contain_text("session er udløbet")

        page.get_by_role("link", name="Log ind igen").click()
        page.get_by_label("Brugernavn").fill("sekretaer")
        page.get_by_label("Adgangskode").fill("test-password")
        page.get_by_role("button", name="Log ind").click()

        expect(page).to_have_url(re.compile(rf"/items/{item.pk}/edit/$"))
        expect(decision_editor(page)).to_contain_text("Taget til efterretning med ændringer.")
        wait_until_saved(page)
        item.refresh_from_db()
        assert item.decision.text == "<p>Taget til efterretning med ændringer.</p>"

    def test_a_network_error_is_retried_and_said(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        expect(decision_editor(page)).to_be_visible()

        failures = {"left": 1}

        def flaky(route) -> None:
            if failures["left"]:
                failures["left"] -= 1
                route.abort("internetdisconnected")
            else:
                route.continue_()

        page.route("**/autosave/", flaky)
        decision_editor(page).click()
        page.keyboard.type("Udskudt til næste møde.")
        expect(page.locator("#save-status")).to_contain_text("Ingen forbindelse", timeout=10_000)
        wait_until_saved(page)
        item.refresh_from_db()
        assert item.decision.text == "<p>Udskudt til næste møde.</p>"

    def test_who_else_has_the_item_open_is_shown(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft)
        presence_touch(actor=people.superuser, item=item)
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        expect(page.locator("#presence")).to_contain_text("Også åben hos: admin")


class TestAccessibility:
    @pytest.mark.parametrize("where", ["meeting list", "meeting page", "item editor"])
    def test_axe_finds_no_serious_or_critical_violation(
        self, page: Page, live_server, people: People, draft: Meeting, where: str
    ) -> None:
        item = AgendaItemFactory(
            meeting=draft,
            title="Udbud",
            case=CaseFactory(number="17/8444"),
            background="<p>Baggrund</p><table><tr><th>År</th></tr><tr><td>2018</td></tr></table>",
        )
        AgendaItemFactory(meeting=draft, title="Lukket sag", closed=True)
        log_in(page, live_server, people.secretary)
        url = {
            "meeting list": "/",
            "meeting page": draft.get_absolute_url(),
            "item editor": f"/items/{item.pk}/edit/",
        }[where]
        page.goto(live_server.url + url)
        if where == "item editor":
            expect(decision_editor(page)).to_be_visible()
            expect(decision_editor(page)).to_have_attribute("aria-labelledby", re.compile("."))
            # The toolbar speaks Danish too.
            toolbar = page.get_by_role("toolbar", name="Formatering").first
            for name in ("Fed", "Kursiv", "Punktopstilling", "Nummereret liste", "Tabel"):
                expect(toolbar.get_by_role("button", name=name, exact=True)).to_have_count(1)
            options = toolbar.locator(".prose-menubar__option").all_text_contents()
            assert options == ["Overskrift 2", "Overskrift 3", "Overskrift 4", "Brødtekst"]
            arrow = toolbar.locator(".prose-menubar__selected").evaluate(
                "e => getComputedStyle(e, '::after').content"
            )
            assert arrow == '"▾"'  # a character the usual fonts have
        assert serious_violations(page) == []


class TestCellsFromASpreadsheet:
    def test_pasted_cells_become_a_table_when_the_secretary_says_so(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft, title="Takster 2027")
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        editor = decision_editor(page)
        expect(editor).to_be_visible()
        editor.click()
        # What Excel puts on the clipboard: tab-separated cells, one line a row.
        cells = "Takst\t2026\t2027\nVoksen\t24\t26\nBarn\t12\t13\n"
        editor.evaluate(
            """(el, text) => {
                const data = new DataTransfer();
                data.setData("text/plain", text);
                data.setData("text/html", "<p>" + text.replace(/\\n/g, "</p><p>") + "</p>");
                el.dispatchEvent(new ClipboardEvent("paste", {
                    clipboardData: data, bubbles: true, cancelable: true
                }));
            }""",
            cells,
        )
        offer = page.get_by_role("group", name=re.compile("ligner celler fra et regneark"))
        expect(offer).to_contain_text("3 rækker, 3 kolonner")
        expect(offer.get_by_role("button", name="Som tabel")).to_be_focused()
        expect(offer.get_by_role("link", name=re.compile("budgettabel"))).to_be_visible()
        page.keyboard.press("Enter")
        expect(offer).to_have_count(0)
        expect(editor.locator("table th")).to_have_text(["Takst", "2026", "2027"])
        expect(editor.locator("table tr").nth(2).locator("td")).to_have_text(["Barn", "12", "13"])
        wait_until_saved(page)
        item.refresh_from_db()
        assert "<table>" in item.decision.text
        assert "<td><p>26</p></td>" in item.decision.text

    def test_as_text_keeps_the_lines(
        self, page: Page, live_server, people: People, draft: Meeting
    ) -> None:
        item = AgendaItemFactory(meeting=draft, title="Takster 2027")
        log_in(page, live_server, people.secretary)
        page.goto(live_server.url + f"/items/{item.pk}/edit/")
        editor = decision_editor(page)
        editor.click()
        editor.evaluate(
            """(el) => {
                const data = new DataTransfer();
                data.setData("text/plain", "Voksen\\t24\\nBarn\\t12");
                el.dispatchEvent(new ClipboardEvent("paste", {
                    clipboardData: data, bubbles: true, cancelable: true
                }));
            }"""
        )
        page.get_by_role("button", name="Som tekst").click()
        expect(editor.locator("p")).to_have_text(["Voksen 24", "Barn 12"])
        expect(editor.locator("table")).to_have_count(0)
