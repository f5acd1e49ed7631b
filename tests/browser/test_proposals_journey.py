"""Bottom-up and top-down in a real browser, in German and English:

1. A resident proposes (keyboard only in German), the office publishes it, two others support
   it to the threshold while an open proposal page counts along live, the department gives its
   statement, the office accepts, and the planned procedure appears in the Vorhabenliste,
   linked both ways with the proposal.
2. A department drafts a procedure and asks for process support; the office sees it in its
   overview, comments, ticks the checklist and releases it into the Vorhabenliste.

axe finds nothing on the pages of either journey."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, new_context, write_comment
from tests.browser.test_axe import violations

pytestmark = pytest.mark.browser

RESIDENT = "anna-aus-babelsberg@example.org"
SUPPORTERS = ("kiezmama@example.org", "herr-schulze@example.org")
OFFICE = "werkstadt@example.org"
STAFF = "stadtplanung@example.org"
MEMBER = "potsdamer-radler@example.org"  # confirmed for the initiative (dialog.proposals.demo)
MODERATOR = "moderation@example.org"
INITIATIVE = "Initiative Radweg Zeppelinstraße"


def press_until_focused(page: Page, selector: str, key: str = "Tab", limit: int = 300) -> None:
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} never got the focus")


def propose_with_the_keyboard(page: Page, title: str) -> None:
    page.goto("/proposals/new")
    for selector, text in (
        ("#title", title),
        ("#summary", "Ein Trinkbrunnen für heiße Tage, gut erreichbar für alle."),
        ("#reason", "Im Sommer gibt es im Park kein Wasser. Ein Brunnen hilft allen."),
    ):
        press_until_focused(page, selector)
        page.keyboard.type(text)
    press_until_focused(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def propose_with_the_mouse(page: Page, title: str) -> None:
    page.goto("/proposals/new")
    page.fill("#title", title)
    page.fill("#summary", "A drinking fountain for hot days, easy to reach for everyone.")
    page.fill("#reason", "There is no water in the park in summer. A fountain helps everyone.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def decide(page: Page, action: str, **fields: str) -> None:
    form = page.locator(f"form:has(input[name=action][value={action}])")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_resident_proposal_becomes_a_planned_procedure(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    title = f"Trinkbrunnen im Lustgarten ({locale})"
    resident = new_context(browser, live_server, locale=locale, user=RESIDENT)
    office = new_context(browser, live_server, locale=locale, user=OFFICE)
    reader = new_context(browser, live_server, locale=locale)
    try:
        page = resident.new_page()
        if locale == "de":
            propose_with_the_keyboard(page, title)
        else:
            propose_with_the_mouse(page, title)
        found = re.search(r"/proposals/(\d+)$", page.url)
        assert found, page.url
        path = f"/proposals/{found.group(1)}"
        expect(page.locator("h1")).to_have_text(title)

        desk = office.new_page()
        desk.goto("/office")
        expect(desk.locator(f"section:has(#proposals) a[href='{path}']")).to_be_visible()
        desk.goto(path)
        decide(desk, "publish", threshold="2", days="30")

        watching = reader.new_page()
        watching.goto(path)
        expect(watching.locator("#support-count")).to_have_text("0")
        for email in SUPPORTERS:
            supporter = new_context(browser, live_server, locale=locale, user=email)
            try:
                own = supporter.new_page()
                own.goto(path)
                with own.expect_navigation():
                    own.locator("#support form button[type=submit]").click()
                expect(own.locator("#support input[name=action]")).to_have_value("withdraw")
            finally:
                supporter.close()
        # The open page counted along and offers the new state, without a reload.
        expect(watching.locator("#support-count")).to_have_text("2")
        expect(watching.locator("#live-note a")).to_be_visible()

        desk.goto(path)
        decide(desk, "forward", department="stadtplanung")
        department = new_context(browser, live_server, locale=locale, user=STAFF)
        try:
            staff = department.new_page()
            staff.goto(path)
            staff.fill("#body", "Der Fachbereich unterstützt den Brunnen und prüft den Standort.")
            with staff.expect_navigation():
                staff.locator("form[action$='/statement'] button").click()
            expect(staff.locator("#statement-h")).to_be_visible()
        finally:
            department.close()
        desk.goto(path)
        decide(desk, "accept", reason="Wir planen das Vorhaben mit dem Fachbereich.")
        link = desk.locator("main a[href^='/procedures/']").first
        procedure_path = link.get_attribute("href")
        assert procedure_path

        watching.goto("/procedures?initiator=residents&sort=start")
        card = watching.locator(".card", has_text=title)
        expect(card).to_have_count(1)
        with watching.expect_navigation():
            card.locator("h3 a").click()
        assert watching.url.endswith(procedure_path)
        expect(watching.locator(f"main a[href='{path}']")).to_be_visible()
        assert violations(watching) == []
        watching.goto(path)
        assert violations(watching) == []
    finally:
        for context in (resident, office, reader):
            context.close()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_department_draft_is_reviewed_and_released_by_the_office(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    title = f"Neue Sitzbänke in Drewitz ({locale})"
    department = new_context(browser, live_server, locale=locale, user=STAFF)
    office = new_context(browser, live_server, locale=locale, user=OFFICE)
    try:
        page = department.new_page()
        page.goto("/procedures/new")
        page.fill("#title", title)
        page.fill("#summary", "Wo sollen in Drewitz neue Sitzbänke stehen?")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        public = page.request.get(f"{live_server.url}/api/v1/procedures?q=Drewitz").json()
        assert title not in [item["title"] for item in public["items"]]  # still a draft
        with page.expect_navigation():
            page.click("main a[href$='/review']")
        review_path = page.url.removeprefix(live_server.url)
        page.fill("#support-body", "Welche Methode erreicht ältere Menschen am besten?")
        with page.expect_navigation():
            page.locator("form:has(input[value=support]) button").click()
        with page.expect_navigation():
            page.locator("button[name=action][value=submit]").click()
        assert violations(page) == []

        desk = office.new_page()
        desk.goto("/office")
        expect(desk.locator(f"section:has(#support) a[href='{review_path}']")).to_be_visible()
        with desk.expect_navigation():
            desk.locator(f"section:has(#reviews) a[href='{review_path}']").click()
        expect(desk.locator("#history")).to_contain_text("ältere Menschen")
        desk.fill("#body", "Ein Spaziergang mit Stühlen vor Ort passt gut.")
        with desk.expect_navigation():
            desk.locator("form:has(input[value=comment]) button").click()
        desk.locator("input[name='checks[]']").first.check()
        with desk.expect_navigation():
            desk.locator("form:has(input[value=checks]) button[type=submit]").click()
        expect(desk.locator("input[name='checks[]']").first).to_be_checked()
        with desk.expect_navigation():
            desk.locator("button[name=action][value=release]").click()
        assert violations(desk) == []
        listing = desk.request.get(f"{live_server.url}/api/v1/procedures?q=Drewitz").json()
        assert title in [item["title"] for item in listing["items"]]
        page.goto(review_path)
        expect(page.locator("#history")).to_contain_text("Spaziergang")
    finally:
        department.close()
        office.close()


def test_only_a_member_is_offered_to_post_as_the_organisation(
    browser: Browser, live_server: LiveServer
) -> None:
    """The comment form offers "Post as" to the initiative's confirmed member only; the public
    then reads the initiative, the moderation the person behind it."""
    path = live_server.path("/threads/{thread}")
    resident = new_context(browser, live_server, user=RESIDENT)
    page = resident.new_page()
    page.goto(path)
    expect(page.locator("#body")).to_be_visible()
    expect(page.locator("#as_organisation")).to_have_count(0)
    resident.close()
    member = new_context(browser, live_server, user=MEMBER)
    page = member.new_page()
    page.goto(path)
    page.select_option("#as_organisation", label=INITIATIVE)
    text = "Als Initiative bitten wir, die Breite des Radwegs zu prüfen."
    write_comment(page, text)
    mine = page.locator("li.comment", has_text=text)
    expect(mine.locator("[data-slot=author] a")).to_have_text(INITIATIVE)
    expect(mine.locator(".posted-by")).to_contain_text("Potsdamer Radler")
    assert violations(page) == []
    member.close()
    for user in (None, MODERATOR):
        reader = new_context(browser, live_server, user=user)
        page = reader.new_page()
        page.goto(path)
        theirs = page.locator("li.comment", has_text=text)
        expect(theirs.locator("[data-slot=author] a")).to_have_text(INITIATIVE)
        if user is None:
            expect(theirs).not_to_contain_text("Potsdamer Radler")
        else:
            expect(theirs.locator(".posted-by")).to_contain_text("Potsdamer Radler")
        reader.close()
