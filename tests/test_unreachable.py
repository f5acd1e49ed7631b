"""The database down gives 503 with Retry-After: pages (translated), the API (the documented
error body) and readiness, with one log line per outage instead of a traceback per request."""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed

from dialog.app import create_app
from dialog.db import Database
from dialog.direct import Direct
from dialog.procedures.models import Thread
from dialog.settings import Settings
from dialog.unreachable import database_place, database_unreachable, reason
from tests import backends, factories
from tests.discussion.helpers import MakeUser
from tests.live.harness import WAIT, free_port, serving, subscribe


class TcpProxy:
    """A relay to PostgreSQL that a test cuts (connections reset, new ones refused) and
    restores on the same port, as a network or a database restart would."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    @property
    def serving(self) -> bool:
        return self._server is not None and self._server.is_serving()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers += [writer, upstream_writer]
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.transport.abort()


class Switch(Protocol):
    async def cut(self) -> None: ...
    async def restore(self) -> None: ...


class ProxySwitch:
    def __init__(self, proxy: TcpProxy) -> None:
        self.proxy = proxy

    async def cut(self) -> None:
        await self.proxy.cut()

    async def restore(self) -> None:
        if not self.proxy.serving:
            await self.proxy.start()


def exchange(first: Path, second: Path) -> None:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE): no moment in which the
    database's path is free, so background work cannot create an empty database there."""
    libc = ctypes.CDLL(None, use_errno=True)
    at_cwd, rename_exchange = -100, 2
    if libc.renameat2(at_cwd, bytes(first), at_cwd, bytes(second), rename_exchange) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


class SqliteSwitch:
    """A directory takes the file's place (SQLite cannot open it); the open connections close,
    as after a restart of the pool, so the next request opens the path."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.path = Path(make_url(app.state.services.db.url).database or "")
        self.away = self.path.with_suffix(".away")
        self.cut_off = False

    async def cut(self) -> None:
        self.away.mkdir()
        exchange(self.path, self.away)
        self.cut_off = True
        direct: Direct = self.app.state.services.direct
        await self.app.state.services.db.dispose()
        await direct.close()

    async def restore(self) -> None:
        if self.cut_off:
            exchange(self.path, self.away)
            self.away.rmdir()
            self.cut_off = False


@pytest.fixture
async def proxy(backend: backends.Backend) -> AsyncIterator[TcpProxy | None]:
    if backend.name != "postgres":
        yield None
        return
    url = make_url(backend.template)
    relay = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await relay.start()
    yield relay
    if relay.serving:
        await relay.cut()


@pytest.fixture
def settings(settings: Settings, proxy: TcpProxy | None) -> Settings:
    """On PostgreSQL the app reaches its database through the proxy."""
    if proxy is None:
        return settings
    url = make_url(settings.database_url).set(host="127.0.0.1", port=proxy.port)
    return dataclasses.replace(settings, database_url=url.render_as_string(hide_password=False))


@pytest.fixture
async def switch(app: Starlette, proxy: TcpProxy | None) -> AsyncIterator[Switch]:
    found: Switch = ProxySwitch(proxy) if proxy is not None else SqliteSwitch(app)
    yield found
    await found.restore()  # the app's shutdown needs its database


def db_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "dialog.db"]


async def test_a_page_answers_503_with_retry_after_while_the_database_is_away(
    client: httpx.AsyncClient, switch: Switch
) -> None:
    await switch.cut()
    response = await client.get("/procedures", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "Temporarily unavailable" in response.text and '<main id="main"' in response.text
    assert response.headers["x-frame-options"] == "DENY"


async def test_the_503_page_speaks_german_to_a_german_reader(
    client: httpx.AsyncClient, switch: Switch
) -> None:
    await switch.cut()
    response = await client.get("/procedures", headers={"Accept-Language": "de"})
    assert response.status_code == 503
    assert "Vorübergehend nicht erreichbar" in response.text


async def test_the_api_answers_503_with_the_documented_error_body(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, switch: Switch
) -> None:
    author = await make_user()
    await api.headers(author)  # the bearer token exists before the outage
    await switch.cut()
    for method, url, body in (
        ("GET", "/api/v1/procedures", None),
        ("GET", f"/api/v1/threads/{thread.id}/comments", None),
        ("POST", f"/api/v1/threads/{thread.id}/comments", {"body": "Noch da?"}),
    ):
        response = await api.request(author, method, url, json=body)
        assert response.status_code == 503, (url, response.text)
        assert int(response.headers["retry-after"]) > 0
        error = response.json()["error"]
        assert error["code"] == "unavailable" and error["message"]


async def test_an_outage_is_logged_once_and_its_end_once_without_tracebacks(
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    switch: Switch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    author = await make_user()
    await api.headers(author)
    comments = f"/api/v1/threads/{thread.id}/comments"
    caplog.set_level(logging.INFO)
    await switch.cut()
    for _ in range(3):  # a reader, a signed-in reader and a writer
        assert (await api.request(None, "GET", "/api/v1/procedures")).status_code == 503
        assert (await api.request(author, "GET", comments)).status_code == 503
        written = await api.request(author, "POST", comments, json={"body": "Hallo"})
        assert written.status_code == 503
    await switch.restore()
    written = await api.request(author, "POST", comments, json={"body": "Hallo"})
    assert written.status_code == 201
    lines = db_lines(caplog)
    assert len(lines) == 2, lines
    assert "unreachable" in lines[0] and "reachable again" in lines[1]
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


async def test_readiness_says_not_ready_while_the_database_is_away(
    client: httpx.AsyncClient, switch: Switch
) -> None:
    await switch.cut()
    response = await client.get("/readyz")
    assert response.status_code == 503 and int(response.headers["retry-after"]) > 0
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "unavailable"


async def test_requests_succeed_again_when_the_database_is_back(
    client: httpx.AsyncClient, switch: Switch
) -> None:
    await switch.cut()
    assert (await client.get("/procedures")).status_code == 503
    await switch.restore()
    assert (await client.get("/procedures")).status_code == 200
    assert (await client.get("/readyz")).json()["checks"]["database"] == "ok"


async def test_a_live_socket_is_asked_to_come_back_later_while_the_database_is_away(
    app: Starlette, switch: Switch, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(app) as url:
        await switch.cut()
        client = await subscribe(url, ["thread:1"], since=0)  # the replay reads the outbox
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(WAIT):
                while True:
                    await client.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013  # try again later
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Nothing listens on the port; SQLite cannot open a directory."""
    if request.param == "postgresql":
        return f"postgresql+asyncpg://dialog:geheim@127.0.0.1:{free_port()}/dialog"
    return f"sqlite+aiosqlite:///{tmp_path}"


