"""Fan-out of committed event ids to this process's listeners (in-process or via Redis)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

Listener = Callable[[Sequence[int]], Awaitable[None]]


class MemoryHub:
    """One process: published ids go straight to the local listeners."""

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
