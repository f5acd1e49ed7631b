"""A resident follows a procedure; another replies to her comment: the header's count changes
live without moving focus, the notice leads to the reply; the digest mail arrives in her
language and its unsubscribe link works without signing in."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from dialog.db import Database, utcnow
from dialog.notifications import mailing
from dialog.notifications.kinds import Mode
from dialog.web.templating import make_templates
from tests.browser.conftest import LiveServer, new_context

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# (UI language, reader, replier, the words the reader's pages and mail use)
CASES = {
    "de": (
        "anna-aus-babelsberg@example.org",
        "potsdamer-radler@example.org",
        {
            "follow": "Folgen",
            "unread": "Ungelesene Benachrichtigungen: ",
            "open": "Öffnen",
            "subject": "Ihre tägliche Zusammenfassung: 1 Benachrichtigung",
            "unsubscribe": "Abbestellen",
            "done": "Erledigt",
        },
    ),
    "en": (
        "kiezmama@example.org",
        "herr-schulze@example.org",
        {
            "follow": "Follow",
            "unread": "Unread notifications: ",
            "open": "Open",
            "subject": "Your daily digest: 1 notice",
            "unsubscribe": "Unsubscribe",
            "done": "Done",
        },
    ),
}


def no_violations(page: Page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS).response
    assert [v["id"] for v in results["violations"]] == []


def run_digest(server: LiveServer) -> int:
    """The daily digest as tomorrow at 07:00 would build it (the server's own job runs on the
    real clock), on the server's database; its mail worker sends what this queues."""

    async def build() -> int:
        db = Database.for_settings(server.settings)
        try:
            moment = mailing.digest_moment(Mode.daily, utcnow() + timedelta(days=1))
            env = make_templates().env
            return await mailing.run_digests(
                db, server.settings, env, moment + timedelta(minutes=1)
            )
        finally:
            await db.dispose()

    # Playwright's sync API keeps an event loop running in this thread: use another one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, build()).result()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_reply_reaches_the_follower_live_and_in_her_digest(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    reader_email, replier_email, words = CASES[locale]
    reader = new_context(browser, live_server, locale=locale, user=reader_email)
    replier = new_context(browser, live_server, locale=locale, user=replier_email)
    try:
        page = reader.new_page()
        # Her mails in the language of her pages; replies in the daily digest.
        page.goto("/me")
        page.select_option("#locale", locale)
        page.locator("form[action='/me/preferences'] button[type=submit]").click()
        page.goto("/me/notifications")
        page.check("#reply-daily")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#reply-daily")).to_be_checked()

        page.goto(live_server.path("/procedures/{procedure}"))
        button = page.locator("form.follow button")
        if button.get_attribute("aria-pressed") == "true":  # the demo's Anna follows it already
            button.click()
            expect(button).to_have_attribute("aria-pressed", "false")
        expect(button).to_contain_text(words["follow"])
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        no_violations(page)

        page.goto(live_server.path("/threads/{thread}"))
        mine = f"Mein Gedanke ({locale}): mehr Sitzbänke am Ufer"
        page.fill("#body", mine)
        page.click("form.comment-form button[type=submit]")
        page.wait_for_load_state()
        comment = page.locator("li.comment", has_text=mine).first
        comment_id = comment.get_attribute("data-comment-id")
        page.wait_for_timeout(500)  # the header's socket subscribes after the module loaded
        page.focus("#body")
        page.keyboard.type("Noch ein Entwurf")
        page.wait_for_function("document.querySelector('#unread-count').textContent !== ''")
        before = int(page.locator("#unread-count").text_content() or "0")

        other = replier.new_page()
        other.goto(f"/comments/{comment_id}")
        item = other.locator(f"#comment-{comment_id}")
        item.locator("details.reply summary").click()
        answer = f"Gute Idee ({locale}), und Schatten dazu"
        item.locator(f"#reply-{comment_id}").fill(answer)
        item.locator("details.reply button[type=submit]").click()
        other.wait_for_load_state()

        badge = page.locator("#unread-count")
        expect(badge).to_have_text(str(before + 1), timeout=15_000)
        expect(page.locator("#unread-status")).to_have_text(words["unread"] + str(before + 1))
        assert page.locator("#unread-status").get_attribute("aria-live") == "polite"
        assert page.evaluate("document.activeElement.id") == "body"
        assert page.input_value("#body") == "Noch ein Entwurf"

        page.click("#notifications-link")
        expect(page.locator("ul.notifications li").first).to_contain_text(answer)
        no_violations(page)
        page.locator("ul.notifications li").first.get_by_role(
            "link", name=re.compile(words["open"])
        ).click()
        page.wait_for_load_state()
        reply_id = page.url.rsplit("#comment-", 1)[-1]
        assert reply_id.isdigit()
        expect(page.locator(f"#comment-{reply_id}")).to_contain_text(answer)
    finally:
        reader.close()
        replier.close()

    assert run_digest(live_server) >= 1
    mail = live_server.mailbox.wait_for(
        lambda m: str(m["To"]) == reader_email and str(m["Subject"]) == words["subject"],
        timeout=20,
    )
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert answer in text and f"/comments/{reply_id}" in text
    link = re.search(r"<([^>]+)>", str(mail["List-Unsubscribe"])).group(1)  # type: ignore[union-attr]
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"

    stranger = new_context(browser, live_server, locale=locale)  # not signed in
    try:
        page = stranger.new_page()
        page.goto(link)
        no_violations(page)
        page.get_by_role("button", name=words["unsubscribe"]).click()
        expect(page.locator("main [role=status]")).to_contain_text(words["done"])
    finally:
        stranger.close()
