"""Pre-moderation, live, in three browsers: a resident's post is held, the moderator's open queue
hears about it without a reload, the moderator approves it with the keyboard, and a reader who
has the thread open is offered the new comment without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, new_context
from tests.browser.pages import MODERATOR

pytestmark = pytest.mark.browser

AUTHOR = "kiezmama@example.org"
HELD_TEXT = "Bitte Trinkbrunnen am Bassinplatz, auch für Hunde."
# Set on the window; a reload would lose it.
MARK = "window.__sameDocument = true"
SAME_DOCUMENT = "window.__sameDocument === true"


def pre_moderated_thread(server: LiveServer) -> int:
    """The demo's pre-moderated active thread with posts waiting for review."""
    for procedure in server.get_json("/api/v1/procedures?phase=active")["items"]:
        detail = server.get_json(f"/api/v1/procedures/{procedure['id']}")
        for thread in detail["threads"]:
            if thread["moderation"] == "pre" and thread["is_open"]:
                return int(thread["id"])
    raise AssertionError("the demo data has no open pre-moderated thread")


def press_until_focused(page: Page, key: str, selector: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def test_a_held_post_is_approved_from_the_live_queue_and_appears_in_the_open_thread(
    browser: Browser, live_server: LiveServer
) -> None:
    thread_id = pre_moderated_thread(live_server)
    moderator = new_context(browser, live_server, user=MODERATOR)
    reader = new_context(browser, live_server)
    author = new_context(browser, live_server, user=AUTHOR)
    try:
        queue = moderator.new_page()
        queue.goto("/moderation")
        queue.evaluate(MARK)
        expect(queue.locator("#queue-live")).to_have_text("")
        thread = reader.new_page()
        thread.goto(f"/threads/{thread_id}")
        thread.evaluate(MARK)
        expect(thread.locator("[data-show-new]")).to_be_hidden()

        writing = author.new_page()
        writing.goto(f"/threads/{thread_id}")
        writing.fill("#body", HELD_TEXT)
        with writing.expect_navigation():
            writing.get_by_role("button", name="Beitrag veröffentlichen").click()
        found = re.search(r"#comment-(\d+)$", writing.url)
        assert found, writing.url
        comment_id = int(found.group(1))
        held = writing.locator(f"#comment-{comment_id}")
        expect(held).to_have_class(re.compile(r"\bstatus-pending\b"))
        expect(held.locator(".comment-state")).to_contain_text("Wartet auf Prüfung")
        assert author.request.get(f"/api/v1/comments/{comment_id}").json()["status"] == "pending"
        assert reader.request.get(f"/api/v1/comments/{comment_id}").status == 404  # not public

        # The open queue shows it at the end of the list, live, and says so politely (plural
        # forms: "1 neuer Beitrag"), without a reload.
        note = queue.locator("#queue-live")
        item = queue.locator(f"#item-{comment_id}")
        expect(item).to_contain_text(HELD_TEXT)
        expect(note).to_contain_text("1 neuer Beitrag am Ende der Liste")
        assert note.get_attribute("aria-live") == "polite"
        assert queue.evaluate(SAME_DOCUMENT)
        assert queue.evaluate(
            f"document.querySelector('#queue > li:last-child').id === 'item-{comment_id}'"
        )

        # Keyboard only: into the list, J to the new item, A approves it.
        press_until_focused(queue, "Tab", "#queue *")
        press_until_focused(queue, "j", f"#item-{comment_id}")
        with queue.expect_navigation():
            queue.keyboard.press("a")
        expect(queue.get_by_role("status")).to_have_text("Die Entscheidung ist gespeichert.")
        expect(queue.locator(f"#item-{comment_id}")).to_have_count(0)
        assert live_server.get_json(f"/api/v1/comments/{comment_id}")["status"] == "published"

        # The reader's open thread offers the approved comment, still the same document.
        button = thread.locator("[data-show-new]")
        expect(button).to_be_visible(timeout=15_000)
        expect(button).to_have_text("1 neuen Beitrag anzeigen")
        assert thread.locator(".live-news").get_attribute("aria-live") == "polite"
        assert thread.evaluate(SAME_DOCUMENT)
        expect(thread.locator(f"#comment-{comment_id}")).to_have_count(0)
        button.click()
        expect(thread.locator(f"#comment-{comment_id}")).to_contain_text(HELD_TEXT)
        assert thread.evaluate(SAME_DOCUMENT)
    finally:
        author.close()
        reader.close()
        moderator.close()
