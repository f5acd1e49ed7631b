"""Transaction scripts on the driver's own connection, for the hottest requests.

Through SQLAlchemy's async session every statement costs about 0.3 ms of CPU on PostgreSQL and
0.9 ms on SQLite (aiosqlite hops to its thread and back for each one), and a session about as
much again: a vote took two sessions and six statements, a post two and ten. A script runs the
same statements for a fraction of that (docs/performance.md has the figures):

- PostgreSQL: on a connection of the engine's own pool, inside asyncpg's BEGIN ... COMMIT, one
  round trip per statement, each a prepared statement from asyncpg's cache; reads on one of a
  few connections this process holds open for them (`_HeldConnections`: taking one costs no
  pool checkout and no reset on return, which together cost more CPU than the statement);
- SQLite: whole, in one hop, on a thread that owns this process's direct connection (one for
  writers, one for readers), so its statements cost microseconds. Writers first wait for the
  same in-process writer turn as units of work, then take SQLite's lock with BEGIN IMMEDIATE.

A script is a generator: it yields `Statement`s and is sent each one's rows; what it returns is
the result. Scripts compose with `yield from`. Domain checks raise inside it and roll
everything back. SQL is written once with :named parameters and compiled per dialect by
SQLAlchemy; datetime parameters, and the columns a statement names as datetimes or JSON, are
converted here, so scripts see the same Python values on both engines. Writes announce what
they changed like a unit of work (`Changes`: events, touched topics, after-commit callbacks),
and `run_in_session` runs a script inside a unit of work that is already open. A `Step` is a
piece written once for both write paths (emitting an event, redacting events): `yield from` it
in a script, `await` it in a unit of work.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import sqlite3
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast

from sqlalchemy import DateTime, text
from sqlalchemy.engine import CursorResult, Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from dialog.db import Changes, Database, OwnThread, UnitOfWork, sqlite_connection_setup

T = TypeVar("T")
Params = ParamSpec("Params")
Row = Sequence[Any]


@dataclass(frozen=True)
class Sql:
    """One statement with :named parameters.

    `postgresql` replaces it there when SQLite lacks the feature (a row lock: SQLite's writer
    holds the whole database already); `datetimes` and `json` name result columns by position.
    """

    text: str
    postgresql: str | None = None
    datetimes: tuple[int, ...] = ()
    json: tuple[int, ...] = ()
    _compiled: dict[str, tuple[str, tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def source(self, dialect: Dialect) -> str:
        return self.postgresql if dialect.name == "postgresql" and self.postgresql else self.text

    def compiled(self, dialect: Dialect) -> tuple[str, tuple[str, ...]]:
        """(SQL in the driver's parameter style, parameter names in position order)."""
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = text(self.source(dialect)).compile(dialect=dialect)
            found = (compiled.string, tuple(compiled.positiontup or ()))
            self._compiled[dialect.name] = found
        return found

    def __call__(self, **params: Any) -> Statement:
        return Statement(self, params)


@dataclass(frozen=True)
class Statement:
    sql: Sql
    params: dict[str, Any]


Script = Generator[Statement, list[Row], T]


class Codec:
    """What the drivers keep differently: SQLite keeps datetimes as text (as SQLAlchemy writes
    them) and JSON as text; asyncpg hands out aware datetimes and, with SQLAlchemy's codec,
    decoded JSON."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        datetimes = DateTime(timezone=True).dialect_impl(dialect)
        self._datetime_in = datetimes.bind_processor(dialect)
        self._datetime_out = datetimes.result_processor(dialect, None)

    def param(self, value: Any) -> Any:
        if isinstance(value, datetime) and self._datetime_in is not None:
            return self._datetime_in(value)
        return value

    def params(self, statement: Statement) -> dict[str, Any]:
        return {name: self.param(value) for name, value in statement.params.items()}

    def positional(self, statement: Statement) -> list[Any]:
        _sql, names = statement.sql.compiled(self.dialect)
        return [self.param(statement.params[name]) for name in names]

    def rows(self, sql: Sql, rows: Sequence[Row]) -> list[Row]:
        if not sql.datetimes and not sql.json:
            return list(rows)
        converted: list[Row] = []
        for row in rows:
            values = list(row)
            for index in sql.datetimes:
                values[index] = self.datetime_of(values[index])
            for index in sql.json:
                if isinstance(values[index], str):
                    values[index] = json.loads(values[index])
            converted.append(values)
        return converted

    def datetime_of(self, value: Any) -> datetime | None:
        if value is None:
            return None
        found = self._datetime_out(value) if self._datetime_out else value
        assert isinstance(found, datetime)
        return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def run_to_end(script: Script[T], execute: Callable[[Statement], list[Row]]) -> T:
    """Feed a script its rows until it returns (SQLite: inside the database thread)."""
    try:
        statement = next(script)
        while True:
            statement = script.send(execute(statement))
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        script.close()


async def run_to_end_async(
    script: Script[T], execute: Callable[[Statement], Awaitable[list[Row]]]
) -> T:
    """Feed a script its rows until it returns, awaiting each statement."""
    try:
        statement = next(script)
        while True:
            statement = script.send(await execute(statement))
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        script.close()


async def run_in_session(session: AsyncSession, script: Script[T]) -> T:
    """A script inside the open transaction of a session (a unit of work that does more)."""
    codec = Codec(session.get_bind().dialect)

    async def execute(statement: Statement) -> list[Row]:
        sql = text(statement.sql.source(codec.dialect))
        result = cast(CursorResult[Any], await session.execute(sql, codec.params(statement)))
        return codec.rows(statement.sql, list(result.all()) if result.returns_rows else [])

    return await run_to_end_async(script, execute)


class Step(Generic[T]):
    """A part of a transaction for both write paths: `yield from step` inside a transaction
    script, `await step` inside a unit of work (it flushes the session's pending changes
    first, so its statements come after them, then runs on the same transaction).

    Both are checked by mypy: a step left unused is an error (`unused-awaitable`)."""

    __slots__ = ("_changes", "_script")

    def __init__(self, changes: Changes, script: Callable[[], Script[T]]) -> None:
        self._changes = changes
        self._script = script

    def __iter__(self) -> Script[T]:
        return self._script()

    def __await__(self) -> Generator[Any, None, T]:
        return self._in_session().__await__()

    async def _in_session(self) -> T:
        if not isinstance(self._changes, UnitOfWork):
            raise TypeError(
                "await a step in a unit of work; in a transaction script, yield from it"
            )
        session = self._changes.session
        await session.flush()
        return await run_in_session(session, self._script())


def step(
    script: Callable[Concatenate[Changes, Params], Script[T]],
) -> Callable[Concatenate[Changes, Params], Step[T]]:
    """A script function made into one that returns a `Step`: written once, used by both paths."""

    @functools.wraps(script)
    def make(changes: Changes, /, *args: Params.args, **kwargs: Params.kwargs) -> Step[T]:
        return Step(changes, lambda: script(changes, *args, **kwargs))

    return make


class Direct:
    """Runs scripts for one Database: `read` for lookups, `write` for one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.codec = Codec(db.engine.dialect)
        self._sqlite: dict[str, _SqliteThread] = {}
        self._held = _HeldConnections(db.engine, HELD_FOR_READS)
        if db.engine.dialect.name == "sqlite":
            path = make_url(db.url).database or ""
            self._sqlite = {
                "write": _SqliteThread(path, self.codec, db.script_listeners),
                "read": _SqliteThread(path, self.codec, db.script_listeners),
            }

    async def read(self, script: Script[T]) -> T:
        """A script that changes nothing, without a transaction around it: each statement
        sees its own snapshot (for lookups of one statement, like a bearer token's)."""
        if self._sqlite:
            return await self._sqlite["read"].run(script, None)
        return await self._held.run(functools.partial(self._drive, script))

    async def write(self, make: Callable[[Changes], Script[T]]) -> T:
        """One transaction: the script's statements, then COMMIT, then its announcements."""
        changes = Changes(self.db.publisher, self.db.commit_listeners)
        script = make(changes)
        if self._sqlite:
            async with self.db.writer_turn():
                result = await self._sqlite["write"].run(script, "BEGIN IMMEDIATE")
        else:
            async with self.db.engine.connect() as connection:
                driver = await _driver(connection)
                async with driver.transaction():
                    result = await self._drive(script, driver)
        await changes.announce()
        return result

    async def _drive(self, script: Script[T], driver: Any) -> T:
        codec = self.codec

        async def execute(statement: Statement) -> list[Row]:
            sql, _names = statement.sql.compiled(codec.dialect)
            for listener in self.db.script_listeners:
                listener(sql)
            return codec.rows(statement.sql, await driver.fetch(sql, *codec.positional(statement)))

        return await run_to_end_async(script, execute)

    async def close(self) -> None:
        await self._held.close()
        for thread in self._sqlite.values():
            await thread.close()


HELD_FOR_READS = 4  # PostgreSQL connections a process holds for Direct.read, out of its pool


class _HeldConnections:
    """A few PostgreSQL connections of the engine's pool, held by this process for reads.

    A read changes no state of its connection (no transaction, no SET), so a connection goes
    back to the idle list as it is: no pool checkout, no reset. A read that fails for any
    reason, or is cancelled, closes its connection (it may be mid-statement); a connection the
    database closed while it waited (a restart, an idle timeout) is replaced before it is used.
    Like the engine's pool (which does not ping either), a read that meets a connection lost
    without notice fails once with the database's error (a 503 if it is out of reach).
    """

    def __init__(self, engine: AsyncEngine, size: int) -> None:
        self._engine = engine
        self._size = size
        self._slots = asyncio.Semaphore(size)
        self._idle: list[tuple[AsyncConnection, Any]] = []

    async def run(self, work: Callable[[Any], Awaitable[T]]) -> T:
        async with self._slots:
            held = None
            while self._idle and held is None:
                held = self._idle.pop()
                if held[1].is_closed():  # the database closed it while it waited
                    await _discard(held[0])
                    held = None
            return await self._on(held or await self._open(), work)

    async def _on(
        self, held: tuple[AsyncConnection, Any], work: Callable[[Any], Awaitable[T]]
    ) -> T:
        try:
            result = await work(held[1])
        except BaseException:
            await _discard(held[0])
            raise
        self._idle.append(held)
        return result

    async def _open(self) -> tuple[AsyncConnection, Any]:
        connection = await self._engine.connect()
        try:
            return connection, await _driver(connection)
        except BaseException:
            await _discard(connection)
            raise

    async def close(self) -> None:
        """Close the idle connections; usable again after (on the next event loop, too)."""
        idle, self._idle = self._idle, []
        self._slots = asyncio.Semaphore(self._size)
        for connection, _driver_connection in idle:
            await connection.close()


async def _discard(connection: AsyncConnection) -> None:
    """Close a connection that may be broken or mid-statement, without raising."""
    with contextlib.suppress(Exception):  # it is gone either way
        await connection.invalidate()
        await connection.close()


class _SqliteThread:
    """A sqlite3 connection used only from its own single thread."""

    def __init__(self, path: str, codec: Codec, listeners: Sequence[Callable[[str], None]]) -> None:
        self._path = path
        self._codec = codec
        self._listeners = listeners
        self._thread = OwnThread("dialog-sqlite")
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
            sqlite_connection_setup(connection)
            self._connection = connection
        return self._connection

    async def run(self, script: Script[T], begin: str | None) -> T:
        """The whole script in this thread; inside `begin` ... COMMIT unless begin is None."""
        return await self._thread.run(functools.partial(self._transaction, script, begin))

    def _transaction(self, script: Script[T], begin: str | None) -> T:
        connection = self._connect()
        if begin is None:
            return run_to_end(script, lambda statement: self._execute(connection, statement))
        connection.execute(begin)
        try:
            result = run_to_end(script, lambda statement: self._execute(connection, statement))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # also when COMMIT itself failed (busy past 30 s)
                connection.execute("ROLLBACK")
            raise
        return result

    def _execute(self, connection: sqlite3.Connection, statement: Statement) -> list[Row]:
        sql, _names = statement.sql.compiled(self._codec.dialect)
        for listener in self._listeners:
            listener(sql)
        rows = connection.execute(sql, self._codec.positional(statement)).fetchall()
        return self._codec.rows(statement.sql, rows)

    async def close(self) -> None:
        def close_connection() -> None:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

        await self._thread.run(close_connection)
        self._thread.stop()  # usable again after a restart of the app's lifespan


async def _driver(connection: AsyncConnection) -> Any:
    """The asyncpg connection under a pooled SQLAlchemy connection."""
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    return driver
