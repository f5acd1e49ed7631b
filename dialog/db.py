"""Database base class, engine and the unit of work that commits, then publishes."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import DateTime, TypeDecorator

T = TypeVar("T")

# Ids and other stored whole numbers are 32-bit integers on both engines.
MAX_ID = 2**31 - 1

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Publisher = Callable[[Sequence[int]], Awaitable[None]]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on both engines (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        # In UTC: SQLite keeps the wall time and drops the offset (18:00 Potsdam read back as
        # 18:00 UTC), and compares the stored text.
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def insert_for(session: AsyncSession) -> Callable[..., Any]:
    """The INSERT construct of the session's dialect (both have ON CONFLICT)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


def make_engine(
    url: str, *, writer: bool = True, pool_size: int = 20, **kwargs: Any
) -> AsyncEngine:
    """A pool of `pool_size` kept connections (more than the requests a process has in flight,
    so a busy minute does not open and close a connection per request) and 10 more for bursts.
    SQLite: pragmas on connect, BEGIN IMMEDIATE for writers."""
    kwargs.setdefault("max_overflow", 10)
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, pool_size=pool_size, **kwargs
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(
            engine.sync_engine, "begin", _sqlite_begin_immediate if writer else _sqlite_begin
        )
        return engine
    return create_async_engine(url, pool_size=pool_size, **kwargs)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    sqlite_connection_setup(dbapi_connection)


# SQL functions every SQLite connection offers, by name: (number of arguments, function). Parts
# add theirs when imported (dialog/__init__.py imports dialog.search.stemming, whose
# german_stems the search index's triggers call), before any connection is opened.
SQLITE_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {}


def sqlite_connection_setup(connection: Any) -> None:
    """Every SQLite connection of the platform: WAL, foreign keys, a 30 s busy wait, and the
    SQL functions of SQLITE_FUNCTIONS."""
    for name, (arity, function) in SQLITE_FUNCTIONS.items():
        connection.create_function(name, arity, function, deterministic=True)
    # pysqlite's own transaction handling is turned off so BEGIN IMMEDIATE below takes effect.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(conn: Any) -> None:
    # Writers take the lock up front: no "database is locked" upgrade failures mid-transaction.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Published(Protocol):
    """An event row queued in a unit of work (dialog.live.models.Event)."""

    id: int
    topic: str


@dataclass(frozen=True)
class Committed:
    """What one unit of work committed, told to this process's commit listeners."""

    events: Sequence[Published]  # in the order they were added
    topics: frozenset[str]  # the events' topics and the touched ones


CommitListener = Callable[[Committed], None]


class Changes:
    """What a transaction tells this process after COMMIT: the events it queued (their ids
    are published), the topics it touched (commit listeners hear both) and callbacks."""

    def __init__(
        self, publisher: Publisher | None, commit_listeners: Sequence[CommitListener] = ()
    ) -> None:
        self._publisher = publisher
        self._commit_listeners = commit_listeners
        self._events: list[Published] = []
        self._topics: set[str] = set()
        self._after_commit: list[Callable[[], Awaitable[None]]] = []

    def queue_published(self, event: Published) -> None:
        self._events.append(event)
        self._topics.add(event.topic)

    def touch(self, topic: str) -> None:
        """What readers of the topic see changes, without an event (this process hears it)."""
        self._topics.add(topic)

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._after_commit.append(callback)

    async def announce(self) -> None:
        """After COMMIT: tell the commit listeners, publish the events' ids, then run the
        after-commit callbacks."""
        events, self._events = self._events, []
        topics, self._topics = self._topics, set()
        callbacks, self._after_commit = self._after_commit, []
        committed = Committed(events, frozenset(topics))  # also one that touched no topic
        for listener in self._commit_listeners:
            listener(committed)
        if events and self._publisher is not None:
            await self._publisher([event.id for event in events])
        for callback in callbacks:
            await callback()

    def forget(self) -> None:
        """After ROLLBACK: nothing happened."""
        self._events.clear()
        self._topics.clear()
        self._after_commit.clear()


class UnitOfWork(Changes):
    """One transaction. Events are queued while it runs and published only after COMMIT."""

    def __init__(
        self,
        session: AsyncSession,
        publisher: Publisher | None,
        commit_listeners: Sequence[CommitListener] = (),
    ) -> None:
        super().__init__(publisher, commit_listeners)
        self.session = session

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
        self.forget()


class DatabaseSettings(Protocol):
    """What the database needs of dialog.settings.Settings (this module imports no other)."""

    @property
    def database_url(self) -> str: ...

    @property
    def database_pool_size(self) -> int: ...


