"""A new resident, start to finish in a real browser: register with a pseudonym, confirm the
address from the mail that reached the SMTP server, sign in, find a procedure through the
filters, then write, reply, vote, report and edit in its discussion."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import LiveServer, new_context

pytestmark = pytest.mark.browser

EMAIL = "linden-lotte@example.org"
PSEUDONYM = "Linden-Lotte"
PASSWORD = "drei kleine Linden am Platz"
PROCEDURE = "Spielplatz am Schlaatz: Ideen gesucht"  # active, Schlaatz, with a demo conversation
# Demo comments by others in its thread (dialog/discussion/demo.py).
TO_REPLY = "Ich wohne direkt gegenüber"
TO_SUPPORT = "Geräte für Kinder mit Behinderung"
TO_REPORT = "Bänke im Schatten für Eltern"
MINE = "Bitte einen Wasserspielplatz mit *Schatten* für heiße Tage."
EDITED = "Bitte einen Wasserspielplatz mit **viel Schatten** für heiße Tage."
REPLY = "Ein Ballplatz mit Netz und Ruhezeiten ab 20 Uhr wäre ein guter Kompromiss."


def text_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part else ""


def api_json(context: BrowserContext, path: str) -> Any:
    """The JSON API as this browser profile sees it (its session cookie)."""
    response = context.request.get(path)
    assert response.ok, f"{path}: {response.status}"
    return response.json()


def comment_article(page: Page, text: str) -> Locator:
    return page.locator("li.comment > article", has_text=text).first


def comment_id_of(article: Locator) -> int:
    item_id = article.locator("xpath=..").get_attribute("data-comment-id")
    assert item_id is not None
    return int(item_id)


def register_and_confirm(page: Page, server: LiveServer) -> None:
    page.goto("/register")
    page.fill("#email", EMAIL)
    page.fill("#display_name", PSEUDONYM)
    page.fill("#password", PASSWORD)
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen.").check()
    page.get_by_label("Ich akzeptiere die Netiquette.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Konto anlegen").click()
    expect(page.locator("h1")).to_have_text("Bitte sehen Sie in Ihr Postfach")
    expect(page.locator("main")).to_contain_text(EMAIL)

    mail = server.mailbox.wait_for(lambda m: m["To"] == EMAIL)
    body = text_of(mail)
    assert PSEUDONYM in body
    found = re.search(r"(http://\S+/verify\?token=\S+)", body)
    assert found, body
    page.goto(found.group(1))
    expect(page.locator("h1")).to_have_text("E-Mail-Adresse bestätigt")


def sign_in(page: Page) -> None:
    page.goto("/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/login" not in page.url


def find_the_procedure(page: Page, server: LiveServer) -> None:
    page.goto("/procedures")
    page.get_by_label("Phase").select_option("active")
    page.get_by_label("Stadtteil").select_option("schlaatz")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter anwenden").click()
    assert "phase=active" in page.url and "district=schlaatz" in page.url
    titles = page.locator(".cards h3").all_inner_texts()
    assert PROCEDURE in titles
    listed = server.get_json("/api/v1/procedures?phase=active&district=schlaatz")["items"]
    assert sorted(titles) == sorted(p["title"] for p in listed)
    assert len(titles) < len(server.get_json("/api/v1/procedures?phase=active")["items"])
    with page.expect_navigation():
        page.get_by_role("link", name=PROCEDURE).click()
    expect(page.locator("h1")).to_have_text(PROCEDURE)
    with page.expect_navigation():
        page.locator(".thread-list a").first.click()  # a thread, called by its question
    assert re.search(r"/threads/\d+", page.url)


def write_a_comment(page: Page, context: BrowserContext) -> int:
    page.fill("#body", MINE)
    page.locator("#stance").get_by_role("radio", name="Dafür").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Beitrag veröffentlichen").click()
    mine = comment_article(page, "Wasserspielplatz")
    expect(mine.locator("em")).to_have_text("Schatten")
    expect(mine.locator(".comment-head")).to_contain_text(PSEUDONYM)
    comment_id = comment_id_of(mine)
    assert page.url.endswith(f"#comment-{comment_id}")
    stored = api_json(context, f"/api/v1/comments/{comment_id}")
    assert stored["status"] == "published" and stored["stance"] == "for"
    assert stored["author"]["name"] == PSEUDONYM
    return comment_id


def reply_to_another_comment(page: Page, context: BrowserContext) -> None:
    parent = comment_article(page, TO_REPLY)
    parent_id = comment_id_of(parent)
    parent.locator("details.reply > summary").click()
    parent.get_by_label("Ihre Antwort").fill(REPLY)
    with page.expect_navigation():
        parent.get_by_role("button", name="Antwort senden").click()
    replies = page.locator(f"#comment-{parent_id} > ol.replies > li.comment > article")
    reply = replies.filter(has_text=REPLY)
    expect(reply).to_be_visible()
    reply_id = comment_id_of(reply)
    assert api_json(context, f"/api/v1/comments/{reply_id}")["parent_id"] == parent_id


def vote_for_another_comment(page: Page, context: BrowserContext) -> None:
    target = comment_article(page, TO_SUPPORT)
    target_id = comment_id_of(target)
    before = api_json(context, f"/api/v1/comments/{target_id}")
    support = target.locator("button[data-vote='1']")
    expect(support).to_have_attribute("aria-pressed", "false")
    support.click()  # in place, without a new page
    expect(support).to_have_attribute("aria-pressed", "true")
    expect(support.locator(".count")).to_have_text(str(before["up"] + 1))
    after = api_json(context, f"/api/v1/comments/{target_id}")
    assert after["up"] == before["up"] + 1 and after["my_vote"] == 1


def report_another_comment(page: Page) -> None:
    target = comment_article(page, TO_REPORT)
    target.get_by_role("button", name="Beitrag melden").click()
    dialog = page.get_by_role("dialog", name="Diesen Beitrag melden")
    dialog.get_by_label("Nicht beim Thema").check()
    dialog.get_by_label("Notiz (freiwillig)").fill("Gehört eher zum Radverkehrskonzept.")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Meldung senden").click()
    expect(comment_article(page, TO_REPORT).locator(".flag-done")).to_have_text(
        "Sie haben diesen Beitrag gemeldet. Danke, die Moderation sieht ihn sich an."
    )


def edit_my_comment(page: Page, context: BrowserContext, comment_id: int) -> None:
    mine = page.locator(f"#comment-{comment_id} > article")
    mine.locator("details.edit > summary").click()
    field = mine.get_by_label("Ihr Beitrag")
    expect(field).to_have_value(MINE)  # the source text, not the rendered HTML
    field.fill(EDITED)
    with page.expect_navigation():
        mine.get_by_role("button", name="Änderungen speichern").click()
    mine = page.locator(f"#comment-{comment_id} > article")
    expect(mine.locator("strong", has_text="viel Schatten")).to_be_visible()
    expect(mine.locator(".comment-head")).to_contain_text("bearbeitet")
    stored = api_json(context, f"/api/v1/comments/{comment_id}")
    assert stored["edited_at"] is not None and "<strong>viel Schatten</strong>" in stored["html"]


def test_a_new_resident_registers_and_takes_part_in_a_discussion(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server)
    try:
        page = context.new_page()
        register_and_confirm(page, live_server)
        sign_in(page)
        me = api_json(context, "/api/v1/me")
        assert me["display_name"] == PSEUDONYM and me["email_verified"] is True
        find_the_procedure(page, live_server)
        comment_id = write_a_comment(page, context)
        reply_to_another_comment(page, context)
        vote_for_another_comment(page, context)
        report_another_comment(page)
        edit_my_comment(page, context, comment_id)
    finally:
        context.close()
