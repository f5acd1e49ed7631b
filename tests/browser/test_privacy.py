"""Privacy in the browser: no request leaves the site, a first visit sets only the CSRF and
session cookies."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route

from tests.browser.conftest import DESKTOP, LiveServer, new_context
from tests.browser.pages import PAGES, PageCase

pytestmark = pytest.mark.browser

ALLOWED_COOKIES = {"dialog_csrf", "dialog_session"}


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_a_page_makes_no_request_to_another_origin(
    browser: Browser, live_server: LiveServer, case: PageCase
) -> None:
    context = new_context(browser, live_server, user=case.user)
    foreign: list[str] = []
    local: list[str] = []

    tiles = live_server.tiles.template.split("/tiles/")[0] + "/tiles/"

    def guard(route: Route) -> None:
        url = route.request.url
        # The site itself, and the one tile server the city configured for its map.
        if url.startswith((live_server.url + "/", tiles)):
            local.append(url)
            route.continue_()
        else:
            foreign.append(url)  # blocked, so the test never depends on the outside world
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(live_server.path(case.path))
    if case.prepare:
        case.prepare(page)
    page.wait_for_load_state("networkidle")
    context.close()
    assert foreign == []
    assert any(url.endswith("/static/css/site.css") for url in local)


def test_a_first_visit_sets_only_the_csrf_cookie_and_no_tracking(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="de-DE")
    page = context.new_page()
    for path in ("/", "/procedures", live_server.path("/procedures/{procedure}"), "/methods"):
        page.goto(path)
    cookies = context.cookies()
    storage = page.evaluate("[localStorage.length, sessionStorage.length]")
    context.close()
    assert {c["name"] for c in cookies} == {"dialog_csrf"}
    assert {c["name"] for c in cookies} <= ALLOWED_COOKIES
    csrf = cookies[0]
    assert csrf["sameSite"] == "Lax"
    assert csrf["domain"] == "127.0.0.1"
    assert storage == [0, 0]


def test_signing_in_adds_only_the_session_cookie_and_switching_language_only_its_own(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="de-DE")
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", "anna-aus-babelsberg@example.org")
    page.fill("#password", "demo-passwort-2026")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    signed_in = {c["name"]: c for c in context.cookies()}
    page.click("nav.lang a[hreflang=en]")
    page.wait_for_load_state()
    after_switch = {c["name"] for c in context.cookies()}
    context.close()
    assert set(signed_in) == ALLOWED_COOKIES
    assert signed_in["dialog_session"]["httpOnly"]
    assert after_switch == ALLOWED_COOKIES | {"dialog_lang"}
