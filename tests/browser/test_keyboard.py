"""Keyboard only: skip link, visible focus everywhere, filters and the procedure form, reduced
motion respected."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import LiveServer, new_context
from tests.browser.pages import PAGES, STAFF

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName, id: e.id, name: e.getAttribute("name") || "",
    text: (e.textContent || "").trim().slice(0, 40),
    outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow,
    visible: e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0,
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(FOCUSED)
    return found


def focus_is_visible(state: dict[str, Any]) -> bool:
    outlined = state["outline"] not in ("none", "") and state["width"] >= 2
    return bool(state["visible"] and (outlined or state["shadow"] != "none"))


def tab_to(page: Page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/procedures")
    page.keyboard.press("Tab")
    state = focused(page)
    assert state["text"] == "Zum Inhalt springen"
    assert focus_is_visible(state)
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # shown on screen when focused
    page.keyboard.press("Enter")
    page.wait_for_url("**/procedures#main")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    context.close()


@pytest.mark.parametrize(
    "case", [c for c in PAGES if c.prepare is None and c.status == 200], ids=str
)
def test_every_focus_stop_shows_a_visible_focus_indicator(
    browser: Browser, live_server: LiveServer, case: Any
) -> None:
    context = new_context(browser, live_server, user=case.user)
    page = context.new_page()
    page.goto(live_server.path(case.path))
    seen: list[dict[str, Any]] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        state = focused(page)
        if state["tag"] == "BODY" or (seen and state == seen[0]):
            break  # wrapped around to the browser's own controls or the first stop
        seen.append(state)
    context.close()
    assert len(seen) > 5
    assert [s for s in seen if not focus_is_visible(s)] == []


def test_the_filters_of_the_procedure_list_work_with_the_keyboard(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/procedures")
    tab_to(page, "#f-phase")
    page.keyboard.press("ArrowDown")  # "All" -> the first phase
    assert page.eval_on_selector("#f-phase", "e => e.value") == "planned"
    tab_to(page, ".filters button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "phase=planned" in page.url
    assert page.eval_on_selector("#f-phase", "e => e.value") == "planned"
    assert page.locator(".cards .badge").count() > 0
    assert set(page.locator(".cards .badge").all_inner_texts()) == {"Geplant"}
    context.close()


def test_staff_create_a_procedure_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server, user=STAFF)
    page = context.new_page()
    page.goto("/procedures/new")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # empty form: the errors are announced and focused
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#title[aria-invalid=true]").count() == 1
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first error link leads to its field
    page.wait_for_url("**/procedures/new#*")
    target = page.evaluate("location.hash")
    assert page.locator(f"{target}[aria-invalid=true]").count() == 1
    page.goto("/procedures/new")
    tab_to(page, "#title")
    page.keyboard.type("Spielplatz am Keyboard-Weg")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "summary"
    page.keyboard.type("Ein neuer Spielplatz, geplant nur mit der Tastatur.")
    tab_to(page, "input[name='districts[]']")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Spielplatz am Keyboard-Weg"
    assert "/procedures/" in page.url
    context.close()


def test_reduced_motion_switches_off_every_animation_and_transition(
    browser: Browser, live_server: LiveServer
) -> None:
    context = new_context(browser, live_server, reduced_motion=True)
    page = context.new_page()
    page.goto("/procedures")
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    moving = page.evaluate(
        """() => [...document.querySelectorAll('*')].filter(e => {
             const s = getComputedStyle(e);
             const durations = (s.animationDuration + ',' + s.transitionDuration).split(',');
             return s.animationName !== 'none'
               || durations.some(d => parseFloat(d) > 0)
               || s.scrollBehavior === 'smooth';
           }).map(e => e.tagName)"""
    )
    context.close()
    assert moving == []
