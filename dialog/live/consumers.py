"""Durable consumers of the outbox: each reads `events` from its own stored position.

A consumer handles each event at least once. Its effects and its new position are written in
one transaction, so a crash repeats events but never loses one; handlers are idempotent (they
key their effects by event id). Several processes may run the same consumer: its position row
is the lock (FOR UPDATE SKIP LOCKED on PostgreSQL, so a process that finds it taken skips the
round; on SQLite the unit of work's write lock lets one writer in at a time).

A transaction that took its event id earlier may commit after later ones were handled. The
missing ids below the position are kept as gaps and looked for again for GAP_TTL seconds, as
the live fan-out does (dialog/live/fanout.py), so such an event is handled late, not lost.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dialog import unreachable
from dialog.db import Database, UnitOfWork, utcnow
from dialog.live.models import ConsumerPosition, Event

log = logging.getLogger("dialog.live.consumers")

BATCH = 500
GAP_TTL = 300.0  # seconds a missing id below the position is still looked for
MAX_GAPS = 1_000
MAX_FAILURES = 5  # attempts at one event before it is skipped (and logged as an error)


class Consumer(Protocol):
    """Something that turns events into effects (notifications, jobs, mail)."""

    @property
    def name(self) -> str: ...

    @property
    def types(self) -> Collection[str]:
        """The event types it handles; the position moves over all others."""
        ...

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        """Write the effects of `events` (in id order) in `uow`; repeats must change nothing."""
        ...


@dataclass(frozen=True)
class Round:
    seen: int  # events the position moved over
    handled: int  # of those, the ones handed to the consumer
    busy: bool = False  # another process holds the consumer right now


async def start_position(db: Database, name: str) -> None:
    """A new consumer starts at the newest event: it handles what happens from now on."""
    async with db.reading() as session:
        if await session.get(ConsumerPosition, name) is not None:
            return
    try:
        async with db.unit_of_work() as uow:
            latest = await uow.session.scalar(select(func.max(Event.id))) or 0
            uow.session.add(ConsumerPosition(name=name, position=latest, gaps={}, failures=0))
    except IntegrityError:  # another process created it first
        return


async def run_round(db: Database, consumer: Consumer, batch: int = BATCH) -> Round:
    """Hand the next batch of events to the consumer and store how far it came."""
    return (await run_rounds(db, [consumer], batch))[consumer.name]


async def run_rounds(
    db: Database, consumers: Sequence[Consumer], batch: int = BATCH
) -> dict[str, Round]:
    """One round of each consumer, all in one transaction with as few statements as it can.

    What is new is looked up first without the positions' locks, so a round that finds
    nothing writes nothing. One transaction for all, and the positions locked in one statement:
    on SQLite the whole transaction holds the database's one write lock, which writers of other
    processes wait for, and each statement waits for a turn of an event loop that the live
    fan-out may keep busy; a round of three consumers had been three transactions, then one
    with a savepoint, a lock and a release each (16 statements for one burst of comments).

    A consumer that fails costs the others nothing: the transaction is rolled back and the
    round runs again without it; its failure is counted (and its events tried again later).
    """
    idle = {consumer.name: Round(0, 0) for consumer in consumers}
    rounds = dict(idle)
    failed: list[str] = []
    try:
        async with db.reading() as session:
            looks = await _looks(session, [c.name for c in consumers], batch)
        due = [c for c in consumers if _has_work(looks[c.name])]
        while due:
            try:
                rounds.update(await _round(db, due, looks, batch))
                break
            except _Failed as failure:
                log.error(
                    "consumer %s failed; its events are tried again",
                    failure.name,
                    exc_info=failure.__cause__,
                )
                failed.append(failure.name)
                due = [c for c in due if c.name != failure.name]
    except Exception as error:
        # A database outage is one line for all the work that meets it (dialog.unreachable),
        # and no failure of a consumer's own: its events simply wait.
        if not unreachable.watch(db).noted(error):
            log.exception("consumers: the round's transaction failed; its events wait")
        return idle
    for name in failed:
        await _count_failure(db, name)
    return rounds


class _Plan(NamedTuple):
    """A consumer in a round: its locked position, the gaps still looked for, what is new."""

    consumer: Consumer
    row: ConsumerPosition
    gaps: dict[str, float]
    seen: list[tuple[int, str]]


class _Failed(Exception):
    """A consumer's handler raised: the round's transaction is rolled back."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


async def _round(
    db: Database,
    consumers: Sequence[Consumer],
    looks: dict[str, _Look | None],
    batch: int,
) -> dict[str, Round]:
    """The consumers' round in one transaction: their positions locked in one statement (a
    position another process holds is busy), the events they want read in one, then each
    consumer's effects, and the moved positions written together at COMMIT. On SQLite the
    transaction runs at once, in one burst off the event loop (Database.at_once): the lock it
    holds never waits for a turn of a loop that the live fan-out keeps busy."""
    return await db.at_once(functools.partial(_round_in, db, consumers, looks, batch))


