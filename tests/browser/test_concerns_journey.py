"""Ideas and complaints in real browsers, in German and in English: a resident submits
anonymously with a photo, the office routes it, the department accepts and drafts, the office
approves, the resident reads the answer through the private link and reopens; a second
resident supports the similar item instead of filing a duplicate."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, new_context
from tests.browser.pages import OFFICE, RESIDENT

pytestmark = pytest.mark.browser

DEPARTMENT = "mobilitaet@example.org"  # street lights are routed to this department
CATEGORY = {"de": "Straßenbeleuchtung", "en": "Street lights"}
ANSWER = "Die Leuchte wird bis Freitag ersetzt."


def photo_with_gps(folder: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (52.0, 23.0, 0.0), 3: "E", 4: (13.0, 5.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 30, 200)).save(out, format="JPEG", exif=exif)
    path = folder / "laterne.jpg"
    path.write_bytes(out.getvalue())
    return path


def fill_step_one(page: Page, locale: str, text: str) -> None:
    page.goto("/concerns/new")
    page.check("#kind-defect")
    page.select_option("#category", label=CATEGORY[locale])
    page.select_option("#district", label="Golm")
    page.fill("#text", text)
    page.fill("#place", "Am Mühlenberg 3")
    with page.expect_navigation():
        page.click("main form.concern-form button[type=submit]")


def submit_anonymously(browser: Browser, server: LiveServer, locale: str, photo: Path) -> str:
    context = new_context(browser, server, locale=locale)
    try:
        page = context.new_page()
        fill_step_one(page, locale, f"Laterne am Mühlenberg ({locale}) ist dunkel, Golm.")
        page.set_input_files("#photos", str(photo))
        page.check("#public")
        with page.expect_navigation():
            page.click("main form[enctype] button[type=submit]")
        link = page.locator("main a[href*='/concerns/track/']")
        expect(link).to_have_count(1)
        return str(link.get_attribute("href"))
    finally:
        context.close()


def item_of(page: Page) -> int:
    found = re.search(r"(\d+)", page.locator("h1").inner_text())
    assert found, page.locator("h1").inner_text()
    return int(found.group(1))


def click_form(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action$='/{action}'] button[type=submit]").click()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_from_anonymous_submission_to_answer_reopening_and_support(
    browser: Browser, live_server: LiveServer, tmp_path: Path, locale: str
) -> None:
    link = submit_anonymously(browser, live_server, locale, photo_with_gps(tmp_path))
    resident = new_context(browser, live_server, locale=locale)
    tracking = resident.new_page()
    tracking.goto(link)
    expect(tracking.locator(".concern-state")).to_have_class(re.compile(r"state-received"))
    number = item_of(tracking)
    item = f"/concerns/{number}"

    office = new_context(browser, live_server, locale=locale, user=OFFICE)
    staff = new_context(browser, live_server, locale=locale, user=DEPARTMENT)
    try:
        page = office.new_page()
        page.goto(item)
        expect(page.locator("#staff .concern-photos img")).to_have_count(1)
        # The routing table preselects the department for street lights.
        expect(page.locator("#route-department option:checked")).to_contain_text("Mobilität")
        click_form(page, "route")
        expect(page.locator(".concern-state").first).to_have_class(re.compile("state-in-review"))

        department = staff.new_page()
        department.goto("/concerns/department")
        expect(department.locator(f"a[href='{item}']")).to_have_count(1)
        department.goto(item)
        click_form(department, "accept")
        expect(department.locator(".concern-state").first).to_have_class(
            re.compile("state-in-progress")
        )
        department.fill("#answer-body", ANSWER)
        click_form(department, "answer")

        page.goto(item)
        expect(page.locator("#staff")).to_contain_text(ANSWER)
        click_form(page, "approve")
        expect(page.locator(".concern-state").first).to_have_class(re.compile("state-answered"))

        tracking.goto(link)
        expect(tracking.locator(".concern-answer")).to_contain_text(ANSWER)
        tracking.check("#solved-no")
        tracking.check("#satisfaction-2")
        tracking.check("#reopen")
        tracking.fill("#reason", "Es ist immer noch dunkel.")
        with tracking.expect_navigation():
            tracking.locator("#reopen-h ~ form button[type=submit]").click()
        expect(tracking.locator(".concern-state")).to_have_class(re.compile("state-in-progress"))

        second = new_context(browser, live_server, locale=locale, user=RESIDENT).new_page()
        fill_step_one(second, locale, "Am Mühlenberg in Golm ist die Laterne dunkel.")
        support = second.locator(f"form[action='{item}/support'] button")
        expect(support).to_have_count(1)
        with second.expect_navigation():
            support.click()
        assert second.url.endswith(f"{item}#support")
        expect(second.locator("#support")).to_contain_text("1")
    finally:
        office.close()
        staff.close()
        resident.close()
