"""A resident writes while another resident's comment arrives live: draft and focus stay."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, new_context, write_comment

pytestmark = pytest.mark.browser


def test_a_live_comment_is_announced_without_touching_the_draft(
    browser: Browser, live_server: LiveServer
) -> None:
    thread = live_server.path("/threads/{thread}")
    reader = new_context(browser, live_server, user="anna-aus-babelsberg@example.org")
    writer = new_context(browser, live_server, user="kiezmama@example.org")
    try:
        page = reader.new_page()
        page.goto(thread)
        page.wait_for_function("document.querySelector('[data-show-new]') !== null")
        page.wait_for_timeout(500)  # the socket subscribes after the module has loaded
        page.focus("#body")
        page.keyboard.type("Mein halber Gedanke")

        other = writer.new_page()
        other.goto(thread)
        write_comment(other, "Ein neuer Beitrag von nebenan")

        button = page.locator("[data-show-new]")
        expect(button).to_be_visible(timeout=15_000)
        expect(button).to_have_text("1 neuen Beitrag anzeigen")
        assert page.evaluate("document.activeElement.id") == "body"
        assert page.input_value("#body") == "Mein halber Gedanke"
        assert page.locator(".live-news").get_attribute("aria-live") == "polite"

        button.click()
        expect(page.locator("text=Ein neuer Beitrag von nebenan")).to_be_visible()
        assert page.input_value("#body") == "Mein halber Gedanke"
    finally:
        reader.close()
        writer.close()


def test_votes_are_buttons_with_a_pressed_state_for_the_keyboard(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server, user="herr-schulze@example.org")
    try:
        page = context.new_page()
        page.goto(live_server.path("/threads/{thread}"))
        write_comment(page, "Ein Beitrag zum Abstimmen")
    finally:
        context.close()
    voter = new_context(browser, live_server, user="potsdamer-radler@example.org")
    try:
        page = voter.new_page()
        page.goto(live_server.path("/threads/{thread}"))
        page.fill("#body", "Mein Entwurf")
        item = page.locator("li.comment", has_text="Ein Beitrag zum Abstimmen").first
        support = item.locator("button[data-vote='1']")
        expect(support).to_have_attribute("aria-pressed", "false")
        page.evaluate("window.notReloaded = true")
        support.focus()
        page.keyboard.press("Enter")
        # In place: the pressed state and the count change, the page stays (draft and focus).
        expect(support).to_have_attribute("aria-pressed", "true")
        expect(support.locator("[data-slot='up']")).to_have_text("1")
        assert page.evaluate("window.notReloaded") is True
        assert page.evaluate("document.activeElement.dataset.vote") == "1"
        assert page.input_value("#body") == "Mein Entwurf"
        page.keyboard.press("Enter")  # pressed again: the vote is withdrawn
        expect(support).to_have_attribute("aria-pressed", "false")
        expect(support.locator("[data-slot='up']")).to_have_text("0")
        oppose = item.locator("button[data-vote='-1']")
        oppose.click()
        expect(oppose).to_have_attribute("aria-pressed", "true")
        page.reload()  # what the server stored
        item = page.locator("li.comment", has_text="Ein Beitrag zum Abstimmen").first
        expect(item.locator("button[data-vote='-1']")).to_have_attribute("aria-pressed", "true")
        expect(item.locator("button[data-vote='1']")).to_have_attribute("aria-pressed", "false")
        expect(item.locator("button[data-vote='-1'] [data-slot='down']")).to_have_text("1")
    finally:
        voter.close()


def test_a_vote_whose_background_request_fails_is_sent_as_the_form(
    browser: Browser, live_server: LiveServer
) -> None:
    """A lost connection to the API (here: the request aborted in the browser) falls back to
    the plain form, so the vote still counts and the page says so."""
    voter = new_context(browser, live_server, user="kiezmama@example.org")
    try:
        page = voter.new_page()
        page.route("**/api/v1/comments/*/vote", lambda route: route.abort())
        page.goto(live_server.path("/threads/{thread}"))
        support = page.locator("li.comment > article button[data-vote='1'][aria-pressed='false']")
        button = support.first
        comment_id = button.evaluate("b => b.closest('li.comment').dataset.commentId")
        with page.expect_navigation():
            button.click()
        stored = page.locator(f"#comment-{comment_id} > article button[data-vote='1']")
        expect(stored).to_have_attribute("aria-pressed", "true")
    finally:
        voter.close()
