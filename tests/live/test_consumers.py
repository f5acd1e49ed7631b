"""Durable consumers of the outbox: at least once, idempotent, position stored with the effect."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.background import Background
from dialog.db import Database, UnitOfWork, utcnow
from dialog.live import consumers
from dialog.live.consumers import run_round, run_rounds, start_position
from dialog.live.models import ConsumerPosition, Event
from dialog.live.service import Live
from dialog.notifications.models import Notification
from dialog.settings import PROJECT_ROOT
from tests.discussion.helpers import counting_queries
from tests.live.consumer_process import Counting
from tests.live.harness import emit


class Recording:
    """Keeps one notification per event (looked up first: a repeat changes nothing) and
    remembers what it was handed."""

    name = "recording"
    types = frozenset({"test.happened"})

    def __init__(self, user_id: int, fail_on: int | None = None) -> None:
        self.user_id = user_id
        self.fail_on = fail_on
        self.handed: list[int] = []

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        for event in events:
            self.handed.append(event.id)
            title = f"event {event.id}"
            known = await uow.session.scalar(
                select(Notification.id).where(
                    Notification.user_id == self.user_id, Notification.title == title
                )
            )
            if known is None:
                uow.session.add(Notification(user_id=self.user_id, kind="test", title=title))
            await uow.session.flush()
            if event.id == self.fail_on:
                raise RuntimeError("the consumer broke on this event")


@pytest.fixture
async def reader(make_user: Callable[..., Awaitable[User]]) -> User:
    return await make_user()


@pytest.fixture
def live(app: Starlette) -> Live:
    service: Live = app.state.services.live
    return service


async def effects(db: Database) -> list[str]:
    async with db.reading() as session:
        return list(
            (await session.scalars(select(Notification.title).order_by(Notification.id))).all()
        )


async def position_of(db: Database, name: str) -> int:
    async with db.reading() as session:
        row = await session.get(ConsumerPosition, name)
        assert row is not None
        return row.position


async def test_a_new_consumer_starts_at_the_newest_event(db: Database) -> None:
    await emit(db, "thread:1")
    latest = await emit(db, "thread:1")
    await start_position(db, "recording")
    assert await position_of(db, "recording") == latest


async def test_each_event_is_handled_once_in_id_order_and_others_are_passed_over(
    db: Database, reader: User
) -> None:
    consumer = Recording(reader.id)
    await start_position(db, consumer.name)
    ids = [await emit(db, "thread:1", n=n) for n in range(3)]
    other = await emit(db, "thread:1", "test.other")
    last = await emit(db, "thread:2", n=3)

    first = await run_round(db, consumer)
    again = await run_round(db, consumer)

    assert (first.seen, first.handled) == (5, 4)
    assert (again.seen, again.handled) == (0, 0)
    assert consumer.handed == [*ids, last]
    assert await effects(db) == [f"event {i}" for i in [*ids, last]]
    assert await position_of(db, consumer.name) == last
    assert other not in consumer.handed


async def test_a_failing_round_keeps_none_of_its_effects_and_hands_the_events_over_again(
    db: Database, reader: User
) -> None:
    await start_position(db, "recording")
    ids = [await emit(db, "thread:1", n=n) for n in range(3)]
    broken = Recording(reader.id, fail_on=ids[1])

    assert (await run_round(db, broken)).handled == 0
    assert await effects(db) == []

    mended = Recording(reader.id)
    while (await run_round(db, mended)).seen:
        pass
    assert mended.handed == ids  # one at a time after a failure, all of them
    assert await effects(db) == [f"event {i}" for i in ids]


async def test_a_crash_between_effect_and_position_repeats_the_event_and_the_repeat_changes_nothing(
    db: Database, reader: User
) -> None:
    consumer = Recording(reader.id)
    await start_position(db, consumer.name)
    start = await position_of(db, consumer.name)
    ids = [await emit(db, "thread:1", n=n) for n in range(2)]
    await run_round(db, consumer)
    # The position write is lost (a crash after the effects): the stored position goes back.
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(ConsumerPosition)
            .where(ConsumerPosition.name == consumer.name)
            .values(position=start)
        )

    await run_round(db, consumer)

    assert consumer.handed == [*ids, *ids]
    assert await effects(db) == [f"event {i}" for i in ids]


async def test_an_event_that_keeps_failing_is_skipped_after_five_attempts(
    db: Database, reader: User
) -> None:
    await start_position(db, "recording")
    poison, fine = await emit(db, "thread:1", n=0), await emit(db, "thread:1", n=1)
    consumer = Recording(reader.id, fail_on=poison)
    for _ in range(consumers.MAX_FAILURES):
        await run_round(db, consumer)
    await run_round(db, consumer)
    assert await effects(db) == [f"event {fine}"]
    assert await position_of(db, consumer.name) == fine


async def test_an_event_committed_after_later_ones_were_handled_is_handled_late_not_lost(
    db: Database, reader: User
) -> None:
    consumer = Recording(reader.id)
    await start_position(db, consumer.name)
    first = await emit(db, "thread:1", n=0)
    # An id taken by a transaction that commits only after the next one was handled.
    late_id, later = first + 1, first + 2
    await _insert_event(db, later)
    await run_round(db, consumer)
    assert consumer.handed == [first, later]

    await _insert_event(db, late_id)
    await run_round(db, consumer)

    assert consumer.handed == [first, later, late_id]
    assert await effects(db) == [f"event {i}" for i in (first, later, late_id)]


async def test_committed_events_wake_the_background_consumers_at_once(
    db: Database, reader: User
) -> None:
    consumer = Recording(reader.id)
    background = Background(db, poll_seconds=3600)
    background.consume(consumer)
    db.commit_listeners.append(background.committed)
    await background.start()
    try:
        event_id = await emit(db, "thread:1")
        for _ in range(200):
            if consumer.handed:
                break
            await asyncio.sleep(0.01)
    finally:
        await background.stop()
    assert consumer.handed == [event_id]


class Named(Recording):
    """A Recording under a name of its own, so several run side by side."""

    def __init__(self, name: str, user_id: int, fail_on: int | None = None) -> None:
        super().__init__(user_id, fail_on)
        self.name = name


async def test_a_round_of_all_consumers_is_one_transaction_and_a_failing_one_costs_no_other(
    quiet: Database, reader: User
) -> None:
    """On SQLite each write transaction is a turn of the one write lock that writers of other
    processes wait for in SQLite's busy handler; one per round, not one per consumer. (The
    app's own background is stopped: its commits would count with ours.)"""
    db = quiet
    first = await emit(db, "thread:1", n=0)  # before the positions: they start after it
    failing = Named("c-failing", reader.id)
    kept = [Named(f"c{n}", reader.id) for n in range(3)]
    for consumer in [*kept, failing]:
        await start_position(db, consumer.name)
    event_id = await emit(db, "thread:1", n=1)
    failing.fail_on = event_id
    commits: list[int] = []

    def count(connection: object) -> None:
        commits.append(1)

    for engine in db.sync_engines:
        sa_event.listen(engine, "commit", count)
    try:
        rounds = await run_rounds(db, [kept[0], failing, *kept[1:]])
    finally:
        for engine in db.sync_engines:
            sa_event.remove(engine, "commit", count)

    assert first < event_id
    assert [rounds[c.name].handled for c in kept] == [1, 1, 1]
    assert rounds[failing.name].handled == 0
    assert len(commits) == 2  # the round's transaction, and counting the failure
    for consumer in kept:
        assert await position_of(db, consumer.name) == event_id
    assert await position_of(db, failing.name) == event_id - 1
    async with db.reading() as session:
        row = await session.get(ConsumerPosition, failing.name)
        assert row is not None and row.failures == 1
    assert await effects(db) == [f"event {event_id}"]  # the others' effect, once


