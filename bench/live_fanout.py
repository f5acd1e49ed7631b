"""Live fan-out: 2,000 sockets on one thread, 20 events/s, our server against a bare relay.

Run: `.venv/bin/python -m bench live_fanout` (or `python -m bench.live_fanout`).

(a) ours: `dialog serve` (one process, SQLite, a private redis-server so the events are written
    in this process through a unit of work + emit, committed, published, and loaded from
    the outbox by the server exactly as in production);
(b) a bare `websockets` relay: no framework, no database, `broadcast()` of each message.
Listeners run in separate processes with a minimal frame parser, so they are not the
bottleneck. Prints the figures and the machine; budgets: every event reaches every socket, p99
post-to-delivery under 250 ms, ours at least 85 % of the relay's delivered frames/s, an idle
socket under 50 KB (RSS delta of the server process).
"""

from __future__ import annotations

import array
import asyncio
import base64
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from bench import _load

# The budget's load; smaller runs for a quick look: DIALOG_BENCH_SOCKETS=500 DIALOG_BENCH_SECONDS=5
SOCKETS = int(os.environ.get("DIALOG_BENCH_SOCKETS", "2000"))
RATE = 20  # events per second
SECONDS = int(os.environ.get("DIALOG_BENCH_SECONDS", "20"))
CLIENT_PROCESSES = 2
P99_BUDGET_MS = 250.0
MARK = re.compile(rb"bench (\d+) ([0-9.]+)")
PADDING = "Wir wünschen uns mehr Bänke und Schatten am Weg entlang der Havel. " * 3


# -- listeners (run as separate processes) ---------------------------------------------------


class Listener(asyncio.Protocol):
    """A WebSocket client reduced to what the benchmark needs: handshake, one subscribe frame,
    then parse unmasked server frames and note each event's delivery latency."""

    def __init__(self, host: str, path: str, subscribe: bytes, sink: array.array[float]) -> None:
        self.host, self.path, self.subscribe = host, path, subscribe
        self.sink = sink
        self.buffer = b""
        self.upgraded = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self.frames = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        key = base64.b64encode(os.urandom(16)).decode()
        self.transport.write(
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data
        if not self.upgraded.done():
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                self.upgraded.set_exception(RuntimeError(buffer[:80].decode()))
                return
            buffer = buffer[end + 4 :]
            assert self.transport is not None
            self.transport.write(_masked(self.subscribe))
            self.upgraded.set_result(None)
        now = time.time()
        pos, size = 0, len(buffer)
        while size - pos >= 2:  # offsets, not slices: a chunk may hold a hundred frames
            length = buffer[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 4], "big")
                start = pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 10], "big")
                start = pos + 10
            end = start + length
            if end > size:
                break
            opcode = buffer[pos] & 0x0F
            pos = end
            if opcode == 0x1:
                found = MARK.search(buffer, start, end)
                if found:
                    self.frames += 1
                    self.sink.append(now - float(found.group(2)))
            elif opcode == 0x9 and self.transport is not None:  # ping: answer with pong
                self.transport.write(_masked(buffer[start:end], opcode=0xA))
            elif opcode == 0x8 and not self.closed.done():
                self.closed.set_result(buffer[start : start + 2])
        self.buffer = buffer[pos:]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(b"")


def _masked(payload: bytes, opcode: int = 0x1) -> bytes:
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    length = len(payload)
    header = bytes([0x80 | opcode])
    if length < 126:
        header += bytes([0x80 | length])
    else:
        header += bytes([0x80 | 126]) + length.to_bytes(2, "big")
    return header + mask + body


async def run_listeners(
    port: int, path: str, count: int, expect: int, seconds: int, out: Path
) -> None:
    loop = asyncio.get_running_loop()
    sink: array.array[float] = array.array("d")
    subscribe = json.dumps({"type": "subscribe", "topics": ["thread:1"]}).encode()
    listeners: list[Listener] = []
    for start in range(0, count, 100):
        batch = []
        for _ in range(start, min(count, start + 100)):
            _, protocol = await loop.create_connection(
                lambda: Listener(f"127.0.0.1:{port}", path, subscribe, sink), "127.0.0.1", port
            )
            batch.append(protocol)
        await asyncio.gather(*(p.upgraded for p in batch))
        listeners.extend(batch)
    print("ready", flush=True)
    deadline = time.monotonic() + seconds + 60
    while time.monotonic() < deadline and any(p.frames < expect for p in listeners):
        await asyncio.sleep(0.2)
    complete = sum(1 for p in listeners if p.frames >= expect)
    closed = sum(1 for p in listeners if p.closed.done())
    out.with_suffix(".bin").write_bytes(sink.tobytes())
    out.write_text(json.dumps({"complete": complete, "closed": closed, "sockets": count}))
    for p in listeners:
        if p.transport is not None:
            p.transport.close()


