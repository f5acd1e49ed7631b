"""Transaction scripts on the driver: one transaction, rows back, announcements after COMMIT."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import func, select

from dialog.db import Changes, Committed, Database, utcnow
from dialog.direct import Direct, Row, Script, Sql, Statement, run_in_session
from dialog.errors import Conflict
from dialog.live.models import Event
from dialog.procedures.models import Department
from dialog.settings import Settings
from tests import backends

ADD_DEPARTMENT = Sql("INSERT INTO departments (slug, name) VALUES (:slug, :name) RETURNING id")
DEPARTMENT = Sql("SELECT id, name FROM departments WHERE slug = :slug")
ADD_EVENT = Sql(
    "INSERT INTO events (topic, type, data, created_at) "
    "VALUES (:topic, :type, :data, :created_at) RETURNING id, created_at, data",
    datetimes=(1,),
    json=(2,),
)
LOCKED = Sql(
    "SELECT id FROM departments WHERE slug = :slug",
    postgresql="SELECT id FROM departments WHERE slug = :slug FOR UPDATE",
)


@pytest.fixture
async def direct(settings: Settings, backend: backends.Backend) -> AsyncIterator[Direct]:
    published: list[int] = []

    async def publish(ids: Sequence[int]) -> None:
        published.extend(ids)

    database = Database(settings.database_url, publisher=publish)
    runner = Direct(database)
    yield runner
    await runner.close()
    await database.dispose()
    await backends.clean(backend)


def add_department(changes: Changes, slug: str, fail: bool = False) -> Script[int]:
    (row,) = yield ADD_DEPARTMENT(slug=slug, name=slug.upper())
    changes.touch(f"department:{slug}")
    if fail:
        raise Conflict("half-way")
    return int(row[0])


def find(slug: str) -> Script[Row | None]:
    rows = yield DEPARTMENT(slug=slug)
    return rows[0] if rows else None


async def test_a_write_commits_and_its_rows_are_seen_by_sessions_and_reads(
    direct: Direct,
) -> None:
    heard: list[Committed] = []
    direct.db.commit_listeners.append(heard.append)
    new_id = await direct.write(lambda changes: add_department(changes, "bau"))
    assert heard == [Committed([], frozenset({"department:bau"}))]
    found = await direct.read(find("bau"))
    assert found is not None and tuple(found) == (new_id, "BAU")
    async with direct.db.reading() as session:
        department = await session.get(Department, new_id)
        assert department is not None and department.name == "BAU"


async def test_a_failing_script_writes_and_announces_nothing(direct: Direct) -> None:
    heard: list[Committed] = []
    direct.db.commit_listeners.append(heard.append)
    with pytest.raises(Conflict):
        await direct.write(lambda changes: add_department(changes, "umwelt", fail=True))
    assert heard == []
    assert await direct.read(find("umwelt")) is None
    # The connection is usable afterwards: the transaction was rolled back, not left open.
    assert await direct.write(lambda changes: add_department(changes, "umwelt")) > 0


async def test_datetimes_and_json_keep_their_values_on_both_engines(direct: Direct) -> None:
    now = utcnow()

    def add_event(changes: Changes) -> Script[Row]:
        (row,) = yield ADD_EVENT(
            topic="thread:1",
            type="test.direct",
            data=json.dumps({"ä": 1}),
            created_at=now,
        )
        return row

    row = await direct.write(add_event)
    assert row[1] == now and row[2] == {"ä": 1}
    async with direct.db.reading() as session:
        event = await session.get(Event, row[0])
        assert event is not None and event.data == {"ä": 1} and event.created_at == now
    assert direct.codec.datetime_of(None) is None


async def test_writers_take_turns_and_every_one_commits(direct: Direct) -> None:
    def add_and_lock(changes: Changes, n: int) -> Script[int]:
        (row,) = yield ADD_DEPARTMENT(slug=f"d{n}", name="x")
        yield LOCKED(slug=f"d{n}")
        return int(row[0])

    def writer(n: int) -> Callable[[Changes], Script[int]]:
        return lambda changes: add_and_lock(changes, n)

    ids = await asyncio.gather(*(direct.write(writer(n)) for n in range(20)))
    assert len(set(ids)) == 20
    async with direct.db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Department)) == 20


async def test_a_script_runs_inside_an_open_unit_of_work_and_shares_its_fate(
    direct: Direct,
) -> None:
    """run_in_session: the same script, inside a transaction that does more (demo data, edits)."""
    with pytest.raises(RuntimeError):
        async with direct.db.unit_of_work() as uow:
            new_id = await run_in_session(uow.session, add_department(uow, "kultur"))
            assert await uow.session.get(Department, new_id) is not None  # same transaction
            raise RuntimeError("half-way")
    assert await direct.read(find("kultur")) is None
    async with direct.db.unit_of_work() as uow:
        await run_in_session(uow.session, add_department(uow, "kultur"))
    found = await direct.read(find("kultur"))
    assert found is not None and found[1] == "KULTUR"


async def test_a_statement_the_database_refuses_rolls_back_and_the_next_write_works(
    direct: Direct,
) -> None:
    await direct.write(lambda changes: add_department(changes, "doppelt"))
    with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
        await direct.write(lambda changes: add_department(changes, "doppelt"))
    assert await direct.write(lambda changes: add_department(changes, "einmal")) > 0
    async with direct.db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Department)) == 2


async def test_the_runner_works_again_after_it_was_closed(direct: Direct) -> None:
    """An app whose lifespan ends and starts again (tests, an embedding server) keeps working."""
    await direct.write(lambda changes: add_department(changes, "vorher"))
    await direct.close()
    assert await direct.read(find("vorher")) is not None
    assert await direct.write(lambda changes: add_department(changes, "nachher")) > 0


BACKEND_PID = Sql("SELECT 0", postgresql="SELECT pg_backend_pid()")
BROKEN = Sql("SELECT no_such_column FROM departments")


async def test_a_read_survives_its_held_connection_going_away_and_a_failed_read(
    direct: Direct,
) -> None:
    """Reads on PostgreSQL run on connections the runner holds between reads. One that went
    away while idle (a restart of the database, an idle timeout) is replaced before the next
    read; a read the database refuses closes its connection and the next read works."""
    await direct.write(lambda changes: add_department(changes, "bleibt"))
    (first,) = await direct.read(_rows(BACKEND_PID()))
    if direct.db.engine.dialect.name == "postgresql":
        async with direct.db.engine.connect() as other:
            driver = (await other.get_raw_connection()).driver_connection
            assert driver is not None
            assert await driver.fetchval("SELECT pg_terminate_backend($1)", first[0]) is True
            for _wait in range(500):  # until the server has closed it
                gone = "SELECT count(*) FROM pg_stat_activity WHERE pid = $1"
                if await driver.fetchval(gone, first[0]) == 0:
                    break
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # the event loop reads the end of the connection
    assert await direct.read(find("bleibt")) is not None
    (second,) = await direct.read(_rows(BACKEND_PID()))
    if direct.db.engine.dialect.name == "postgresql":
        assert second[0] != first[0]  # a fresh connection replaced the terminated one
    with pytest.raises((sqlite3.OperationalError, asyncpg.UndefinedColumnError)):
        await direct.read(_rows(BROKEN()))
    assert await direct.read(find("bleibt")) is not None


def _rows(statement: Statement) -> Script[list[Row]]:
    return (yield statement)