class Quiet:
    """A consumer whose events cause nothing: what a round costs besides its effects."""

    types = frozenset({"test.happened"})

    def __init__(self, name: str) -> None:
        self.name = name
        self.handed: list[int] = []

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        self.handed.extend(event.id for event in events)


async def test_a_round_costs_the_same_statements_for_one_consumer_as_for_three(
    quiet: Database,
) -> None:
    """On SQLite the round's transaction holds the one write lock that every writer waits
    for, the shorter the fewer its statements: the positions are locked in one statement, the
    events read in one, the positions written in one, however many consumers share the round.
    (The app's own background is stopped: its rounds would count in the window.)"""
    db = quiet
    one, three = [Quiet("q-alone")], [Quiet(f"q{n}") for n in range(3)]
    for consumer in [*one, *three]:
        await start_position(db, consumer.name)
    event_id = await emit(db, "thread:1", n=1)
    counts = []
    for consumers_ in (one, three):
        with counting_queries(db) as statements:
            rounds = await run_rounds(db, consumers_)
        assert [rounds[c.name].handled for c in consumers_] == [1] * len(consumers_)
        assert all(c.handed == [event_id] for c in consumers_)
        counts.append(len(statements))
    assert counts[0] == counts[1]
    for consumer in [*one, *three]:
        assert await position_of(db, consumer.name) == event_id


