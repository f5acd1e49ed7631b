"""Keyboard only, in German and English: a staff member adds a theme to the codebook, codes 20
contributions with it from the keyboard (keys 1–9 and J) and finds the count in the report;
axe finds nothing on the pages on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, new_context
from tests.browser.pages import STAFF
from tests.browser.test_axe import violations
from tests.browser.test_keyboard import tab_to

pytestmark = pytest.mark.browser

SAVED = {
    "de": "Gespeichert: 20 von 20 Beiträgen geändert.",
    "en": "Saved: 20 of 20 contributions changed.",
}


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_staff_member_codes_twenty_contributions_by_keyboard_and_sees_the_counts(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    procedure = live_server.ids()["own_procedure"]
    theme = f"Weg {locale}"
    context = new_context(browser, live_server, locale=locale, user=STAFF)
    try:
        page = context.new_page()
        page.goto(f"/procedures/{procedure}/themes")
        tab_to(page, "#name")
        page.keyboard.type(theme)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("table.data-table th[scope=row]", has_text=theme)).to_be_visible()

        page.goto(f"/procedures/{procedure}/coding")
        assert violations(page) == []
        tab_to(page, "[data-coding-item] input[type=checkbox]")
        items = page.locator("[data-coding-item]")
        assert items.count() == 20
        key = items.first.locator(f"input[data-name='{theme}']").get_attribute("data-key")
        assert key is not None
        for index in range(20):
            page.keyboard.press(key)
            box = items.nth(index).locator(f"input[data-name='{theme}']")
            expect(box).to_be_checked()
            if index < 19:
                page.keyboard.press("j")
        expect(page.locator("#coding-status")).to_contain_text(theme)
        tab_to(page, "form[data-coding] button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#coding-status")).to_have_text(SAVED[locale])

        page.goto(f"/procedures/{procedure}/report")
        row = page.locator("#themes-report-h ~ table tr", has_text=theme)
        expect(row.locator("td").first).to_have_text("20")
        assert re.search(r"\b20\b", row.inner_text())
        expect(page.locator("#groups-h")).to_be_visible()
        assert violations(page) == []
    finally:
        context.close()
