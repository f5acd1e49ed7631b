"""Real servers for live tests: uvicorn on a free loopback port, a private redis-server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import func, select
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from dialog.db import Database
from dialog.live.models import ConsumerPosition
from dialog.live.transport import uvicorn_websocket_options
from tests.any_events import emit_any

WAIT = 20.0  # generous upper bound for anything to arrive; tests never assert on timing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _QuietServer(uvicorn.Server):
    """Leaves signal handling to pytest (uvicorn would swallow SIGINT and SIGTERM)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[str]:
    """Serve an app (whose lifespan already runs) with uvicorn; yields its ws:// live URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app,
        lifespan="off",
        **uvicorn_websocket_options(),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/api/v1/live"
    finally:
        server.should_exit = True
        await task
        listener.close()


async def emit(db: Database, topic: str, type_: str = "test.happened", **data: Any) -> int:
    """An event through the real write path: a unit of work that publishes after commit."""
    async with db.unit_of_work() as uow:
        event = await emit_any(uow, topic, type_, **data)
    return event.id


async def subscribe(
    url: str, topics: list[str], since: int | None = 0, **options: Any
) -> ClientConnection:
    client = await connect(url, open_timeout=WAIT, **options)
    frame: dict[str, Any] = {"type": "subscribe", "topics": topics}
    if since is not None:
        frame["since"] = since
    await client.send(json.dumps(frame))
    return client


async def frames(client: ClientConnection, count: int) -> list[dict[str, Any]]:
    """The next `count` event frames (heartbeats left out)."""
    found: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT):
        while len(found) < count:
            frame = json.loads(await client.recv())
            if frame.get("type") != "ping":
                found.append(frame)
    return found


async def until_listening(app: Starlette, sockets: int) -> None:
    """Wait until the server holds this many subscribed sockets (subscribe is asynchronous)."""
    async with asyncio.timeout(WAIT):
        while sum(1 for c in app.state.services.live.fanout.connections if c.topics) < sockets:
            await asyncio.sleep(0.01)


class RedisProcess:
    """A private redis-server on a free port, so a test can stop and start it at will."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server must be installed for the live tests"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        async with asyncio.timeout(WAIT):
            while True:
                with contextlib.suppress(OSError):
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    writer.close()
                    await writer.wait_closed()
                    return
                await asyncio.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=WAIT)
            self.process = None


class StalledReader:
    """A socket that subscribes, then stops reading: small kernel buffers, no reader task."""

    def __init__(self, url: str) -> None:
        self.uri = parse_uri(url)
        self.protocol = ClientProtocol(self.uri)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self, topics: list[str]) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        port = self.uri.port
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        self.reader, self.writer = await asyncio.open_connection(sock=sock, limit=4096)
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        while self.protocol.handshake_exc is None and self.protocol.state is State.CONNECTING:
            self.protocol.receive_data(await self.reader.read(4096))
        self.protocol.events_received()  # the handshake response
        self.protocol.send_text(json.dumps({"type": "subscribe", "topics": topics}).encode())
        self._flush()

    def _flush(self) -> None:
        assert self.writer is not None
        for chunk in self.protocol.data_to_send():
            self.writer.write(chunk)

    async def read_all(self) -> tuple[list[int], int | None]:
        """Read everything now: the event ids received, and the close code the server sent."""
        assert self.reader is not None and self.writer is not None
        ids: list[int] = []
        async with asyncio.timeout(WAIT):
            while True:
                data = await self.reader.read(65536)
                if not data:
                    self.protocol.receive_eof()
                else:
                    self.protocol.receive_data(data)
                for frame in self.protocol.events_received():
                    if not isinstance(frame, Frame):
                        continue
                    if frame.opcode is Opcode.TEXT:
                        payload = json.loads(bytes(frame.data))
                        if "id" in payload:
                            ids.append(payload["id"])
                    elif frame.opcode is Opcode.CLOSE:
                        self.writer.close()
                        return ids, Close.parse(frame.data).code
                self._flush()
                if not data:
                    return ids, None


async def consumers_caught_up(db: Database, event_id: int, seconds: float = 20.0) -> None:
    """Wait until every durable consumer of the outbox has handled `event_id` (pruning keeps
    what a consumer has not read yet, so a test of pruning waits for them first)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        async with db.reading() as session:
            behind = await session.scalar(
                select(func.count())
                .select_from(ConsumerPosition)
                .where(ConsumerPosition.position < event_id)
            )
        if not behind:
            return
        assert asyncio.get_running_loop().time() < deadline, f"{behind} consumers stay behind"
        await asyncio.sleep(0.05)