class Batches(Recording):
    """Remembers which events came in which round."""

    def __init__(self, user_id: int) -> None:
        super().__init__(user_id)
        self.rounds: list[list[int]] = []

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        self.rounds.append([event.id for event in events])
        await super().handle(uow, events)


async def test_the_first_event_is_handled_at_once_and_a_burst_after_it_in_one_round(
    db: Database, reader: User
) -> None:
    """Consumers rest between rounds, so a burst costs one transaction per consumer and not
    one per event (each held the write lock the posters wait for on SQLite)."""
    consumer = Batches(reader.id)
    background = Background(db, poll_seconds=3600, settle_seconds=3.0)
    background.consume(consumer)
    db.commit_listeners.append(background.committed)
    await background.start()
    try:
        first = await emit(db, "thread:1")
        await _until(lambda: bool(consumer.rounds), seconds=2.5)  # before the rest is over
        burst = [await emit(db, "thread:1", n=n) for n in range(5)]
        await _until(lambda: len(consumer.handed) == 6, seconds=10)
    finally:
        await background.stop()
    assert consumer.rounds == [[first], burst]


async def _until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not in time"
        await asyncio.sleep(0.01)


async def test_pruning_keeps_the_events_a_consumer_has_not_handled_yet(
    db: Database, reader: User, live: Live, app: Starlette
) -> None:
    consumer = Recording(reader.id)
    await start_position(db, consumer.name)
    handled = await emit(db, "thread:1", n=0)
    await run_round(db, consumer)
    await app.state.services.background.drain()  # the app's own consumers handled it too
    waiting = await emit(db, "thread:1", n=1)
    async with db.unit_of_work() as uow:
        await uow.session.execute(update(Event).values(created_at=utcnow() - timedelta(days=30)))

    await live.prune()

    async with db.reading() as session:
        kept = (await session.scalars(select(Event.id))).all()
    assert list(kept) == [waiting]
    assert handled not in kept


async def test_two_processes_share_a_consumer_without_doing_any_event_twice(
    db: Database, reader: User, tmp_path: Path
) -> None:
    await start_position(db, Counting.name)
    stop = tmp_path / "stop"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.live.consumer_process",
                db.url,
                str(reader.id),
                str(stop),
            ],
            cwd=PROJECT_ROOT,
        )
        for _ in range(2)
    ]
    try:
        ids = []
        for n in range(60):
            ids.append(await emit(db, "thread:1", n=n))
            if n % 10 == 0:
                await asyncio.sleep(0.05)
        for _ in range(600):
            if await _count(db) >= len(ids) and await position_of(db, Counting.name) == ids[-1]:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.touch()
        for worker in workers:
            worker.wait(timeout=30)
    assert sorted(await effects(db)) == sorted(f"event {i}" for i in ids)
    assert all(worker.returncode == 0 for worker in workers)


async def _count(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(Notification)) or 0


async def _insert_event(db: Database, event_id: int) -> None:
    async with db.unit_of_work() as uow:
        uow.session.add(Event(id=event_id, topic="thread:1", type="test.happened", data={}))