# -- the bare relay (run as a separate process) ----------------------------------------------


async def run_relay(port: int) -> None:
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    listeners: set[ServerConnection] = set()

    async def handler(connection: ServerConnection) -> None:
        if connection.request is not None and connection.request.path == "/publish":
            async for message in connection:
                broadcast(listeners, message)
            return
        await connection.recv()  # the subscribe frame, as our clients send it
        listeners.add(connection)
        try:
            await connection.wait_closed()
        finally:
            listeners.discard(connection)

    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
        print("ready", flush=True)
        await asyncio.Future()


# -- the coordinator -------------------------------------------------------------------------


PostFn = Callable[[int, float], Awaitable[None]]


@dataclass(frozen=True)
class Load:
    sockets: int = SOCKETS
    rate: float = RATE  # events per second
    seconds: int = SECONDS

    @property
    def events(self) -> int:
        return int(self.rate * self.seconds)


@dataclass(frozen=True)
class Target:
    """A running server: where its sockets connect, its processes, how to post an event."""

    name: str
    port: int
    path: str
    root_pid: int
    post: PostFn

    def pids(self) -> list[int]:
        """The server and its worker processes (`dialog serve --workers N`)."""
        return _load.process_tree(self.root_pid)


@dataclass
class Result:
    name: str
    delivered: int
    expected: int
    complete: int
    closed: int
    p50: float
    p99: float
    max: float
    frames_per_second: float
    idle_kb_per_socket: float
    cpu_us_per_frame: float
    load: Load = Load()
    achieved_rate: float = 0.0  # events/s the poster managed (it may fall behind at high rates)
    sockets_per_process: tuple[int, ...] = ()
    # The writer's longest post (for ours: a unit of work + emit + COMMIT + publish); a post
    # that waits delays its event and sends the ones behind it in a burst.
    slowest_post_ms: float = 0.0

    @property
    def passed(self) -> bool:
        """Every frame arrived and p99 stayed under the budget."""
        return self.delivered == self.expected and not self.closed and self.p99 < P99_BUDGET_MS


