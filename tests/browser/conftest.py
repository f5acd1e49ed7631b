"""Real-browser harness: uvicorn on a free loopback port, demo data, Debian's Chromium.

The server runs in a background thread with its own event loop and its own SQLite database;
tests drive it with Playwright's sync API (the tests are plain functions, so no asyncio loop of
pytest's is running in their thread). Mail goes to a real SMTP server (aiosmtpd) on loopback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from dialog import demo, migrate
from dialog.app import create_app
from dialog.live.transport import uvicorn_websocket_options
from dialog.ratelimit import RateLimiter
from dialog.settings import Settings
from tests.browser.tiles import TileServer, tile_server

CHROMIUM = os.environ.get("DIALOG_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=320, height=640)
OFFICE_ADDRESS = "beteiligung@rathaus.potsdam.de"
DEMO_PASSWORD = demo.DEMO_PASSWORD
STAFF = "stadtplanung@example.org"
LOCALE_COOKIE = "dialog_lang"


class Mailbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        with self._lock:
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
        return "250 OK"

    def wait_for(
        self, predicate: Callable[[EmailMessage], bool], timeout: float = 10
    ) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.messages:
                    if predicate(message):
                        return message
            time.sleep(0.05)
        raise AssertionError("no such mail arrived at the SMTP server")


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class LiveServer:
    url: str
    settings: Settings
    mailbox: Mailbox
    tiles: TileServer
    states: dict[str, Any] = field(default_factory=dict)

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
            return json.load(response)

    def ids(self) -> dict[str, int]:
        """Ids of demo records that page paths name (see tests/browser/pages.py)."""
        if "ids" not in self.states:
            active = self.get_json("/api/v1/procedures?phase=active")["items"]
            own = self.get_json("/api/v1/procedures?department=stadtplanung")["items"]
            thread = next(
                detail["threads"][0]["id"]
                for detail in (self.get_json(f"/api/v1/procedures/{p['id']}") for p in active)
                if detail["threads"]
            )
            # The staff account's procedure with a discussion, and that discussion.
            own_procedure, own_thread = next(
                (p["id"], detail["threads"][0]["id"])
                for p in own
                for detail in [self.get_json(f"/api/v1/procedures/{p['id']}")]
                if detail["threads"]
            )
            self.states["ids"] = {
                "concern": self.get_json("/api/v1/concerns")[0]["id"],
                "procedure": active[0]["id"],
                "own_procedure": own_procedure,
                "thread": thread,
                "own_thread": own_thread,
                # A demo proposal that collects support (dialog.proposals.demo).
                "proposal": self.get_json("/api/v1/proposals?state=collecting")["items"][0]["id"],
            }
        ids: dict[str, int] = self.states["ids"]
        return ids

    def path(self, template: str) -> str:
        return template.format(**self.ids())


@contextmanager
def serve(root: Path) -> Iterator[LiveServer]:
    """A migrated SQLite database with the demo data, served by uvicorn on a free port, with
    the city's own map tiles from a tile server on loopback."""
    with tile_server() as tiles:
        yield from _serve(root, tiles)


def _serve(root: Path, tiles: TileServer) -> Iterator[LiveServer]:
    mailbox = Mailbox()
    smtp_port = free_socket()
    port = smtp_port.getsockname()[1]
    smtp_port.close()
    sock = free_socket()
    host, web_port = sock.getsockname()
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{root / 'dialog.db'}",
        var_dir=root / "var",
        secret_key="browser-secret-" + "x" * 32,
        base_url=f"http://{host}:{web_port}",
        smtp_url=f"smtp://127.0.0.1:{port}",
        mail_from="dialog@example.org",
        map_tiles=tiles.template,
        map_attribution="Kacheln: Testkachelserver",
    )
    migrate.upgrade(settings)
    asyncio.run(demo.load(settings))
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app(settings)
    # Many tests sign in and send feedback from the same loopback address.
    app.state.services = dataclasses.replace(
        app.state.services,
        limiter=RateLimiter(None, rules={"login": "1000/minute", "feedback": "1000/hour"}),
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app, **uvicorn_websocket_options(), log_config=None, access_log=False, lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(url=settings.base_url, settings=settings, mailbox=mailbox, tiles=tiles)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        controller.stop()


def launch_chromium(playwright: Playwright) -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install "
            "chromium; .ci/run does) — browser tests never skip",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="package")
def playwright_instance(live_server: LiveServer) -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop running in this thread until it stops, so
    # everything that calls asyncio.run (migrations, demo data) happens before, in live_server,
    # and the package scope stops it before the async tests of other packages run.
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    launched = launch_chromium(playwright_instance)
    yield launched
    launched.close()


def new_context(
    browser: Browser,
    server: LiveServer,
    *,
    locale: str = "de",
    viewport: ViewportSize | None = None,
    user: str | None = None,
    reduced_motion: bool = False,
) -> BrowserContext:
    """A fresh browser profile, optionally signed in as `user` and set to a language."""
    context = browser.new_context(
        base_url=server.url,
        viewport=viewport or DESKTOP,
        locale="de-DE" if locale == "de" else "en-GB",
        reduced_motion="reduce" if reduced_motion else "no-preference",
        storage_state=signed_in_state(browser, server, user) if user else None,
    )
    context.add_cookies(
        [{"name": LOCALE_COOKIE, "value": locale, "url": server.url, "httpOnly": True}]
    )
    context.set_default_timeout(10_000)
    return context


def write_comment(page: Page, text: str) -> None:
    """Write a top-level comment on the open thread page through its form, and wait for the
    page that comes back."""
    page.fill("#body", text)
    page.click("form.comment-form button[type=submit]")
    page.wait_for_load_state()


def signed_in_state(browser: Browser, server: LiveServer, email: str) -> Any:
    """Sign in once per account through the login form; later contexts reuse the cookies."""
    if email not in server.states:
        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url, f"{email} could not sign in"
        server.states[email] = context.storage_state()
        context.close()
    return server.states[email]


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    made = new_context(browser, live_server)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