async def test_with_the_database_unreachable_from_the_start_requests_answer_503(
    settings: Settings, unreachable_url: str
) -> None:
    app = create_app(dataclasses.replace(settings, database_url=unreachable_url))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers = [(await client.get(p)).status_code for p in ("/", "/api/v1/procedures")]
            ready = await client.get("/readyz")
    finally:
        await app.state.services.direct.close()
        await app.state.services.db.dispose()
    assert answers == [503, 503] and ready.status_code == 503


async def test_a_driver_that_cannot_connect_counts_as_unreachable(tmp_path: Path) -> None:
    with pytest.raises(OSError) as refused:
        await asyncpg.connect(f"postgresql://x@127.0.0.1:{free_port()}/x")
    with pytest.raises(sqlite3.OperationalError) as unopenable:
        sqlite3.connect(tmp_path)
    assert database_unreachable(refused.value) and database_unreachable(unopenable.value)


async def test_a_pool_with_no_connection_to_give_counts_as_unreachable(settings: Settings) -> None:
    db = Database(settings.database_url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    try:
        async with db.engine.connect():
            with pytest.raises(SQLAlchemyError) as exhausted:
                async with db.engine.connect():
                    pass
    finally:
        await db.dispose()
    assert database_unreachable(exhausted.value)


def test_a_wrong_statement_or_another_os_error_is_a_bug_not_an_outage(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError) as wrong:
        sqlite3.connect(":memory:").execute("SELEKT 1")
    with pytest.raises(OSError) as missing:
        (tmp_path / "nothing").read_text()
    assert not database_unreachable(wrong.value) and not database_unreachable(missing.value)


def test_the_database_is_named_by_its_place_never_by_its_password() -> None:
    url = "postgresql+asyncpg://dialog:geheim@db.example:6543/dialog"
    assert database_place(url) == "PostgreSQL at db.example:6543, database dialog"
    assert database_place("sqlite+aiosqlite:////var/dialog/dialog.db") == (
        "SQLite file /var/dialog/dialog.db"
    )
    assert "geheim" not in reason(OSError("login geheim refused"), url)
