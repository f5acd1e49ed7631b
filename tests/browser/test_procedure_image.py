"""Staff give a procedure an image in Chromium, with the ordinary form (no script needed): a
missing text alternative is named at its field, the image then shows on the procedure's page
and its card, and can be removed. German and English, axe-clean at 320 px and desktop."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect

from tests.browser.conftest import STAFF, LiveServer, new_context
from tests.browser.test_staff_journey import check_page

pytestmark = pytest.mark.browser

WORDS = {
    "de": ("Bitte beschreiben Sie das Bild", "Bild entfernen"),
    "en": ("Please describe the image", "Remove the image"),
}


def a_photo(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (800, 450), (200, 120, 40)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("locale", ["de", "en"])
def test_staff_add_an_image_with_its_alt_and_remove_it(
    browser: Browser, live_server: LiveServer, tmp_path: Path, locale: str
) -> None:
    refused, remove = WORDS[locale]
    context = new_context(browser, live_server, locale=locale, user=STAFF)
    try:
        page = context.new_page()
        page.goto(live_server.path("/procedures/new"))
        page.fill("#title", f"Bänke am Havelufer ({locale})")
        page.fill("#summary", "Wo sollen am Havelufer neue Bänke stehen?")
        page.set_input_files("#image", str(a_photo(tmp_path / "ufer.jpg")))
        page.click("main form button[type=submit]")
        expect(page.locator("#image_alt-error")).to_contain_text(refused)
        expect(page.locator("#image_alt")).to_have_attribute("aria-invalid", "true")
        check_page(page)
        alt = f"Eine Bank am Ufer der Havel bei Sonnenuntergang ({locale})"
        page.set_input_files("#image", str(a_photo(tmp_path / "ufer.jpg")))
        page.fill("#image_alt", alt)
        page.click("main form button[type=submit]")
        shown = page.locator("img.procedure-image")
        expect(shown).to_have_attribute("alt", alt)
        # The image is served after the page: its size once it has loaded (decode() waits).
        assert shown.evaluate("img => img.decode().then(() => img.naturalWidth)") == 800
        check_page(page)
        procedure_url = page.url
        page.goto(procedure_url.rstrip("/") + "/edit")
        expect(page.locator("img.image-preview")).to_have_attribute("alt", alt)
        page.get_by_label(remove).check()
        page.click("main form button[type=submit]")
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("img.procedure-image")).to_have_count(0)
    finally:
        context.close()
