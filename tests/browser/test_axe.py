"""axe-core finds no WCAG 2.1 A/AA violation on any page, in either language, at either width."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Response

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, new_context
from tests.browser.pages import PAGES, PageCase

pytestmark = pytest.mark.browser

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def violations(page: Page) -> list[str]:
    results: dict[str, Any] = AXE.run(page, options=AXE_OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results["violations"]
    ]


def open_case(page: Page, server: LiveServer, case: PageCase) -> None:
    response = page.goto(server.path(case.path))
    assert response is not None
    assert response.status == case.status, f"{case.name}: HTTP {response.status}"
    if case.prepare:
        case.prepare(page)


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("case", PAGES, ids=str)
def test_page_has_no_accessibility_violations(
    browser: Browser, live_server: LiveServer, case: PageCase, locale: str
) -> None:
    context = new_context(browser, live_server, locale=locale, user=case.user)
    try:
        page = context.new_page()
        script_errors: list[str] = []
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        console_errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            # Chromium logs a document's error status (404 page, 422 form) as "Failed to load
            # resource"; failing subresources are caught below from the responses themselves.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                console_errors.append(message.text)

        page.on("console", on_console)
        broken: list[str] = []

        def on_response(response: Response) -> None:
            if response.request.resource_type != "document" and response.status >= 400:
                broken.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        open_case(page, live_server, case)
        assert page.locator("html").get_attribute("lang") == locale
        found = {"desktop": violations(page)}
        page.set_viewport_size(PHONE)
        found["320px"] = violations(page)
        assert found == {"desktop": [], "320px": []}
        # At 320 px nothing may need horizontal scrolling (WCAG 1.4.10 Reflow).
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{case.name}: {overflow}px horizontal scrolling at 320 px"
        page.set_viewport_size(DESKTOP)
        assert script_errors == []
        assert broken == []
        assert console_errors == []  # includes Content-Security-Policy violations
    finally:
        context.close()
