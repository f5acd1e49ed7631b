"""Fan-out of committed event ids between processes: in-process, or one Redis subscription.

The payload is only ids; every process loads the events from the outbox once per batch. A hub
calls its listener with the published ids, and with an empty list after (re)connecting, which
means "catch up from the outbox": pub/sub keeps nothing for a subscriber that was away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from dialog.outage import Outage

Listener = Callable[[Sequence[int]], Awaitable[None]]
log = logging.getLogger("dialog.live")


class Hub(Protocol):
    connected: bool

    def listen(self, listener: Listener) -> None: ...
    async def publish(self, event_ids: Sequence[int]) -> None: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def ready(self) -> bool: ...


class MemoryHub:
    """One process: published ids go straight to the local listeners."""

    connected = True

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def publish(self, event_ids: Sequence[int]) -> None:
        for listener in self._listeners:
            await listener(event_ids)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def ready(self) -> bool:
        return True


def _client(url: str) -> Redis:
    # No hidden retries: a failure must surface so the process knows it may have missed ids.
    return Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=2, retry=Retry(NoBackoff(), 0)
    )


class RedisHub:
    """Several processes: PUBLISH ids on one channel; each process holds one subscription."""

    def __init__(self, url: str, channel: str, *, max_delay: float = 2.0) -> None:
        self.channel = channel
        self.connected = False
        self._url = url
        self._publisher = _client(url)
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None
        self._max_delay = max_delay
        # While publishing fails, a post tries Redis at most every `max_delay` seconds (a
        # Redis that does not answer would otherwise cost each post the socket timeout).
        self.publishing = Outage("live: publishing to Redis", log, retry_seconds=max_delay)

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def publish(self, event_ids: Sequence[int]) -> None:
        """Never raises: the outbox holds the events, subscribers catch up when Redis is back."""
        if not self.publishing.due():
            return
        try:
            await self._publisher.publish(self.channel, ",".join(map(str, event_ids)))
        except (RedisError, OSError) as error:
            self.publishing.failed(str(error), "processes find new events by polling the outbox")
        else:
            self.publishing.recovered()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._subscribe_forever(), name="dialog-redis-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=5)
        await self._publisher.aclose()

    async def ready(self) -> bool:
        """Redis answers (then posts publish to it again at once)."""
        try:
            await self._publisher.ping()
        except (RedisError, OSError) as error:
            self.publishing.failed(str(error), "processes find new events by polling the outbox")
            return False
        self.publishing.recovered()
        return True

    async def _notify(self, event_ids: Sequence[int]) -> None:
        for listener in self._listeners:
            await listener(event_ids)

    async def _subscribe_forever(self) -> None:
        delay = 0.1
        lost = False  # logged once when the subscription goes, once when it is back
        while True:
            client = Redis.from_url(
                self._url, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0)
            )
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                self.connected = True
                if lost:
                    log.warning("live: Redis subscription back; catching up from the outbox")
                    lost = False
                delay = 0.1
                await self._notify([])
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        await pubsub.ping()
                    elif message["type"] == "message":
                        await self._notify(_ids(message["data"]))
            except (RedisError, OSError) as error:
                if not lost:
                    log.warning("live: Redis subscription lost (%s); polling the outbox", error)
                    lost = True
            finally:
                self.connected = False
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
                with contextlib.suppress(RedisError, OSError):
                    await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_delay)


def _ids(raw: bytes | str) -> list[int]:
    text = raw.decode() if isinstance(raw, bytes) else raw
    return [int(part) for part in text.split(",") if (part.isascii() and part.isdigit())]
