"""The unit of work: one transaction, events published only after COMMIT, nothing on rollback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from dialog import migrate
from dialog.db import Committed, Database, UnitOfWork
from dialog.live.models import Event
from dialog.procedures.models import Department
from dialog.settings import Settings
from tests import backends
from tests.any_events import emit_any


@pytest.fixture
def published() -> list[int]:
    return []


@pytest.fixture
async def database(
    settings: Settings, published: list[int], backend: backends.Backend
) -> AsyncIterator[Database]:
    async def publish(ids: Sequence[int]) -> None:
        published.extend(ids)

    database = Database(settings.database_url, publisher=publish)
    yield database
    await database.dispose()  # every connection closed on the test's own loop
    await backends.clean(backend)


async def test_events_are_published_after_commit(database: Database, published: list[int]) -> None:
    async with database.unit_of_work() as uow:
        event = await emit_any(uow, "thread:1", "comment.published", id=1)
        assert published == []  # nothing leaves before COMMIT
    assert published == [event.id]
    await database.dispose()


async def test_commit_listeners_hear_every_commit_with_its_events_and_topics_after_it_only(
    database: Database, published: list[int]
) -> None:
    heard: list[Committed] = []
    database.commit_listeners.append(heard.append)
    async with database.unit_of_work() as uow:
        first = await emit_any(uow, "thread:1", "comment.published", id=1)
        second = await emit_any(uow, "moderation", "flag.created", id=1)
        uow.touch("thread:2")  # changed without an event
        assert heard == []
    assert [(list(c.events), c.topics) for c in heard] == [
        ([first, second], frozenset({"thread:1", "moderation", "thread:2"}))
    ]
    assert published == [first.id, second.id]
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as uow:
            uow.touch("thread:3")
            raise RuntimeError("half-way")
    assert len(heard) == 1  # a rolled-back unit of work: nobody is told
    async with database.unit_of_work() as uow:
        uow.session.add(Department(slug="y", name="Y"))  # no topic: told that it committed
    assert len(heard) == 2 and heard[1] == Committed([], frozenset())
    await database.dispose()


async def test_a_failed_unit_of_work_writes_and_publishes_nothing(
    database: Database, published: list[int]
) -> None:
    async with database.reading() as session:
        events_before = await session.scalar(select(func.count()).select_from(Event))
        departments_before = await session.scalar(select(func.count()).select_from(Department))
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as uow:
            uow.session.add(Department(slug="x", name="X"))
            await emit_any(uow, "thread:1", "comment.published", id=1)
            raise RuntimeError("half-way")
    async with database.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Event)) == events_before
        assert (
            await session.scalar(select(func.count()).select_from(Department)) == departments_before
        )
    assert published == []
    await database.dispose()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    settings = await _migrated_sqlite(tmp_path)
    database = Database(settings.database_url)
    async with database.reading() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await database.dispose()


async def test_the_server_copies_sqlite_s_log_to_the_file_in_the_background(
    tmp_path: Path,
) -> None:
    """A COMMIT that finds the write-ahead log past 1,000 pages copies it to the file and waits
    for the fsync; the server's job keeps the log short so no request's commit does that."""
    from starlette.applications import Starlette

    from dialog.app import SQLITE_CHECKPOINT_SECONDS, create_app

    settings = await _migrated_sqlite(tmp_path)
    database = Database(settings.database_url)
    try:
        async with database.unit_of_work() as uow:
            uow.session.add_all(
                Department(slug=f"d{n}", name=f"Amt {n}", email=f"d{n}@example.org")
                for n in range(50)
            )
        busy, log, copied = await database.checkpoint()
        assert busy == 0 and log > 0 and copied == log  # everything in the log is in the file
    finally:
        await database.dispose()

    app: Starlette = create_app(settings)
    jobs = {job.name: job.seconds for job in app.state.services.background.periodic}
    assert jobs["sqlite-checkpoint"] == SQLITE_CHECKPOINT_SECONDS == 1.0


async def test_only_sqlite_gets_the_checkpoint_job(settings: Settings) -> None:
    from dialog.app import create_app

    jobs = {job.name for job in create_app(settings).state.services.background.periodic}
    assert ("sqlite-checkpoint" in jobs) is settings.database_url.startswith("sqlite")


async def _migrated_sqlite(tmp_path: Path) -> Settings:
    """Settings of a fresh, migrated SQLite database of the test's own, whatever the backend."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/own.db", var_dir=tmp_path, secret_key="s" * 40
    )
    await _migrate(settings)
    return settings


async def _migrate(settings: Settings) -> None:
    import asyncio

    # Alembic runs its own event loop; keep it off this test's loop.
    await asyncio.to_thread(migrate.upgrade, settings)


