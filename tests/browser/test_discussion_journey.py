"""A resident writes while another resident's comment arrives live: draft and focus stay."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import STAFF, LiveServer, new_context, write_comment

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


# Posting allows 10 comments a minute per account: the tests below share the writing out.
WRITERS = [
    "potsdamer-radler@example.org",
    "herr-schulze@example.org",
    "moderation@example.org",
    STAFF,
    "admin@example.org",
]


def post_json(page: Page, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A JSON POST from the page, as its scripts send them (session cookie, CSRF header)."""
    result: dict[str, Any] = page.evaluate(
        """async ([path, body]) => {
            const csrf = document.querySelector('meta[name="csrf-token"]').content;
            const response = await fetch(path, {
                method: "POST",
                headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
                credentials: "same-origin",
                body: JSON.stringify(body),
            });
            return { status: response.status, body: await response.json() };
        }""",
        [path, body],
    )
    assert result["status"] in (200, 201), result
    created: dict[str, Any] = result["body"]
    return created


def fresh_thread(browser: Browser, live_server: LiveServer) -> int:
    """A new thread in a running procedure that no other browser test reads (not the first
    one, not the Stadtplanung workspace's): the comments written there move nothing others see."""
    taken = {live_server.ids()["procedure"], live_server.ids()["own_procedure"]}
    procedure = next(
        p
        for p in live_server.get_json("/api/v1/procedures?phase=active")["items"]
        if p["id"] not in taken and p["department"]["slug"] not in ("stadtplanung", "bildung")
    )
    staff = new_context(browser, live_server, user=f"{procedure['department']['slug']}@example.org")
    try:
        page = staff.new_page()
        page.goto("/")
        thread = post_json(
            page,
            f"/api/v1/procedures/{procedure['id']}/threads",
            {"title": "Live-Test", "question": "Was fehlt?", "moderation": "post"},
        )
    finally:
        staff.close()
    thread_id: int = thread["id"]
    return thread_id


def test_a_live_reply_to_a_comment_beyond_the_first_page_is_shown_after_the_button(
    browser: Browser, live_server: LiveServer
) -> None:
    thread_id = fresh_thread(browser, live_server)
    writers = [new_context(browser, live_server, user=email) for email in WRITERS]
    reader = new_context(browser, live_server, user="anna-aus-babelsberg@example.org")
    try:
        pages = [context.new_page() for context in writers]
        for page in pages:
            page.goto(f"/threads/{thread_id}")
        path = f"/api/v1/threads/{thread_id}/comments"
        # 21 top-level comments: the first page shows the 20 newest, the oldest is on the next.
        oldest = post_json(pages[0], path, {"body": "Der älteste Beitrag"})
        for n in range(20):
            post_json(pages[(n + 1) % len(pages)], path, {"body": f"Beitrag Nummer {n}"})

        page = reader.new_page()
        page.goto(f"/threads/{thread_id}")
        expect(page.locator("li.comment").first).to_be_visible()
        assert page.locator(f"#comment-{oldest['id']}").count() == 0
        page.focus("#body")
        page.keyboard.type("Mein Entwurf")

        post_json(pages[0], path, {"body": "Eine späte Antwort", "parent_id": oldest["id"]})
        button = page.locator("[data-show-new]")
        expect(button).to_have_text("1 neuen Beitrag anzeigen", timeout=15_000)
        assert page.evaluate("document.activeElement.id") == "body"
        button.click()

        reply = page.locator("li.comment", has_text="Eine späte Antwort")
        expect(reply).to_be_visible()
        parent_link = reply.locator(f"a[href='/comments/{oldest['id']}']")
        expect(parent_link).to_have_text("Antwort auf einen früheren Beitrag")
        assert page.input_value("#body") == "Mein Entwurf"
        parent_link.click()
        expect(page.locator(f"#comment-{oldest['id']}")).to_be_visible()
    finally:
        for context in [*writers, reader]:
            context.close()


def test_a_live_reply_to_a_comment_on_the_page_is_placed_under_it(
    browser: Browser, live_server: LiveServer
) -> None:
    thread_id = fresh_thread(browser, live_server)
    writer = new_context(browser, live_server, user=WRITERS[2])
    reader = new_context(browser, live_server, user="anna-aus-babelsberg@example.org")
    try:
        other = writer.new_page()
        other.goto(f"/threads/{thread_id}")
        path = f"/api/v1/threads/{thread_id}/comments"
        parent = post_json(other, path, {"body": "Ein Beitrag oben"})
        page = reader.new_page()
        page.goto(f"/threads/{thread_id}")
        expect(page.locator(f"#comment-{parent['id']}")).to_be_visible()

        post_json(other, path, {"body": "Eine Antwort darauf", "parent_id": parent["id"]})
        page.locator("[data-show-new]").click(timeout=15_000)

        nested = page.locator(f"#comment-{parent['id']} > ol.replies > li.comment")
        expect(nested).to_have_text(re.compile("Eine Antwort darauf"))
        expect(nested.locator(f"a[href='#comment-{parent['id']}']")).to_be_visible()
    finally:
        writer.close()
        reader.close()


def test_a_live_comment_is_placed_where_the_pages_sort_puts_it(
    browser: Browser, live_server: LiveServer
) -> None:
    thread_id = fresh_thread(browser, live_server)
    writer = new_context(browser, live_server, user=WRITERS[3])
    voter = new_context(browser, live_server, user=WRITERS[1])
    reader = new_context(browser, live_server, user="anna-aus-babelsberg@example.org")
    try:
        other = writer.new_page()
        other.goto(f"/threads/{thread_id}")
        path = f"/api/v1/threads/{thread_id}/comments"
        supported = post_json(other, path, {"body": "Mit Unterstützung"})
        post_json(other, path, {"body": "Ohne Stimmen"})
        voting = voter.new_page()
        voting.goto(f"/threads/{thread_id}")
        voting.locator(f"#comment-{supported['id']} > article button[data-vote='1']").click()
        expect(voting.locator(f"#comment-{supported['id']} [data-slot='up']")).to_have_text("1")
        page = reader.new_page()
        page.goto(f"/threads/{thread_id}?sort=top")
        expect(page.locator("[data-comment-list] > li.comment")).to_have_count(2)

        post_json(other, path, {"body": "Ganz neu"})
        page.locator("[data-show-new]").click(timeout=15_000)

        # Most supported first; among equals the newer one.
        expect(page.locator("[data-comment-list] > li.comment > article .prose")).to_have_text(
            ["Mit Unterstützung", "Ganz neu", "Ohne Stimmen"]
        )
    finally:
        for context in (writer, voter, reader):
            context.close()
