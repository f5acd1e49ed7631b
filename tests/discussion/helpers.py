"""Shared helpers of the discussion tests: posting, counting queries, reading events."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, select
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.db import Database
from dialog.live import queries as live_queries
from dialog.live.models import Event
from tests import factories
from tests.notifications.helpers import consumed

MakeUser = Callable[..., Awaitable[User]]


async def post(
    api: factories.ApiAs, who: User, thread_id: int, body: str, **fields: Any
) -> dict[str, Any]:
    response = await api.request(
        who, "POST", f"/api/v1/threads/{thread_id}/comments", json={"body": body, **fields}
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def events_after(db: Database, after: int) -> list[Event]:
    async with db.reading() as session:
        return list(
            (await session.scalars(select(Event).where(Event.id > after).order_by(Event.id))).all()
        )


async def last_event_id(db: Database) -> int:
    found = await events_after(db, 0)
    return found[-1].id if found else 0


# Set while counting_queries counts: the statements of the task that counts (and of the tasks
# and threads it starts, which inherit it) are told from those of the background jobs beside it.
_COUNTING: ContextVar[list[str] | None] = ContextVar("counting", default=None)


@contextmanager
def counting_queries(db: Database, every_task: bool = False) -> Iterator[list[str]]:
    """Every SQL statement the database runs inside the block (transaction scripts' too) for
    this task: a request's own, not those of a periodic job that happens to run meanwhile.
    With `every_task`, also those of the process's other tasks (the fan-out's, the consumers')."""
    statements: list[str] = []

    def add(statement: str) -> None:
        if every_task or _COUNTING.get() is statements:
            statements.append(statement)

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        add(statement)

    engines = db.sync_engines
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    db.script_listeners.append(add)
    marked = _COUNTING.set(statements)
    try:
        yield statements
    finally:
        _COUNTING.reset(marked)
        db.script_listeners.remove(add)
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


async def until_the_latest_event_is_handled(app: Starlette, db: Database) -> None:
    """Until this process's fan-out has seen every event (first pages are kept from then on)
    and the notification consumer has handled it (an author follows the thread from then on)."""
    async with db.reading() as session:
        latest = await live_queries.latest_event_id(session)
    for _ in range(200):
        if app.state.services.live.fanout.high_water >= latest:
            await consumed(db)
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the live fan-out did not see the latest event")
