"""Wide tables stay readable at 320 px: no header or cell word is broken letter by letter (the
table scrolls inside its own box instead), measured in Chromium on every page with a table
that staff and moderators use, in German and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import PHONE, STAFF, LiveServer, new_context
from tests.browser.pages import MODERATOR

pytestmark = pytest.mark.browser

# For every table cell: is any of its words wider than the cell's content box (so the browser
# had to break it inside the word)? Returns "text (word width > box width)" for each such cell.
BROKEN_WORDS = """() => {
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
  document.body.append(probe);
  const found = [];
  for (const cell of document.querySelectorAll("main table th, main table td")) {
    const style = getComputedStyle(cell);
    probe.style.font = style.font;
    probe.style.letterSpacing = style.letterSpacing;
    const box = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of cell.innerText.split(/\\s+/).filter((w) => w.length > 1)) {
      probe.textContent = word;
      const wide = probe.getBoundingClientRect().width;
      if (wide > box + 1) {
        found.push(`${word} (${Math.round(wide)} > ${Math.round(box)})`);
        break;
      }
    }
  }
  probe.remove();
  return found;
}"""
PAGES = [
    (STAFF, "/departments/stadtplanung"),
    (STAFF, "/procedures/{own_procedure}/report"),
    (MODERATOR, "/moderation"),
    (MODERATOR, "/moderation/audit"),
]


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize(("user", "path"), PAGES, ids=[path for _user, path in PAGES])
def test_no_word_in_a_table_is_broken_at_320_px(
    browser: Browser, live_server: LiveServer, user: str, path: str, locale: str
) -> None:
    context = new_context(browser, live_server, locale=locale, user=user, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.path(path))
        assert page.locator("main table").count() > 0 or path == "/moderation/audit"
        assert page.evaluate(BROKEN_WORDS) == []
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, "the page itself never scrolls sideways"
    finally:
        context.close()
