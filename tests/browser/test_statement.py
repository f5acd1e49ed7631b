"""The accessibility statement is one click from every page, and its feedback form reaches the
participation office by mail (a real SMTP server on loopback)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser

from dialog.web.feedback import OFFICE_EMAIL
from tests.browser.conftest import LiveServer, new_context
from tests.browser.pages import PAGES, PageCase

pytestmark = pytest.mark.browser


def text_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part else ""


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_every_page_links_the_statement_and_the_easy_read_page(
    browser: Browser, live_server: LiveServer, case: PageCase
) -> None:
    context = new_context(browser, live_server, user=case.user)
    page = context.new_page()
    page.goto(live_server.path(case.path))
    footer = page.locator("footer")
    statement = footer.get_by_role("link", name="Erklärung zur Barrierefreiheit")
    easy = footer.get_by_role("link", name="Leichte Sprache")
    hrefs = (statement.get_attribute("href"), easy.get_attribute("href"))
    context.close()
    assert hrefs == ("/accessibility", "/leichte-sprache")


def test_feedback_on_a_barrier_reaches_the_office_by_mail(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server, locale="en")
    page = context.new_page()
    page.goto("/accessibility")
    page.get_by_label("What did not work?").fill(
        "Der Zeitplan auf der Vorhabenseite ist mit dem Screenreader schwer zu lesen."
    )
    page.get_by_label("On which page, or with which document?").fill("/procedures/1")
    page.get_by_label("Your name").fill("Erika Muster")
    page.get_by_label("Your e-mail address, if you want an answer").fill("erika@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Send feedback").click()
    notice = page.get_by_role("status").inner_text()
    context.close()
    assert "reached the participation office" in notice
    mail = live_server.mailbox.wait_for(lambda m: "Screenreader" in text_of(m))
    body = text_of(mail)
    assert mail["To"] == OFFICE_EMAIL
    assert mail["Subject"] == "Rückmeldung zur Barrierefreiheit"  # the office reads German
    assert "Antwort an: erika@example.org" in body
    assert "Wo: /procedures/1" in body


def test_feedback_without_a_message_is_refused_beside_the_field_and_keeps_the_input(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/accessibility")
    page.fill("#name", "Erika Muster")
    page.fill("#message", "kurz")
    with page.expect_navigation():
        page.click("#feedback button[type=submit]")
    error = page.locator("#message-error").inner_text()
    described = page.get_attribute("#message", "aria-describedby")
    kept = page.input_value("#name")
    focused = page.evaluate("document.activeElement.id")
    context.close()
    assert "mindestens 10 Zeichen" in error
    assert described == "message-hint message-error"
    assert kept == "Erika Muster"
    assert focused == "error-summary"


def test_the_statement_tells_about_sign_language_and_leichte_sprache(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/accessibility")
    sign = page.locator("#sign-language + p").inner_text()
    page.goto("/leichte-sprache")
    heading = page.locator("h1").inner_text()
    context.close()
    assert "Gebärdensprache (DGS)" in sign
    assert heading == "dialog in Leichter Sprache"
