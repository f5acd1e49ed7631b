"""Screenshots of the main pages for the README: python -m tests.browser.screenshots

Serves the demo data on a free loopback port (as the browser tests do), opens each page in
Debian's Chromium in German and writes docs/screenshots/<name>.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from dialog.settings import PROJECT_ROOT
from tests.browser.conftest import DESKTOP, PHONE, launch_chromium, new_context, serve

TARGET = PROJECT_ROOT / "docs" / "screenshots"
SHOTS: list[tuple[str, str, ViewportSize]] = [
    ("home", "/", DESKTOP),
    ("procedures", "/procedures?phase=active", DESKTOP),
    ("procedure", "/procedures/{procedure}", DESKTOP),
    ("methods", "/methods", DESKTOP),
    ("thread", "/threads/{thread}", DESKTOP),
    ("procedure-320px", "/procedures/{procedure}", PHONE),
    ("thread-320px", "/threads/{thread}", PHONE),
]


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    # The server (migrations, demo data) starts before Playwright's loop runs in this thread.
    with (
        tempfile.TemporaryDirectory() as root,
        serve(Path(root)) as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        for name, path, viewport in SHOTS:
            context = new_context(browser, server, viewport=viewport)
            page = context.new_page()
            page.goto(server.path(path))
            target = TARGET / f"{name}.png"
            page.screenshot(path=str(target), full_page=viewport is PHONE)
            context.close()
            print(f"wrote {target.relative_to(PROJECT_ROOT)}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
