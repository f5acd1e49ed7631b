"""The background work of one process, in one place: outbox consumers and periodic jobs.

Every part that works in the background registers here instead of growing its own loop:
consumers of the outbox (dialog/live/consumers.py) run when events are committed, in this
process (a commit listener) or in another (the hub's ids), and at least every POLL_SECONDS;
periodic jobs (hand-over deliveries, mail, deadlines, digests) run every so many seconds.
A failing round is logged and tried again; it never ends the loop. Several processes run the
same work safely: consumers lock their position, jobs lock their rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from dialog import unreachable
from dialog.db import Committed, Database
from dialog.live.consumers import BATCH, Consumer, run_rounds, start_position

log = logging.getLogger("dialog.background")

POLL_SECONDS = 5.0  # consumers look for events of other processes at least this often
# After a round, consumers rest this long: the events of a burst are handled in one round
# (one transaction for all consumers) instead of one each. The first event after a quiet moment is
# handled at once. Without the rest, 20 events/s woke every consumer 20 times a second, and
# their write transactions competed with the live fan-out for the event loop and with the
# writers for the database (issue 17: p99 of the fan-out 183 ms against 35 ms for a relay).
SETTLE_SECONDS = 1.0
STOP_SECONDS = 5.0

Job = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: float
    run: Job
    woken_by: str | None = None  # a topic: a commit of this process that touches it runs it
    at_start: bool = False  # run once when the process starts (work left by a restart)


class Background:
    def __init__(
        self,
        db: Database,
        *,
        poll_seconds: float = POLL_SECONDS,
        settle_seconds: float = SETTLE_SECONDS,
    ) -> None:
        self.db = db
        self.consumers: list[Consumer] = []
        self.periodic: list[Periodic] = []
        self.poll_seconds = poll_seconds
        self.settle_seconds = settle_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._kicks: dict[str, asyncio.Event] = {}

    # -- registration (by the composition root, before start) --------------------------------
    def consume(self, consumer: Consumer) -> None:
        self.consumers.append(consumer)

    def every(
        self,
        name: str,
        seconds: float,
        run: Job,
        *,
        woken_by: str | None = None,
        at_start: bool = False,
    ) -> None:
        self.periodic.append(Periodic(name, seconds, run, woken_by, at_start))
        self._kicks[name] = asyncio.Event()

    # -- wake-ups --------------------------------------------------------------------------
    def committed(self, committed: Committed) -> None:
        """A `Database.commit_listeners` entry: events of this process wake the consumers, a
        touched topic the periodic jobs woken by it."""
        if committed.events:
            self._wake.set()
        for job in self.periodic:
            if job.woken_by is not None and job.woken_by in committed.topics:
                self._kicks[job.name].set()

    async def on_ids(self, event_ids: Sequence[int]) -> None:
        """A hub listener: events committed by any process (empty: after a reconnect)."""
        self._wake.set()

    def kick(self, name: str) -> None:
        """Run the periodic job `name` now (e.g. mail was queued) instead of at its next turn."""
        event = self._kicks.get(name)
        if event is not None:
            event.set()

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        for consumer in self.consumers:
            await start_position(self.db, consumer.name)
        if self.consumers:
            self._tasks.append(asyncio.create_task(self._consume_forever(), name="consumers"))
        for job in self.periodic:
            if job.at_start:
                self._kicks[job.name].set()
            self._tasks.append(asyncio.create_task(self._every(job), name=job.name))

    async def stop(self) -> None:
        """Let running rounds finish (a database call cancelled midway can leave its
        connection behind), then cancel what is left."""
        self._stopping.set()
        self._wake.set()
        for event in self._kicks.values():
            event.set()
        if not self._tasks:
            return
        await asyncio.wait(self._tasks, timeout=STOP_SECONDS)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def drain(self) -> int:
        """Run every consumer until it has caught up; returns the events handed over."""
        handled = 0
        pending = list(self.consumers)
        while pending:  # one transaction per round of all consumers (dialog.live.consumers)
            rounds = await run_rounds(self.db, pending)
            handled += sum(result.handled for result in rounds.values())
            pending = [
                c for c in pending if not rounds[c.name].busy and rounds[c.name].seen >= BATCH
            ]
        return handled

    async def _consume_forever(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            if self._stopping.is_set():
                return
            try:
                await self.drain()
            except Exception as error:  # the loop must survive a bad moment of the database
                self._log_failure("consumers", error)
                await asyncio.sleep(1)
            with contextlib.suppress(TimeoutError):  # rest; events meanwhile set _wake
                await asyncio.wait_for(self._stopping.wait(), self.settle_seconds)

    async def _every(self, job: Periodic) -> None:
        kick = self._kicks[job.name]
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(kick.wait(), job.seconds)
            kick.clear()
            if self._stopping.is_set():
                return
            try:
                await job.run()
            except Exception as error:
                self._log_failure(job.name, error)

    def _log_failure(self, name: str, error: Exception) -> None:
        """A database outage is one line for all the work that meets it (dialog.unreachable);
        anything else is a bug worth its traceback."""
        if not unreachable.watch(self.db).noted(error):
            log.exception("background: %s failed", name, exc_info=error)