async def test_writers_of_a_process_take_turns_and_all_commit(
    database: Database, backend: backends.Backend
) -> None:
    inside = 0
    most = 0

    async def write(n: int) -> None:
        nonlocal inside, most
        async with database.unit_of_work() as uow:
            inside += 1
            most = max(most, inside)
            await emit_any(uow, "thread:1", "test.written", n=n)
            await asyncio.sleep(0.005)
            inside -= 1

    await asyncio.gather(*(write(n) for n in range(20)))
    async with database.reading() as session:
        written = await session.scalar(
            select(func.count()).select_from(Event).where(Event.type == "test.written")
        )
    assert written == 20
    # SQLite: one writer at a time, waiting on the event loop (not in SQLite's busy handler);
    # PostgreSQL: writers overlap.
    assert most == 1 if backend.name == "sqlite" else most > 1


async def test_after_commit_work_may_write_again_without_waiting_for_itself(
    database: Database, published: list[int]
) -> None:
    async def follow_up() -> None:
        async with database.unit_of_work() as again:
            await emit_any(again, "thread:1", "test.follow_up")

    async with asyncio.timeout(10):
        async with database.unit_of_work() as uow:
            await emit_any(uow, "thread:1", "test.first")
            uow.after_commit(follow_up)
    assert len(published) == 2


async def test_a_burst_as_large_as_the_pool_reuses_its_connections(settings: Settings) -> None:
    """As many requests in flight at once as the pool keeps, twice: the second burst opens no
    new connection (a pool smaller than the burst would close and reopen the extra ones)."""
    database = Database.for_settings(settings)
    opened = 0

    def count(*_: object) -> None:
        nonlocal opened
        opened += 1

    event.listen(database.read_engine.sync_engine, "connect", count)
    in_flight = settings.database_pool_size
    everyone_in = asyncio.Barrier(in_flight)

    async def request() -> None:
        async with database.read_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            await everyone_in.wait()

    try:
        await asyncio.gather(*(request() for _ in range(in_flight)))
        first = opened
        await asyncio.gather(*(request() for _ in range(in_flight)))
    finally:
        await database.dispose()
    assert first == in_flight
    assert opened == first


async def test_a_unit_of_work_at_once_commits_then_publishes_and_a_failed_one_writes_nothing(
    database: Database, published: list[int]
) -> None:
    heard: list[Committed] = []
    database.commit_listeners.append(heard.append)

    async def write(uow: UnitOfWork) -> int:
        uow.session.add(Department(slug="at-once", name="Sofort"))
        event = await emit_any(uow, "thread:1", "test.at_once")
        assert published == []  # nothing leaves before COMMIT
        return event.id

    event_id = await database.at_once(write)
    assert published == [event_id]
    assert [[e.id for e in c.events] for c in heard] == [[event_id]]

    async def fail(uow: UnitOfWork) -> None:
        uow.session.add(Department(slug="half-way", name="Halb"))
        await emit_any(uow, "thread:1", "test.at_once")
        await uow.session.flush()
        raise RuntimeError("half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        await database.at_once(fail)
    async with database.reading() as session:
        slugs = set(await session.scalars(select(Department.slug)))
    assert "at-once" in slugs and "half-way" not in slugs
    assert published == [event_id] and len(heard) == 1


async def test_on_sqlite_a_unit_of_work_at_once_holds_the_lock_without_the_event_loop(
    tmp_path: Path,
) -> None:
    """The background's rounds hold SQLite's one write lock, which writers of other processes
    wait for; run at once, such a round reaches COMMIT even while the event loop is busy (here:
    blocked outright), instead of waiting for a turn of it before each statement."""
    settings = await _migrated_sqlite(tmp_path)
    database = Database(settings.database_url)
    entered, committed = threading.Event(), threading.Event()
    for engine in database.sync_engines:
        event.listen(engine, "commit", lambda *_: committed.set())

    async def write(uow: UnitOfWork) -> None:
        entered.set()
        for n in range(5):
            await uow.session.execute(select(func.count()).select_from(Department))
            uow.session.add(Department(slug=f"b{n}", name=f"Amt {n}"))
            await uow.session.flush()

    try:
        running = asyncio.create_task(database.at_once(write))
        async with asyncio.timeout(10):
            while not entered.is_set():
                await asyncio.sleep(0.001)
        assert committed.wait(timeout=10)  # the event loop stands still meanwhile
        await running
        async with database.reading() as session:
            assert await session.scalar(select(func.count()).select_from(Department)) == 5

        async def wait_for_something_else(uow: UnitOfWork) -> None:
            uow.session.add(Department(slug="never", name="Nie"))
            await uow.session.flush()
            await asyncio.sleep(0)

        with pytest.raises(RuntimeError, match="besides its session"):
            await database.at_once(wait_for_something_else)
        async with database.reading() as session:
            assert await session.scalar(select(func.count()).select_from(Department)) == 5
    finally:
        await database.dispose()