def _sockets_of(pid: int) -> int:
    """Open sockets of one process (its listening socket included)."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            continue
    return count


def _event_data(seq: int, sent: float) -> dict[str, object]:
    # Shaped like a comment as the API returns it, about the same size.
    return {
        "id": seq,
        "thread_id": 1,
        "parent_id": None,
        "depth": 0,
        "html": f"<p>bench {seq} {sent:.6f} {PADDING}</p>",
        "author": {"id": 1, "name": "Anwohnerin 1"},
        "stance": None,
        "status": "published",
        "up": 0,
        "down": 0,
        "reply_count": 0,
        "created_at": "2026-11-23T12:00:00+00:00",
        "edited": False,
    }


async def _wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = await asyncio.to_thread(process.stdout.readline)
    if line.strip() != "ready":
        raise RuntimeError(f"a benchmark process did not start: {line!r}")


async def measure(target: Target, load: Load) -> Result:
    """Connect `load.sockets` listeners, post `load.rate` events/s for `load.seconds`, and
    collect what arrived. The server keeps running; each call brings its own listeners."""
    await asyncio.sleep(1.0)
    pids = target.pids()
    rss_before = _load.rss_kb(pids)
    work = Path(tempfile.mkdtemp(prefix=f"bench-{target.name}-"))
    expect = load.events
    clients = []
    per = load.sockets // CLIENT_PROCESSES
    for n in range(CLIENT_PROCESSES):
        clients.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.live_fanout",
                    "listen",
                    str(target.port),
                    target.path,
                    str(per),
                    str(expect),
                    str(load.seconds),
                    str(work / f"client{n}.json"),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    for client in clients:
        await _wait_ready(client)
    await asyncio.sleep(3.0)  # every subscription registered, the server idle
    idle_kb = (_load.rss_kb(pids) - rss_before) / load.sockets
    # sockets per process; in a multi-process server, the workers (the supervisor has none)
    counts = [_sockets_of(pid) for pid in pids if pid != target.root_pid or len(pids) == 1]
    spread = tuple(n for n in counts if n)
    # The writer stands in for a server's request, and servers keep what they built at start
    # out of the collector's sight (dialog/asgi.py); so does the writer, or a full collection of
    # its setup (the migrations, the imports) stops a post for 40-80 ms.
    gc.collect()
    gc.freeze()
    cpu_before = _load.cpu_seconds(pids)
    started = time.time()
    slowest = 0.0
    for seq in range(expect):
        due = started + seq / load.rate
        await asyncio.sleep(max(0.0, due - time.time()))
        sent = time.time()
        await target.post(seq, sent)
        slowest = max(slowest, time.time() - sent)
    posted = time.time() - started
    for client in clients:
        await asyncio.to_thread(client.wait)
    cpu = _load.cpu_seconds(pids) - cpu_before
    latencies: array.array[float] = array.array("d")
    complete = closed = 0
    for n in range(CLIENT_PROCESSES):
        summary = json.loads((work / f"client{n}.json").read_text())
        complete += summary["complete"]
        closed += summary["closed"]
        latencies.frombytes((work / f"client{n}.bin").read_bytes())
    shutil.rmtree(work, ignore_errors=True)
    ordered = sorted(latencies)
    last = started + (expect - 1) / load.rate + (ordered[-1] if ordered else 0)
    window = max(last - started, 1e-9)
    return Result(
        name=target.name,
        delivered=len(ordered),
        expected=expect * per * CLIENT_PROCESSES,
        complete=complete,
        closed=closed,
        p50=statistics.median(ordered) * 1000 if ordered else float("nan"),
        p99=ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else float("nan"),
        max=ordered[-1] * 1000 if ordered else float("nan"),
        frames_per_second=len(ordered) / window,
        idle_kb_per_socket=idle_kb,
        cpu_us_per_frame=cpu / max(len(ordered), 1) * 1e6,
        load=load,
        achieved_rate=(expect - 1) / posted if expect > 1 and posted > 0 else load.rate,
        sockets_per_process=spread,
        slowest_post_ms=slowest * 1000,
    )


@asynccontextmanager
async def ours(
    sockets: int, database_url: str | None = None, workers: int = 1
) -> AsyncIterator[Target]:
    """`dialog serve` with a private redis-server: SQLite in a temporary directory, or the
    PostgreSQL database given (needed for `--workers` > 1). Events are written by this
    process through a unit of work + emit, committed, published, and loaded from the outbox
    by the server exactly as in production."""
    from pydantic import BaseModel, ConfigDict

    from dialog import migrate
    from dialog.db import Database
    from dialog.live.events import THREAD, EventType
    from dialog.live.hub import RedisHub
    from dialog.live.outbox import emit
    from dialog.settings import Settings

    class BenchComment(BaseModel):
        model_config = ConfigDict(extra="allow")

    # Like comment.published, with the relay's payload (the same bytes for both).
    published = EventType("comment.published", THREAD, BenchComment, "bench")

    root = Path(tempfile.mkdtemp(prefix="bench-live-"))
    if database_url is None:
        database_url = f"sqlite+aiosqlite:///{root}/dialog.db"
        settings = Settings(database_url=database_url, var_dir=root, secret_key="b" * 40)
        await asyncio.to_thread(migrate.upgrade, settings)
    redis_port = _load.free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = _load.free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIALOG_")},
        "DIALOG_DATABASE_URL": database_url,
        "DIALOG_REDIS_URL": redis_url,
        "DIALOG_REDIS_NAMESPACE": "bench",
        "DIALOG_SECRET_KEY": "b" * 40,
        "DIALOG_VAR_DIR": str(root),
        "DIALOG_LOG_LEVEL": "WARNING",
        # Every benchmark socket comes from loopback.
        "DIALOG_LIVE_SOCKETS_PER_ADDRESS": str(sockets + 100),
    }
    command = [sys.executable, "-m", "dialog", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", str(workers)], env=env)
    hub = RedisHub(redis_url, "bench:events")
    db = Database(database_url, publisher=hub.publish)
    try:
        await _until_http(port)
        while workers > 1 and len(_load.process_tree(server.pid)) <= workers:
            await asyncio.sleep(0.1)  # the supervisor and every worker are up

        async def post(seq: int, sent: float, thread_id: int = 1) -> None:
            async with db.unit_of_work() as uow:
                await emit(uow, published, BenchComment(**_event_data(seq, sent)), thread_id)

        # Warm up: the first post of a process opens its connection and compiles its
        # statements (35 ms), and the server's consumers compile theirs on the first events they
        # handle. On a thread nobody listens to, so the measured events are still the only ones.
        for seq in range(3):
            await post(seq, time.time(), thread_id=2)
        await asyncio.sleep(2.0)

        yield Target("ours", port, "/api/v1/live", server.pid, post)
    finally:
        await db.dispose()
        await hub.stop()
        server.terminate()
        server.wait()
        redis.terminate()
        redis.wait()
        shutil.rmtree(root, ignore_errors=True)


async def _until_http(port: int) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the dialog server did not start")


@asynccontextmanager
async def relay() -> AsyncIterator[Target]:
    from websockets.asyncio.client import connect

    port = _load.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.live_fanout", "relay", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        await _wait_ready(process)
        async with connect(f"ws://127.0.0.1:{port}/publish", compression=None) as publisher:

            async def post(seq: int, sent: float) -> None:
                frame = {
                    "id": seq,
                    "topic": "thread:1",
                    "type": "comment.published",
                    "data": _event_data(seq, sent),
                }
                await publisher.send(json.dumps(frame, separators=(",", ":"), ensure_ascii=False))

            yield Target("relay", port, "/live", process.pid, post)
    finally:
        process.terminate()
        process.wait()


def _report(mine: Result, bare: Result) -> str:
    ratio = mine.frames_per_second / bare.frames_per_second
    lines = [
        "| | our server | bare websockets relay |",
        "| --- | --- | --- |",
        f"| frames delivered / expected | {mine.delivered:,} / {mine.expected:,} | "
        f"{bare.delivered:,} / {bare.expected:,} |",
        f"| sockets that got every event | {mine.complete:,} / {mine.load.sockets:,} | "
        f"{bare.complete:,} / {mine.load.sockets:,} |",
        f"| sockets closed by the server | {mine.closed} | {bare.closed} |",
        f"| post-to-delivery p50 / p99 / max (ms) | {mine.p50:.1f} / {mine.p99:.1f} / "
        f"{mine.max:.1f} | {bare.p50:.1f} / {bare.p99:.1f} / {bare.max:.1f} |",
        f"| delivered frames/s | {mine.frames_per_second:,.0f} | {bare.frames_per_second:,.0f} |",
        f"| idle memory per socket (server RSS delta) | {mine.idle_kb_per_socket:.1f} KB | "
        f"{bare.idle_kb_per_socket:.1f} KB |",
        f"| server CPU per delivered frame | {mine.cpu_us_per_frame:.1f} µs | "
        f"{bare.cpu_us_per_frame:.1f} µs |",
        f"| the writer's slowest post | {mine.slowest_post_ms:.1f} ms | "
        f"{bare.slowest_post_ms:.1f} ms |",
        "",
        f"Ratio ours / relay (delivered frames/s): {ratio:.1%}",
        "Ratio ours / relay (frames per CPU second of the server): "
        f"{bare.cpu_us_per_frame / mine.cpu_us_per_frame:.1%}",
    ]
    return "\n".join(lines)


async def run() -> int:
    from bench.machine import describe

    load = Load()
    async with relay() as target:
        by_relay = await measure(target, load)
    print(by_relay, flush=True)
    async with ours(load.sockets) as target:
        by_us = await measure(target, load)
    print(by_us, flush=True)
    print(f"Live fan-out: {load.sockets} sockets, {load.rate:g} events/s for {load.seconds} s")
    print("Machine:", describe())
    print(_report(by_us, by_relay))
    return 0


def main() -> int:
    import uvloop

    args = sys.argv[1:]
    # Listeners and relay run on uvloop, as `dialog serve` does (uvicorn picks it): the same
    # event loop on both sides of the comparison, and cheaper listeners.
    if args[:1] == ["listen"]:
        port, path, count, expect, seconds, out = args[1:7]
        uvloop.run(run_listeners(int(port), path, int(count), int(expect), int(seconds), Path(out)))
        return 0
    if args[:1] == ["relay"]:
        uvloop.run(run_relay(int(args[1])))
        return 0
    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
