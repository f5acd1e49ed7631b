"""Department staff and moderation as a city office uses them, in Chromium: the thread's life
from its page, the header's role links with counts, the block a blocked person sees, and the
focus after "show new". Each in German and English, at 320 px and at desktop width, axe-clean."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, STAFF, LiveServer, new_context
from tests.browser.pages import ADMIN, MODERATOR
from tests.browser.test_axe import violations
from tests.browser.test_discussion_journey import fresh_thread, post_json
from tests.browser.test_moderation_journey import pre_moderated_thread

pytestmark = pytest.mark.browser
LOCALES = ["de", "en"]
WIDTHS = [DESKTOP, PHONE]


def check_page(page: Page) -> None:
    """axe finds nothing and nothing needs horizontal scrolling, at both widths."""
    for width in WIDTHS:
        page.set_viewport_size(width)
        assert violations(page) == [], width
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{overflow}px horizontal scrolling at {width['width']} px"
    page.set_viewport_size(DESKTOP)


def own_procedure_id(live_server: LiveServer) -> int:
    return live_server.ids()["own_procedure"]


@pytest.mark.parametrize("locale", LOCALES)
def test_staff_open_close_reopen_and_hand_over_a_thread_from_its_page(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    words = {
        "de": ("Jetzt beenden", "Wieder öffnen", "Ergebnisse jetzt übergeben", "beauftragt"),
        "en": ("Close now", "Reopen", "Hand over the results now", "was requested"),
    }[locale]
    close, reopen, hand_over, requested = words
    context = new_context(browser, live_server, locale=locale, user=STAFF)
    try:
        page = context.new_page()
        page.goto(f"/procedures/{own_procedure_id(live_server)}/threads/new")
        question = f"Wo fehlen Bänke am Ufer? ({locale})"
        page.fill("#question", question)
        page.click("main form button[type=submit]")
        expect(page.locator("h1")).to_have_text(question)  # the question is the title
        check_page(page)

        page.get_by_role("button", name=close).click()
        expect(page.get_by_role("button", name=reopen)).to_be_visible()
        expect(page.locator("form.comment-form")).to_have_count(0)
        check_page(page)
        page.get_by_role("button", name=reopen).click()
        expect(page.locator("form.comment-form")).to_have_count(1)

        page.fill("#close_at", "2099-06-30T12:00")
        page.locator("#close_at").press("Enter")
        expect(page.locator("#manage")).to_contain_text("2099")

        page.get_by_role("button", name=hand_over).click()
        expect(page.locator("#manage [role=status]")).to_contain_text(requested)

        page.get_by_role("link", name=re.compile("Diskussion bearbeiten|Edit discussion")).click()
        page.fill("#title", f"Bänke am Ufer ({locale})")
        page.click("main form button[type=submit]")
        expect(page.locator("h1")).to_have_text(f"Bänke am Ufer ({locale})")
    finally:
        context.close()


def waiting_in_header(page: Page, href: str) -> str:
    """The link's text once it shows a number (counts are kept up to 15 s per process)."""
    link = page.locator(f"header nav a[href='{href}']")
    for _attempt in range(40):
        expect(link).to_be_visible()
        text = link.evaluate("a => a.textContent")
        if re.search(r"\d", text):
            return str(text)
        page.wait_for_timeout(500)
        page.reload()
    raise AssertionError(f"{href} never showed what waits")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_header_links_staff_and_moderators_to_what_waits_for_them(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    resident = new_context(browser, live_server, user="kiezmama@example.org")
    staff = new_context(browser, live_server, locale=locale, user=STAFF)
    try:
        page = staff.new_page()
        page.goto("/procedures")
        thread = post_json(
            page,
            f"/api/v1/procedures/{own_procedure_id(live_server)}/threads",
            {"question": "Was fehlt im Park?", "moderation": "post"},
        )
        writer = resident.new_page()
        writer.goto(f"/threads/{thread['id']}")
        post_json(writer, f"/api/v1/threads/{thread['id']}/comments", {"body": "Bänke"})
        text = waiting_in_header(page, "/departments/stadtplanung")
        hidden = {"de": "ohne Antwort", "en": "without an answer"}[locale]
        assert hidden in text
        check_page(page)
    finally:
        resident.close()
        staff.close()
    admin = new_context(browser, live_server, locale=locale, user=ADMIN)
    try:
        page = admin.new_page()
        page.goto("/procedures")
        expect(page.locator("header nav a[href='/admin/people']")).to_be_visible()
        link = page.locator("header nav a[href='/moderation']")
        expect(link).to_be_visible()
        check_page(page)
        page.set_viewport_size(PHONE)
        expect(link).to_be_visible()
    finally:
        admin.close()


def add_resident(live_server: LiveServer, email: str) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "DIALOG_DATABASE_URL": live_server.settings.database_url,
        "DIALOG_VAR_DIR": str(live_server.settings.var_dir),
        "DIALOG_SECRET_KEY": live_server.settings.secret_key,
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dialog",
            "users",
            "add",
            email,
            "--name",
            email.split("@")[0],
            "--role",
            "resident",
            "--password-stdin",
        ],
        input="demo-passwort-2026\n",
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_a_blocked_person_sees_the_block_and_keeps_the_text_of_a_refused_post(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    email = f"gesperrt-{locale}@example.org"
    add_resident(live_server, email)
    thread = live_server.path("/threads/{thread}")
    person = browser.new_context(base_url=live_server.url)
    person.add_cookies(
        [{"name": "dialog_lang", "value": locale, "url": live_server.url, "httpOnly": True}]
    )
    admin = new_context(browser, live_server, user=ADMIN)
    try:
        page = person.new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", "demo-passwort-2026")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        page.goto(thread)
        text = "Ein langer Beitrag, an dem ich lange geschrieben habe."
        page.fill("#body", text)

        # Meanwhile an administrator blocks the account for 7 days with a reason.
        other = admin.new_page()
        other.goto(f"/admin/people?q={email}")
        other.locator(f"main a:has-text('{email.split('@')[0]}')").first.click()
        other.fill("#days", "7")
        other.fill("#reason", "Wiederholte Beleidigungen")
        other.click("form[action$='/block'] button[type=submit]")
        other.wait_for_load_state()

        page.click("form.comment-form button[type=submit]")
        notice = page.locator("#block-notice")
        expect(notice).to_contain_text("Wiederholte Beleidigungen")
        expect(notice.locator("time")).to_have_count(1)
        expect(page.locator("#kept-draft")).to_have_value(text)
        assert page.locator("html").get_attribute("lang") == locale
        assert "Access denied" not in page.content() or locale == "en"
        expect(page.locator("form.comment-form")).to_have_count(0)
        check_page(page)
    finally:
        person.close()
        admin.close()


def test_show_new_moves_focus_to_the_first_new_comment_and_says_so(
    browser: Browser, live_server: LiveServer
) -> None:
    thread_id = fresh_thread(browser, live_server)
    writer = new_context(browser, live_server, user="potsdamer-radler@example.org")
    reader = new_context(browser, live_server, user="herr-schulze@example.org")
    try:
        page = reader.new_page()
        page.goto(f"/threads/{thread_id}")
        page.wait_for_function("document.querySelector('[data-show-new]') !== null")
        page.wait_for_timeout(500)  # the socket subscribes after the module has loaded
        other = writer.new_page()
        other.goto(f"/threads/{thread_id}")
        first = post_json(other, f"/api/v1/threads/{thread_id}/comments", {"body": "Erster"})
        second = post_json(other, f"/api/v1/threads/{thread_id}/comments", {"body": "Zweiter"})
        button = page.locator("[data-show-new]")
        expect(button).to_have_text("2 neue Beiträge anzeigen", timeout=15_000)
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#comment-{first['id']}")).to_be_visible()
        # Newest first: the second comment is the first in reading order, and has the focus.
        page.wait_for_function(
            "id => document.activeElement?.closest('li.comment')?.id === id",
            arg=f"comment-{second['id']}",
        )
        expect(page.locator("[data-shown-note]")).to_have_text(
            "2 neue Beiträge werden jetzt angezeigt"
        )
        page.keyboard.press("Tab")  # reading goes on inside the new comment
        assert page.evaluate(
            f"document.getElementById('comment-{second['id']}').contains(document.activeElement)"
        )
    finally:
        writer.close()
        reader.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_held_post_enters_the_open_queue_live_with_its_author_and_a_plural_note(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    thread_id = pre_moderated_thread(live_server)
    moderator = new_context(browser, live_server, locale=locale, user=MODERATOR)
    author = new_context(browser, live_server, user="potsdamer-radler@example.org")
    try:
        queue = moderator.new_page()
        queue.goto("/moderation")
        queue.wait_for_timeout(500)  # the socket subscribes after the module has loaded
        before = queue.locator("#queue > li").count()
        writing = author.new_page()
        writing.goto(f"/threads/{thread_id}")
        created = [
            post_json(writing, f"/api/v1/threads/{thread_id}/comments", {"body": text})
            for text in (f"Erst prüfen ({locale}) eins", f"Erst prüfen ({locale}) zwei")
        ]
        for made in created:
            expect(queue.locator(f"#item-{made['id']}")).to_be_visible(timeout=15_000)
        assert queue.locator("#queue > li").count() == before + 2
        note = {"de": "neue Beiträge am Ende der Liste", "en": "new posts at the end of the list"}
        expect(queue.locator("#queue-live")).to_contain_text(note[locale])
        item = queue.locator(f"#item-{created[0]['id']}")
        expect(item.locator(".author-facts")).to_contain_text("Potsdamer Radler")
        check_page(queue)
    finally:
        author.close()
        moderator.close()
