"""Redis between processes: one stream for several servers, and no loss across an outage."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from dialog.accounts.models import User
from dialog.app import create_app
from dialog.db import Database
from dialog.procedures.models import Thread
from dialog.settings import PROJECT_ROOT, Settings
from tests import backends, factories
from tests.live.harness import (
    WAIT,
    RedisProcess,
    emit,
    frames,
    free_port,
    serving,
    subscribe,
    until_listening,
)


async def test_every_event_arrives_exactly_once_when_redis_stops_and_restarts_mid_stream(
    settings: Settings, backend: backends.Backend, private_redis: RedisProcess
) -> None:
    app = create_app(dataclasses.replace(settings, redis_url=private_redis.url))
    db = app.state.services.db
    try:
        async with app.router.lifespan_context(app), serving(app) as url:
            await _until(lambda: app.state.services.hub.connected)
            client = await subscribe(url, ["thread:1"], since=None)
            await until_listening(app, 1)
            before = [await emit(db, "thread:1", n=n) for n in range(5)]
            assert [f["id"] for f in await frames(client, 5)] == before

            private_redis.stop()
            await _until(lambda: not app.state.services.hub.connected)
            during = [await emit(db, "thread:1", n=n) for n in range(5, 10)]
            assert [f["id"] for f in await frames(client, 5)] == during

            await private_redis.start()
            await _until(lambda: app.state.services.hub.connected)
            after = [await emit(db, "thread:1", n=n) for n in range(10, 15)]
            marker = await emit(db, "thread:1", n="last")
            received = await frames(client, 6)
            assert [f["id"] for f in received] == [*after, marker]
            await client.close()
    finally:
        await backends.clean(backend)


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while not condition():
            await asyncio.sleep(0.02)


async def _server_process(
    settings: Settings, redis_url: str
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIALOG_")},
        "DIALOG_DATABASE_URL": settings.database_url,
        "DIALOG_REDIS_URL": redis_url,
        "DIALOG_REDIS_NAMESPACE": settings.redis_namespace,
        "DIALOG_SECRET_KEY": settings.secret_key,
        "DIALOG_VAR_DIR": str(settings.var_dir),
        "DIALOG_BASE_URL": settings.base_url,
        "DIALOG_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "dialog", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
    )
    async with httpx.AsyncClient() as client, asyncio.timeout(WAIT * 3):
        while True:
            assert process.poll() is None, "the server process stopped"
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return process, port
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


@pytest.fixture
async def shared_redis_url(
    backend: backends.Backend, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """The suite's Redis on the PostgreSQL run; a private redis-server on the SQLite run."""
    if backend.redis_url is not None:
        yield backend.redis_url
        return
    redis = RedisProcess(tmp_path_factory.mktemp("redis"))
    await redis.start()
    try:
        yield redis.url
    finally:
        redis.stop()


async def test_a_comment_posted_to_one_server_process_reaches_a_socket_on_another(
    settings: Settings,
    shared_redis_url: str,
    db: Database,
    thread: Thread,
    make_user: Callable[..., Awaitable[User]],
) -> None:
    # Two `dialog serve` processes on one database (PostgreSQL, or one SQLite file) and Redis.
    token = await factories.token(db, await make_user())
    first, first_port = await _server_process(settings, shared_redis_url)
    second, second_port = await _server_process(settings, shared_redis_url)
    try:
        listener = await subscribe(
            f"ws://127.0.0.1:{second_port}/api/v1/live", [f"thread:{thread.id}"], since=0
        )
        async with httpx.AsyncClient() as client:
            # A first event proves the socket is subscribed before the comment is posted.
            await _post(client, first_port, thread.id, token, "Erster Beitrag")
            await frames(listener, 1)
            posted = await _post(client, first_port, thread.id, token, "Zweiter Beitrag")
        received = (await frames(listener, 1))[0]
        assert received["type"] == "comment.published"
        assert received["topic"] == f"thread:{thread.id}"
        assert received["data"]["id"] == posted["id"]
        await listener.close()
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=WAIT)


async def _post(
    client: httpx.AsyncClient, port: int, thread_id: int, token: str, body: str
) -> dict[str, Any]:
    response = await client.post(
        f"http://127.0.0.1:{port}/api/v1/threads/{thread_id}/comments",
        json={"body": body},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert created["status"] == "published"
    return created
