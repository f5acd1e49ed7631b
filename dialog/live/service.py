"""The live part of one process: its hub, its fan-out, heartbeat and outbox pruning."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dialog import unreachable
from dialog.db import Database, utcnow
from dialog.live import actions, queries
from dialog.live.fanout import Connection, Fanout, encode, frame_of
from dialog.live.hub import Hub, MemoryHub, RedisHub
from dialog.live.limits import SocketsPerAddress
from dialog.settings import Settings

log = logging.getLogger("dialog.live")

STOP_SECONDS = 5.0
HEARTBEAT_SECONDS = 25.0
PRUNE_SECONDS = 3600.0
POLL_SECONDS_DEGRADED = 0.5  # while Redis is away: look for new ids in the outbox
POLL_SECONDS_HEALTHY = 10.0  # a safety net for a publish that never reached Redis
REPLAY_LIMIT = 1_000  # more missed events than this: the client reloads instead
PING = frame_of({"type": "ping"})
RESET = frame_of({"type": "reset"})


def make_hub(settings: Settings) -> Hub:
    if settings.redis_url:
        return RedisHub(settings.redis_url, f"{settings.redis_namespace}:events")
    return MemoryHub()


class Live:
    heartbeat_seconds = HEARTBEAT_SECONDS

    def __init__(self, settings: Settings, db: Database, hub: Hub) -> None:
        self.settings = settings
        self.db = db
        self.hub = hub
        self.fanout = Fanout(db)
        self.sockets = SocketsPerAddress(
            settings.live_sockets_per_address, settings.live_signed_in_sockets_per_address
        )
        hub.listen(self.fanout.on_ids)
        db.commit_listeners.append(self.fanout.committed)
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        await self.fanout.start()
        await self.hub.start()
        self._tasks = [
            asyncio.create_task(self.fanout.run(self._poll_interval), name="dialog-fanout"),
            asyncio.create_task(self._heartbeat(), name="dialog-heartbeat"),
            asyncio.create_task(self._prune_forever(), name="dialog-prune"),
        ]

    async def stop(self) -> None:
        """Let the fan-out and the pruning finish what they are reading or writing (a database
        call cancelled midway can leave its connection behind), then cancel what is left."""
        self._stopping.set()
        self.fanout.stop()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=STOP_SECONDS)
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded: a task cancelled in the middle of opening a database connection must not
            # hold up the shutdown of the whole process.
            await asyncio.wait(self._tasks, timeout=STOP_SECONDS)
        for connection in list(self.fanout.connections):
            connection.end(1001)
        await self.hub.stop()

    def _poll_interval(self) -> float:
        return POLL_SECONDS_HEALTHY if self.hub.connected else POLL_SECONDS_DEGRADED

    async def _heartbeat(self) -> None:
        while not await self._stopped_within(self.heartbeat_seconds):
            self.fanout.broadcast(PING)

    async def _prune_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.prune()
            except Exception as error:
                if not unreachable.watch(self.db).noted(error):
                    log.exception("live: pruning the outbox failed")
            await self._stopped_within(PRUNE_SECONDS)

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait up to `seconds`; True as soon as the service stops."""
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def prune(self) -> int:
        cutoff = utcnow() - timedelta(days=self.settings.event_retention_days)
        async with self.db.unit_of_work() as uow:
            return await actions.do_prune_events(uow, cutoff)

    async def subscribe(
        self, connection: Connection, topics: Sequence[str], since: int | None
    ) -> None:
        """Listen from now on; with `since`, first replay newer events of these topics in id
        order. Live frames that arrive meanwhile wait in the queue; replayed ids are skipped."""
        async with connection.lock:
            if since is not None:
                connection.floors.update(dict.fromkeys(topics, since))
            self.fanout.add(connection, topics)
            if since is None:
                return
            async with self.db.reading() as session:
                if since > 0 and await self._too_old(session, since):
                    await connection.send_now(RESET)
                    return
                events = await queries.replay(session, topics, since, REPLAY_LIMIT + 1)
            if len(events) > REPLAY_LIMIT:
                await connection.send_now(RESET)
                return
            for event in events:
                connection.replayed.add(event.id)
                await connection.send_now(encode(event))

    async def _too_old(self, session: AsyncSession, since: int) -> bool:
        """The cursor's event was pruned, or is older than the retention window."""
        created = await queries.created_at_of(session, since)
        if created is None:
            return since <= await queries.latest_event_id(session)
        return created < utcnow() - timedelta(days=self.settings.event_retention_days)
