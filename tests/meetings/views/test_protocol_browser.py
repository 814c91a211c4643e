"""The protocol in real Chromium, for what only a browser shows: the protokoltilførsel's
characters counted down as the member types, a vote entered by party with one exception and
its tally before it is recorded, and axe-core's verdict on the new pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from meetings.models import Remark, Vote
from meetings.services.protocol import addendum_add
from tests.axe import serious_violations
from tests.conftest import People
from tests.protocol_pages_scenario import build_council
from tests.review_scenario import build_review

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


@pytest.fixture(autouse=True)
def browser_problems(page: Page) -> list[str]:
    """Script errors and what the Content-Security-Policy refused. (A refusal of the server,
    400 with the Danish message, is part of what the tests expect.)"""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return problems


def test_the_protokoltilfoersel_counts_down_and_an_over_long_text_stays_in_the_box(
    page: Page, live_server, people: People, browser_problems: list[str]
) -> None:
    review = build_review(people)
    item = review.item(review.in_review, 1)
    log_in(page, live_server, people.director)
    page.goto(f"{live_server.url}/meetings/{review.in_review.pk}/review/")
    box = page.get_by_role("textbox", name="Din protokoltilførsel til punkt 1")
    counter = page.locator(f"#remark-dissent-{item.pk}-count")
    expect(counter).to_have_text("Du har 1.000 tegn tilbage.")
    box.press_sequentially("Jeg er uenig.")
    expect(counter).to_have_text("Du har 987 tegn tilbage.")

    too_long = "Jeg er uenig. " + "x" * 990  # 1.004 characters
    box.fill(too_long)
    expect(counter).to_have_text("4 tegn for meget – forkort teksten.")
    page.get_by_role("button", name="Gem protokoltilførslen til punkt 1").click()
    expect(
        page.get_by_text("Teksten må højst være 1.000 tegn; den er 1.004. Forkort den.")
    ).to_be_visible()
    box = page.get_by_role("textbox", name="Din protokoltilførsel til punkt 1")
    expect(box).to_have_value(too_long)
    expect(counter).to_have_text("4 tegn for meget – forkort teksten.")
    assert not Remark.objects.exists()

    box.fill("Jeg er uenig i udbuddet.")
    expect(counter).to_have_text("Du har 976 tegn tilbage.")
    page.get_by_role("button", name="Gem protokoltilførslen til punkt 1").click()
    expect(page.get_by_text("Din protokoltilførsel til punkt 1 er gemt.")).to_be_visible()
    assert Remark.objects.get().text == "Jeg er uenig i udbuddet."
    assert browser_problems == []


def test_a_vote_by_party_with_one_exception_is_counted_and_recorded(
    page: Page, live_server, people: People, browser_problems: list[str]
) -> None:
    council = build_council(people)
    item = council.open_item
    log_in(page, live_server, people.secretary)
    page.goto(f"{live_server.url}/items/{item.pk}/edit/")
    region = page.locator("#protokol-region")
    region.get_by_label("Der stemmes om").fill("Indstillingen")
    region.get_by_label("A – Socialdemokratiet (2 deltog)").select_option("For")
    region.get_by_label("V – Venstre (2 deltog)").select_option("For")
    region.get_by_label("Ø – Enhedslisten (2 deltog)").select_option("Imod")
    preview = region.locator("#vote-preview")
    expect(preview).to_contain_text("Optælling: For 4 · Imod 2 · Undlod 0")
    region.get_by_text("Medlemmer, der stemte anderledes end deres parti").click()
    region.get_by_role("combobox", name="Dorte Dal (Ø) stemme").select_option("Undlod")
    expect(preview).to_contain_text(
        "Optælling: For 4 · Imod 1 · Undlod 1 – forslaget bliver vedtaget"
    )

    region.get_by_role("button", name="Registrér afstemningen").click()
    sentence = (
        "For stemte: A (2), V (2). Imod stemte: Ø (1). Undlod: Ø (1). Forslaget blev vedtaget."
    )
    message = page.locator("#protokol-region .alert-success")
    expect(message).to_have_text(f"Afstemning 1 er registreret. {sentence}")
    expect(message).to_be_focused()
    expect(page.locator("#protokol-region .recorded-vote .vote-sentence")).to_have_text(sentence)
    assert Vote.objects.get(item=item).ballots.count() == 6
    # The editor's own form was not touched by the protocol's forms.
    expect(page.locator("#save-status")).to_have_text("Gemt")
    assert browser_problems == []


@pytest.mark.parametrize("where", ["members", "item protocol", "review", "meeting", "tasks"])
def test_axe_finds_no_serious_or_critical_violation(
    page: Page, live_server, people: People, where: str
) -> None:
    if where in ("members", "item protocol"):
        council = build_council(people)
        log_in(page, live_server, people.secretary)
        url = {
            "members": "/bodies/direktionen/members/",
            "item protocol": f"/items/{council.closed_item.pk}/protocol/",
        }[where]
    else:
        review = build_review(people)
        item = review.item(review.published, 1)
        addendum_add(actor=people.secretary, item=item, text="Rettelse.", reason="Fejl.")
        log_in(page, live_server, people.director)
        url = {
            "review": f"/meetings/{review.in_review.pk}/review/",
            "meeting": review.published.get_absolute_url(),
            "tasks": "/tasks/",
        }[where]
    page.goto(live_server.url + url)
    expect(page.locator("h1")).to_be_visible()
    assert serious_violations(page) == []