class Database:
    @classmethod
    def for_settings(
        cls, settings: DatabaseSettings, publisher: Publisher | None = None
    ) -> Database:
        """The database the settings name, with their pool size (every command and the app)."""
        return cls(settings.database_url, publisher, pool_size=settings.database_pool_size)

    def __init__(self, url: str, publisher: Publisher | None = None, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # SQLite: readers get their own engine with deferred transactions, so they never wait
        # for the write lock that every unit of work takes up front. PostgreSQL shares one.
        self.read_engine = (
            make_engine(url, writer=False, **engine_kwargs)
            if url.startswith("sqlite")
            else self.engine
        )
        self.read_sessions = async_sessionmaker(
            self.read_engine, expire_on_commit=False, autoflush=False
        )
        self.publisher = publisher
        # Told, in this process and right after each commit (every one), what it changed.
        self.commit_listeners: list[CommitListener] = []
        # Told the SQL of each statement a transaction script (dialog.direct) runs, which
        # SQLAlchemy's events do not see; tests count statements with both.
        self.script_listeners: list[Callable[[str], None]] = []
        self._write_lock = asyncio.Lock() if url.startswith("sqlite") else None
        self._burst = _Burst(url) if url.startswith("sqlite") else None

    @property
    def sync_engines(self) -> tuple[Engine, ...]:
        """Every engine statements of this database run on (for listeners of their events)."""
        engines = [self.engine.sync_engine]
        if self.read_engine is not self.engine:
            engines.append(self.read_engine.sync_engine)
        if self._burst is not None:
            engines.append(self._burst.engine)
        return tuple(engines)

    async def at_once(self, work: Callable[[UnitOfWork], Coroutine[Any, Any, T]]) -> T:
        """`work` in one unit of work that holds SQLite's write lock in one uninterrupted burst.

        SQLite: the unit of work runs on a synchronous connection in a thread of its own, so
        while it holds the database's one write lock (which writers of other processes wait
        for) none of its statements waits for a turn of the event loop, which the live fan-out
        may keep busy; `work` must therefore await nothing but its session. The background's
        rounds use it (dialog/live/consumers.py). PostgreSQL: an ordinary unit of work."""
        if self._burst is None:
            async with self.unit_of_work() as uow:
                return await work(uow)
        uow = UnitOfWork(self._burst.session(), self.publisher, self.commit_listeners)
        async with self.writer_turn():
            result = await self._burst.run(uow, work)
        await uow.announce()
        return result

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """Commit when the block ends normally, roll back on any exception; publish after."""
        async with self.writer_turn(), self.sessions() as session:
            uow = UnitOfWork(session, self.publisher, self.commit_listeners)
            try:
                yield uow
            except BaseException:
                await uow.rollback()
                raise
            await uow.commit()
        await uow.announce()

    def writer_turn(self) -> AbstractAsyncContextManager[object]:
        """SQLite takes one writer at a time: writers of this process wait their turn here, on
        the event loop, instead of in SQLite's busy handler, which sleeps up to 100 ms between
        attempts and then often loses to a newer writer (seconds at p99 under load)."""
        if self._write_lock is None:
            return nullcontext()
        return self._write_lock

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only session for pages and API reads that change nothing."""
        async with self.read_sessions() as session:
            yield session

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    async def checkpoint(self) -> tuple[int, int, int]:
        """SQLite: copy what the write-ahead log holds into the database file now (PASSIVE:
        neither readers nor writers wait), as (busy, frames in the log, frames copied).

        The server does this every second in the background (dialog.app). Otherwise SQLite
        does it itself in whichever connection's COMMIT finds the log past 1,000 pages (about
        every 12 s at 20 posts/s), and that commit, a request's, then waits for the file's
        fsync. Kept small, the log never gets there."""
        async with self.read_engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None
            cursor = await driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
            row = await cursor.fetchone()
            await cursor.close()
        busy, log, copied = row if row is not None else (0, 0, 0)
        return int(busy), int(log), int(copied)

    async def ping(self) -> None:
        """Raise unless the database answers (readiness, and the commands before they start)."""
        async with self.read_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
        if self._burst is not None:
            self._burst.dispose()


class _BurstSession(AsyncSession):
    """An AsyncSession over a synchronous connection: each call completes without suspending
    (SQLAlchemy's bridge runs the synchronous session directly when the driver never waits).
    Only `execute` needs its own version: the asyncio one closes the cursor as an async one."""

    async def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> Any:
        options = {**(execution_options or {}), "prebuffer_rows": True}
        return self.sync_session.execute(
            statement,
            params=params,
            execution_options=options,
            bind_arguments=bind_arguments,
            **kw,
        )


class OwnThread:
    """One thread that runs what it is given, in order: for a SQLite connection used only from
    it. The thread starts on first use, and again after `stop` (a restart of the app's lifespan)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._executor = self._new()

    def _new(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)

    async def run(self, function: Callable[[], T]) -> T:
        """`function()` in the thread, with the caller's context variables."""
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, functools.partial(contextvars.copy_context().run, function)
        )

    def stop(self) -> None:
        """The thread ends once idle; the next `run` starts a new one."""
        self._executor.shutdown(wait=False)
        self._executor = self._new()


class _Burst:
    """SQLite: units of work on a synchronous connection, one at a time in their own thread."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(
            make_url(url).set(drivername="sqlite"),
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=1,
            max_overflow=0,
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "begin", _sqlite_begin_immediate)
        self._thread = OwnThread("dialog-db-burst")

    def session(self) -> AsyncSession:
        session = _BurstSession(expire_on_commit=False, autoflush=False)
        session.sync_session.bind = self.engine
        return session

    async def run(self, uow: UnitOfWork, work: Callable[[UnitOfWork], Coroutine[Any, Any, T]]) -> T:
        """`work` and COMMIT (ROLLBACK if it raises) in the thread; announcing is the caller's."""
        return await self._thread.run(functools.partial(_completed, _committed(uow, work)))

    def dispose(self) -> None:
        self.engine.dispose()
        self._thread.stop()


async def _committed(uow: UnitOfWork, work: Callable[[UnitOfWork], Coroutine[Any, Any, T]]) -> T:
    try:
        result = await work(uow)
        await uow.commit()
        return result
    except BaseException:
        await uow.rollback()
        raise
    finally:
        await uow.session.close()


def _completed(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never suspends (it awaits only a _BurstSession)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("a unit of work run at once waited for something besides its session")