async def _round_in(
    db: Database,
    consumers: Sequence[Consumer],
    looks: dict[str, _Look | None],
    batch: int,
    uow: UnitOfWork,
) -> dict[str, Round]:
    rounds: dict[str, Round] = {}
    rows = await _lock(uow, [c.name for c in consumers])
    now = time.time()
    plans: list[_Plan] = []
    for consumer in consumers:
        row = rows.get(consumer.name)
        if row is None:
            rounds[consumer.name] = Round(0, 0, busy=True)
            continue
        gaps = _live_gaps(row.gaps, now)
        looked = looks[consumer.name]
        if looked is not None and looked.matches(row):
            seen = looked.seen
        else:  # another process moved the position meanwhile
            seen = await _range(uow.session, row.position, gaps, 1 if row.failures else batch)
        plans.append(_Plan(consumer, row, gaps, seen))
    # Read under the lock: an event redacted since the look is handled as it is now.
    wanted = {
        consumer.name: [event_id for event_id, type_ in seen if type_ in consumer.types]
        for consumer, _, _, seen in plans
    }
    events = await _events(uow, sorted({i for ids in wanted.values() for i in ids}))
    for consumer, row, gaps, seen in plans:
        if not seen:
            if gaps != row.gaps:
                row.gaps = gaps
            rounds[consumer.name] = Round(0, 0)
            continue
        handed = [events[i] for i in wanted[consumer.name] if i in events]
        if handed:
            try:
                await consumer.handle(uow, handed)
            except Exception as error:
                if unreachable.watch(db).noted(error):
                    raise
                raise _Failed(consumer.name) from error
        row.position, row.gaps = advance(row.position, gaps, [i for i, _ in seen], now)
        row.failures = 0
        row.updated_at = utcnow()
        rounds[consumer.name] = Round(len(seen), len(handed))
    return rounds


def _has_work(looked: _Look | None) -> bool:
    return looked is None or bool(looked.seen) or looked.gaps != looked.stored_gaps


@dataclass(frozen=True)
class _Look:
    """A consumer's position and the events after it, as read without its lock."""

    position: int
    stored_gaps: dict[str, float]
    gaps: dict[str, float]  # the stored ones still looked for
    failures: int
    seen: list[tuple[int, str]]

    def matches(self, row: ConsumerPosition) -> bool:
        return (row.position, row.gaps, row.failures) == (
            self.position,
            self.stored_gaps,
            self.failures,
        )


async def _looks(
    session: AsyncSession, names: Sequence[str], batch: int
) -> dict[str, _Look | None]:
    """Each consumer's position and the events after it: the positions in one statement, and
    one range per distinct position (the consumers of a process usually stand together)."""
    rows = {
        row.name: row
        for row in await session.scalars(
            select(ConsumerPosition).where(ConsumerPosition.name.in_(names))
        )
    }
    now = time.time()
    ranges: dict[tuple[int, tuple[str, ...], int], list[tuple[int, str]]] = {}
    looks: dict[str, _Look | None] = {}
    for name in names:
        row = rows.get(name)
        if row is None:
            looks[name] = None
            continue
        gaps = _live_gaps(row.gaps, now)
        size = 1 if row.failures else batch
        key = (row.position, tuple(sorted(gaps)), size)
        if key not in ranges:
            ranges[key] = await _range(session, row.position, gaps, size)
        looks[name] = _Look(row.position, dict(row.gaps), gaps, row.failures, ranges[key])
    return looks


def advance(
    position: int, gaps: dict[str, float], seen: Sequence[int], now: float
) -> tuple[int, dict[str, float]]:
    """The position after handling `seen` (ascending ids above the position, or old gaps)."""
    remaining = {key: at for key, at in gaps.items() if int(key) not in set(seen)}
    for event_id in seen:
        if event_id <= position:
            continue
        if len(remaining) < MAX_GAPS:
            for missing in range(position + 1, min(event_id, position + 100)):
                remaining[str(missing)] = now
        position = event_id
    return position, remaining


def _live_gaps(gaps: dict[str, float], now: float) -> dict[str, float]:
    return {key: at for key, at in gaps.items() if now - at <= GAP_TTL}


async def _lock(uow: UnitOfWork, names: Sequence[str]) -> dict[str, ConsumerPosition]:
    """The positions of `names` that no other process holds right now, locked until COMMIT."""
    rows = await uow.session.scalars(
        select(ConsumerPosition)
        .where(ConsumerPosition.name.in_(names))
        .with_for_update(skip_locked=True)
    )
    return {row.name: row for row in rows}


async def _range(
    session: AsyncSession, position: int, gaps: dict[str, float], limit: int
) -> list[tuple[int, str]]:
    condition = Event.id > position
    if gaps:
        condition = or_(condition, Event.id.in_(sorted(int(key) for key in gaps)))
    rows = await session.execute(
        select(Event.id, Event.type).where(condition).order_by(Event.id).limit(limit)
    )
    return [(event_id, type_) for event_id, type_ in rows]


async def _events(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, Event]:
    """The events with these ids, by id (an id pruned meanwhile is missing)."""
    if not ids:
        return {}
    return {e.id: e for e in await uow.session.scalars(select(Event).where(Event.id.in_(ids)))}


async def _count_failure(db: Database, name: str) -> None:
    """Count a failed round; after MAX_FAILURES rounds of one event, move past that event."""
    try:
        async with db.unit_of_work() as uow:
            row = (await _lock(uow, [name])).get(name)
            if row is None:
                return
            row.failures += 1
            if row.failures < MAX_FAILURES:
                return
            seen = await _range(uow.session, row.position, _live_gaps(row.gaps, time.time()), 1)
            if seen:
                log.error(
                    "consumer %s skips event %s after %s failures", name, seen[0][0], MAX_FAILURES
                )
                row.position, row.gaps = advance(row.position, row.gaps, [seen[0][0]], time.time())
            row.failures = 0
    except Exception:
        log.exception("consumer %s: counting a failure failed", name)
