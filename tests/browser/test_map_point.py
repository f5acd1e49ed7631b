"""The point on the city's own map, in a real browser: the tiles come from the city's tile
server (a stand-in on loopback), the keyboard alone moves, zooms and marks, a click marks, the
mark is announced without moving the focus, and the point travels with the item."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, new_context

pytestmark = pytest.mark.browser

ANNOUNCED = {"de": "Punkt gesetzt bei Breitengrad", "en": "Point set at latitude"}


def coordinates(page: Page) -> tuple[float, float]:
    return float(page.input_value("#lat")), float(page.input_value("#lon"))


@pytest.mark.parametrize("locale", ["de", "en"])
def test_a_resident_marks_the_place_by_keyboard_and_by_click(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        before = len(live_server.tiles.served)
        page.goto("/concerns/new")
        expect(page.locator("#map")).to_be_visible()
        expect(page.locator("#map .map-tiles img").first).to_be_visible()
        assert len(live_server.tiles.served) > before
        page.focus("#place")
        page.keyboard.press("Tab")  # from the place field to the map
        expect(page.locator("#map")).to_be_focused()
        page.keyboard.press("Enter")
        centre = coordinates(page)
        assert centre == pytest.approx((52.3906, 13.0645), abs=1e-4)
        expect(page.locator("#map-status")).to_contain_text(ANNOUNCED[locale])
        expect(page.locator("#map")).to_be_focused()  # announced, the focus stays
        expect(page.locator("#map .map-marker")).to_be_visible()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("+")
        page.keyboard.press("Enter")
        lat, lon = coordinates(page)
        assert lat > centre[0] and lon > centre[1]  # north-east of the first mark
        box = page.locator("#map").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 20, box["y"] + box["height"] - 20)  # south-west corner
        south_west = coordinates(page)
        assert south_west[0] < lat and south_west[1] < lon
        page.check("#kind-idea")
        page.select_option("#category", index=1)
        page.fill("#text", "Hier fehlt eine Bank zum Ausruhen am Weg.")
        with page.expect_navigation():
            page.click("main form.concern-form button[type=submit]")
        kept = page.locator("input[type=hidden][name=lat]")
        assert float(str(kept.get_attribute("value"))) == pytest.approx(south_west[0], abs=1e-6)
    finally:
        context.close()
