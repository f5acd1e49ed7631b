"""German and English in the browser: the switch keeps the page, dates follow the language."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date
from playwright.sync_api import Browser

from tests.browser.conftest import LiveServer, new_context

pytestmark = pytest.mark.browser


def test_switching_the_language_keeps_the_page_and_its_filters(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/procedures?phase=active&sort=title")
    german = page.locator("h1").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    english = page.locator("h1").inner_text()
    url, lang = page.url, page.get_attribute("html", "lang")
    phase = page.eval_on_selector("#f-phase", "e => e.value")
    with page.expect_navigation():
        page.get_by_role("link", name="Deutsch").click()
    back = page.url
    context.close()
    assert (german, english) == ("Vorhabenliste", "List of procedures (Vorhabenliste)")
    assert url == f"{live_server.url}/procedures?phase=active&sort=title"
    assert (lang, phase) == ("en", "active")
    assert back == url


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_procedure_timeline_writes_dates_in_the_language_of_the_page(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    key = live_server.ids()["procedure"]
    detail = live_server.get_json(f"/api/v1/procedures/{key}")
    day = next(
        date.fromisoformat(step["starts_on"]) for step in detail["timeline"] if step["starts_on"]
    )
    expected = format_date(day, format="long", locale=locale)
    context = new_context(browser, live_server, locale=locale)
    page = context.new_page()
    page.goto(f"/procedures/{key}")
    timeline = page.locator(".timeline").inner_text()
    context.close()
    assert expected in timeline
    assert day.isoformat() not in timeline
