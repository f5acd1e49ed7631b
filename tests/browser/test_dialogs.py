"""Report is a modal dialog when JavaScript runs: focus stays inside, Escape and Cancel close it,
focus returns to the button that opened it, and the report it sends is confirmed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import LiveServer, new_context, write_comment

pytestmark = pytest.mark.browser

REPORTER = "potsdamer-radler@example.org"
# A demo comment by someone else in the first active thread (see dialog/discussion/demo.py).
REPORTED_TEXT = "Ladezonen für den Lieferverkehr"

# A description of the focused element that stays equal while it has the focus.
ACTIVE = """() => {
  const e = document.activeElement;
  return {
    inDialog: !!e.closest('dialog[open]'),
    key: e.tagName + '|' + (e.id || '') + '|' + (e.getAttribute('name') || '') + '|'
      + (e.getAttribute('value') || '') + '|' + (e.textContent || '').trim().slice(0, 30),
  };
}"""


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = new_context(browser, live_server, user=REPORTER)
    opened = context.new_page()
    opened.goto(live_server.path("/threads/{thread}"))
    yield opened
    context.close()


def reported_comment(page: Page) -> Locator:
    return page.locator("li.comment > article", has_text=REPORTED_TEXT).first


def open_with_keyboard(page: Page) -> Locator:
    opener = reported_comment(page).locator("button.dialog-opener")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Diesen Beitrag melden")
    expect(dialog).to_be_visible()
    return dialog


def active(page: Page) -> dict[str, object]:
    found: dict[str, object] = page.evaluate(ACTIVE)
    return found


def test_report_is_a_button_that_opens_a_labelled_modal_dialog(page: Page) -> None:
    comment = reported_comment(page)
    assert comment.locator("details.flag").count() == 0  # the disclosure was turned into a button
    opener = comment.locator("button.dialog-opener")
    expect(opener).to_have_text("Beitrag melden")  # not "Bericht", the report of results
    expect(opener).to_have_attribute("aria-haspopup", "dialog")
    dialog = open_with_keyboard(page)
    expect(dialog.get_by_role("heading", name="Diesen Beitrag melden")).to_be_visible()
    expect(dialog.get_by_role("button", name="Abbrechen")).to_be_visible()
    assert page.evaluate("document.querySelector('dialog[open]').matches(':modal')")
    assert active(page)["inDialog"]


@pytest.mark.parametrize("key", ["Tab", "Shift+Tab"])
def test_tabbing_cycles_inside_the_open_dialog(page: Page, key: str) -> None:
    open_with_keyboard(page)
    first = active(page)
    seen = [first["key"]]
    for _ in range(12):
        page.keyboard.press(key)
        state = active(page)
        assert state["inDialog"], f"{key} left the dialog after {seen}"
        seen.append(state["key"])
    stops = set(seen)
    assert len(stops) >= 4  # reasons, note, send, cancel
    assert seen.count(first["key"]) >= 2  # came round to the start again


def test_escape_closes_the_dialog_and_focus_returns_to_report(page: Page) -> None:
    dialog = open_with_keyboard(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    opener = reported_comment(page).locator("button.dialog-opener")
    expect(opener).to_be_focused()


def test_cancel_closes_the_dialog_and_focus_returns_to_report(page: Page) -> None:
    dialog = open_with_keyboard(page)
    dialog.get_by_role("button", name="Abbrechen").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(reported_comment(page).locator("button.dialog-opener")).to_be_focused()


def test_a_report_sent_from_the_dialog_is_confirmed(page: Page) -> None:
    dialog = open_with_keyboard(page)
    page.keyboard.press("ArrowDown")  # from the first reason to the second: insult
    assert page.evaluate("document.activeElement.value") == "insult"
    page.keyboard.press("Tab")
    page.keyboard.type("Das ist herabsetzend.")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Meldung senden").click()
    comment = reported_comment(page)
    expect(comment.locator(".flag-done")).to_have_text(
        "Sie haben diesen Beitrag gemeldet. Danke, die Moderation sieht ihn sich an."
    )
    assert comment.locator("button.dialog-opener").count() == 0


def test_withdrawing_asks_first_in_a_dialog_and_cancel_keeps_the_comment(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server, user="kiezmama@example.org")
    try:
        page = context.new_page()
        page.goto(live_server.path("/threads/{thread}"))
        write_comment(page, "Den ziehe ich gleich wieder zurück")
        own = page.locator("li.comment > article", has_text="Den ziehe ich gleich").first
        opener = own.locator("button.dialog-opener", has_text="Zurückziehen")
        opener.focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Diesen Beitrag zurückziehen?")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("nicht rückgängig")
        dialog.get_by_role("button", name="Abbrechen").click()
        expect(dialog).to_be_hidden()
        assert page.evaluate("document.activeElement.textContent.trim()") == "Zurückziehen"
        expect(own).to_contain_text("Den ziehe ich gleich wieder zurück")  # nothing happened

        opener.click()
        with page.expect_navigation():
            dialog.get_by_role("button", name="Beitrag zurückziehen").click()
        withdrawn = page.locator("li.comment > article", has_text="zurückgezogen")
        expect(withdrawn.first).to_be_visible()
        expect(page.get_by_text("Den ziehe ich gleich wieder zurück")).to_have_count(0)
    finally:
        context.close()
