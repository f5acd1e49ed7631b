"""Links in mails lead to the server that sent them: in development the base URL follows the
port `dialog serve` runs on; a set DIALOG_BASE_URL (production) is kept."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from dialog.cli import follow_port
from tests.live.harness import free_port


@contextmanager
def serving(var: Path, port: int, **extra: str) -> Iterator[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DIALOG_VAR_DIR": str(var),
        "DIALOG_DATABASE_URL": f"sqlite+aiosqlite:///{var}/dialog.db",
        "DIALOG_SECRET_KEY": "c" * 40,
        **extra,
    }
    command = [sys.executable, "-m", "dialog"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    server = subprocess.Popen(  # our own command line
        [*command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def registration_mail(var: Path, url: str) -> str:
    """Register through the form and return the mail the server wrote to var/mail/."""
    with httpx.Client(base_url=url) as browser:
        browser.get("/register")
        response = browser.post(
            "/register",
            data={
                "email": "neu@example.org",
                "display_name": "Neu in Potsdam",
                "password": "ein langes Passwort 2026",
                "csrf_token": browser.cookies["dialog_csrf"],
            },
        )
        assert response.status_code == 200, response.text
    for _attempt in range(200):
        found = sorted((var / "mail").glob("*.eml")) if (var / "mail").exists() else []
        if found:
            return found[0].read_text()
        time.sleep(0.1)
    raise AssertionError("no mail was written to var/mail/")


def test_mail_links_follow_the_port_the_development_server_runs_on(tmp_path: Path) -> None:
    port = free_port()
    with serving(tmp_path, port) as url:
        text = registration_mail(tmp_path, url)
    links = re.findall(r"https?://[^\s\"<>]+/verify[^\s\"<>]*", text)
    assert links and all(link.startswith(f"http://127.0.0.1:{port}/") for link in links)


def test_a_configured_base_url_is_kept_whatever_the_port() -> None:
    environ = {"DIALOG_BASE_URL": "https://dialog.potsdam.de"}
    follow_port(environ, "0.0.0.0", 8321)
    assert environ["DIALOG_BASE_URL"] == "https://dialog.potsdam.de"
    development: dict[str, str] = {}
    follow_port(development, "0.0.0.0", 8321)
    assert development["DIALOG_BASE_URL"] == "http://127.0.0.1:8321"
