"""One process's delivery: load each batch of ids from the outbox once, hand frames to sockets.

A per-process high-water mark plus a short list of ids below it that were not seen yet (a
transaction that took its id earlier may commit later) makes delivery exactly-once and in id
order, whether ids arrive by publish, by the catch-up after a Redis outage, or both.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from typing import Any, cast

from dialog import unreachable
from dialog.db import Committed, Database
from dialog.live import queries
from dialog.live.events import SESSION_ENDED
from dialog.live.models import Event
from dialog.live.transport import FrameWriter, text_frame

log = logging.getLogger("dialog.live")

QUEUE_LIMIT = 256  # frames waiting for one socket; beyond this it is closed with 4000
# While a socket's transport holds less than this unsent, frames are written to it directly;
# above it (asyncio's own high-water mark) they wait in the socket's queue like any other.
DIRECT_WRITE_BELOW = 64 * 1024
GAP_TTL = 60.0  # seconds an unseen id below the high-water mark is still looked for
MAX_GAPS = 10_000
BATCH = 1_000
# Sockets served before the event loop gets a turn (about 1 ms on the 2-core benchmark VM). An
# event for 2,000 sockets took the loop for 30 ms in one piece; every await of a request or a
# consumer waited for it, and on SQLite the transactions holding the write lock with it, which
# all other writers then waited for too (issue 17).
CHUNK = 64
CLOSES_SESSION = SESSION_ENDED.name  # its sockets close with 4001 instead of hearing it

SendText = Callable[[str], Coroutine[Any, Any, None]]
Close = Callable[[int, str], Awaitable[None]]


def encode(event: Event) -> str:
    frame = {"id": event.id, "topic": event.topic, "type": event.type, "data": event.data}
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


class Connection:
    """One socket's bounded queue. `deliver` never waits.

    While nothing is queued, a frame goes out at once. With our uvicorn protocol (see
    dialog/live/transport.py) the event's pre-built frame bytes are written to the socket's
    transport directly, as long as the reader keeps up (less than DIRECT_WRITE_BELOW unsent);
    otherwise it queues. Elsewhere the ASGI send coroutine is stepped by hand: a send only
    suspends when the transport's buffer is full, so most frames cost no task switch; a send
    that does suspend is handed to the writer task, and later frames queue behind it.
    """

    __slots__ = (
        "_blocked",
        "_buffered",
        "_close",
        "_send",
        "_write",
        "close_code",
        "close_reason",
        "floors",
        "frames",
        "lock",
        "replayed",
        "topics",
        "wakeup",
    )

    def __init__(self, send: SendText, close: Close, writer: FrameWriter | None = None) -> None:
        self._send = send
        self._close = close
        self._write = writer["write"] if writer else None
        self._buffered = writer["buffered"] if writer else None
        self._blocked: tuple[Coroutine[Any, Any, None], Any] | None = None
        self.frames: deque[tuple[int, str]] = deque()
        self.wakeup = asyncio.Event()
        self.lock = asyncio.Lock()
        self.topics: set[str] = set()
        self.replayed: set[int] = set()
        # Per topic, the `since` the client sent: it has every event up to there already.
        self.floors: dict[str, int] = {}
        self.close_code: int | None = None
        self.close_reason = ""

    @property
    def writes_frames(self) -> bool:
        return self._write is not None

    def deliver(self, event_id: int, text: str, frame: bytes) -> None:
        """Send `text` (whose WebSocket frame is `frame`) now, or queue it behind earlier ones."""
        if self.close_code is not None:
            return
        if not self.frames and self._blocked is None and not self.lock.locked():
            if event_id in self.replayed:
                return
            if self._write is None or self._buffered is None:
                self._send_eagerly(text)
                return
            if self._buffered() < DIRECT_WRITE_BELOW:
                if not self._write(frame):
                    self.end(1011)  # closing already; the receive loop sees the disconnect
                return
            # The reader is behind: the frame waits in the queue for the writer task.
        if len(self.frames) >= QUEUE_LIMIT:
            self.end(4000)
            return
        self.frames.append((event_id, text))
        self.wakeup.set()

    def _send_eagerly(self, text: str) -> None:
        coroutine = self._send(text)
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return
        except Exception:
            self.end(1011)  # the peer is gone; the receive loop sees the disconnect
            return
        self._blocked = (coroutine, waiting_on)
        self.wakeup.set()

    def end(self, code: int, reason: str = "") -> None:
        if self.close_code is None:
            self.close_code = code
            self.close_reason = reason
            self.frames.clear()
            self.wakeup.set()

    async def send_now(self, text: str) -> None:
        await self._send(text)

    async def run(self, settled: Callable[[int], bool]) -> None:
        """Send queued frames in order, skipping ids the replay sent already; close on end()."""
        try:
            while True:
                await self.wakeup.wait()
                self.wakeup.clear()
                async with self.lock:
                    if self._blocked is not None:
                        await _finish(*self._blocked)
                        self._blocked = None
                    while self.frames and self.close_code is None:
                        event_id, text = self.frames.popleft()
                        if event_id in self.replayed:
                            continue
                        await self._send(text)
                    if self.replayed and settled(max(self.replayed)):
                        self.replayed = set()
                if self.close_code is not None:
                    await self._close(self.close_code, self.close_reason)
                    return
        except Exception:  # WebSocketDisconnect, OSError: the peer went away mid-send
            self.close_code = self.close_code or 1006


async def _finish(coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    """Drive a coroutine that suspended during an eager step to its end, as a Task would."""
    while True:
        if isinstance(waiting_on, asyncio.Future):
            await asyncio.wait([waiting_on])
        else:
            await asyncio.sleep(0)  # a bare yield
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return


class Fanout:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.high_water = 0
        self._gaps: dict[int, float] = {}
        self._by_topic: dict[str, set[Connection]] = {}
        self.connections: set[Connection] = set()
        self._pending: set[int] = set()
        self._catch_up = False
        self._wake = asyncio.Event()
        self._stopped = False
        self._ready: deque[Event] = deque()  # chosen for delivery, in order, not yet sent
        self._sending: asyncio.Task[None] | None = None
        self._in_flight: Event | None = None  # the event being sent, between chunks

    # -- sockets ---------------------------------------------------------------------------
    def add(self, connection: Connection, topics: Iterable[str]) -> None:
        self.connections.add(connection)
        for topic in topics:
            connection.topics.add(topic)
            self._by_topic.setdefault(topic, set()).add(connection)

    def remove(self, connection: Connection) -> None:
        self.connections.discard(connection)
        for topic in connection.topics:
            listeners = self._by_topic.get(topic)
            if listeners is not None:
                listeners.discard(connection)
                if not listeners:
                    del self._by_topic[topic]

    def settled(self, event_id: int) -> bool:
        """Every id up to event_id has been seen (or given up on) by this process and sent to
        the sockets that listened when its turn came."""
        return (
            self.high_water >= event_id
            and not any(g <= event_id for g in self._gaps)
            and not (self._in_flight is not None and self._in_flight.id <= event_id)
            and not any(e.id <= event_id for e in self._ready)
        )

    # -- ids in ----------------------------------------------------------------------------
    async def on_ids(self, event_ids: Sequence[int]) -> None:
        """Hub listener: ids of committed events; an empty list asks for a catch-up."""
        if event_ids:
            self._pending.update(event_ids)
        else:
            self._catch_up = True
        self._wake.set()

    def committed(self, committed: Committed) -> None:
        """A `Database.commit_listeners` entry: the events this process committed go out
        without being read back from the outbox. They count as seen at once, so the hub's
        message with their ids finds them seen even when the fan-out, already awake, takes it
        before the loop's next turn; the sending itself is the fan-out's own task, not the
        writer's request."""
        if committed.events:
            self._deliver(cast(list[Event], list(committed.events)))

    async def start(self) -> None:
        async with self.db.reading() as session:
            self.high_water = await queries.latest_event_id(session)

    def stop(self) -> None:
        """`run` returns once the batch it is loading, if any, is delivered."""
        self._stopped = True
        self._wake.set()

    async def run(self, poll_interval: Callable[[], float]) -> None:
        """Deliver batches; poll the outbox on a timer too (often while Redis is away)."""
        while not self._stopped:
            try:
                await asyncio.wait_for(self._wake.wait(), poll_interval())
            except TimeoutError:
                self._catch_up = True
            if self._stopped:
                break
            self._wake.clear()
            ids, self._pending = self._pending, set()
            catch_up, self._catch_up = self._catch_up, False
            try:
                await self._load(ids, catch_up)
            except Exception as error:
                if not unreachable.watch(self.db).noted(error):
                    log.exception("live: loading events failed; retrying with the next poll")
                self._pending.update(ids)
                self._catch_up = True
                await asyncio.sleep(0.5)
        if self._sending is not None:
            await self._sending

    async def _load(self, ids: set[int], catch_up: bool) -> None:
        self._expire_gaps()
        wanted = {i for i in ids if i > self.high_water or i in self._gaps}
        async with self.db.reading() as session:
            if catch_up:
                while True:
                    events = await queries.events_after(
                        session, self.high_water, {*self._gaps, *wanted}, BATCH
                    )
                    self._deliver(events)
                    if len(events) < BATCH:
                        break
            elif wanted:
                self._deliver(await queries.events_with_ids(session, wanted))

    def _expire_gaps(self) -> None:
        now = time.monotonic()
        for gap in [g for g, seen in self._gaps.items() if now - seen > GAP_TTL]:
            del self._gaps[gap]

    def _deliver(self, events: Sequence[Event]) -> None:
        """Choose the events not seen yet (in the order given) and have them sent in order."""
        now = time.monotonic()
        for event in events:
            if event.id > self.high_water:
                if len(self._gaps) < MAX_GAPS:
                    for missing in range(self.high_water + 1, min(event.id, self.high_water + 100)):
                        self._gaps[missing] = now
                self.high_water = event.id
            elif self._gaps.pop(event.id, None) is None:
                continue  # seen already: a publish and a catch-up may both bring it
            self._ready.append(event)
        if self._ready and self._sending is None:
            self._sending = asyncio.get_running_loop().create_task(self._send_ready())

    async def _send_ready(self) -> None:
        """One event after the other, so every socket hears them in order."""
        try:
            while self._ready:
                self._in_flight = self._ready.popleft()
                await self.dispatch(self._in_flight)
        finally:
            self._sending = self._in_flight = None

    async def dispatch(self, event: Event) -> None:
        listeners = self._by_topic.get(event.topic)
        if not listeners:
            return
        if event.type == CLOSES_SESSION:
            for connection in list(listeners):
                connection.end(4001)
            return
        text = encode(event)
        frame = text_frame(text.encode())
        connections = list(listeners)
        for start in range(0, len(connections), CHUNK):
            if start:
                await asyncio.sleep(0)  # others' turn; a socket added meanwhile had a replay
            for connection in connections[start : start + CHUNK]:
                # An event committed before the client subscribed may be dispatched after it
                # did.
                if connection.floors and event.id <= connection.floors.get(event.topic, 0):
                    continue
                connection.deliver(event.id, text, frame)

    def broadcast(self, text: str) -> None:
        """Heartbeat: a frame without an id to every socket of this process."""
        frame = text_frame(text.encode())
        for connection in list(self.connections):
            connection.deliver(0, text, frame)


def frame_of(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"))
