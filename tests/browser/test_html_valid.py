"""Every page is valid HTML for the Nu Html Checker (vnu-jar from the npm registry, run with
Java): invalid markup is a bug even where axe sees nothing, since assistive technology reads
the parsed tree that the markup gives.

The pages of tests/browser/pages.py are fetched in German as the browser receives them (a page
that `prepare` changes is taken from the browser's DOM afterwards) and checked in one run of
the checker.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from dialog.settings import PROJECT_ROOT
from tests.browser.conftest import LiveServer, new_context
from tests.browser.pages import PAGES

pytestmark = pytest.mark.browser

VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker() -> list[str]:
    java = shutil.which("java")
    assert java, "Java is needed for the Nu Html Checker (Debian: default-jre-headless)"
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: `make install` runs `npm ci`"
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]


def messages(files: list[Path]) -> dict[str, list[str]]:
    """The checker's errors per file name (an empty dict when every file is valid)."""
    done = subprocess.run(
        [*checker(), *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )
    report = json.loads(done.stderr or '{"messages": []}')
    found: dict[str, list[str]] = {}
    for message in report["messages"]:
        name = Path(message.get("url", "?")).name
        where = f"line {message.get('lastLine', '?')}"
        found.setdefault(name, []).append(f"{where}: {message['message']}")
    return found


def test_the_checker_finds_invalid_markup(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html lang="de"><head><title>x</title></head>'
        "<body><main><p><div>block in a paragraph</div></p><a>no href</a>"
        '<label for="nowhere">label</label></main></body></html>'
    )
    assert messages([broken])["broken.html"]


def test_every_page_is_valid_html(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    files: list[Path] = []
    for case in PAGES:
        context = new_context(browser, live_server, locale="de", user=case.user)
        try:
            page = context.new_page()
            response = page.goto(live_server.path(case.path))
            assert response is not None and response.status == case.status, case.name
            if case.prepare:
                case.prepare(page)
                html = page.content()
            else:
                html = response.text()
        finally:
            context.close()
        target = tmp_path / f"{case.name}.html"
        target.write_text(html)
        files.append(target)
    found = messages(files)
    assert not found, "\n".join(
        f"{name}:\n  " + "\n  ".join(errors) for name, errors in sorted(found.items())
    )
