"""Queue an event in the current transaction; the unit of work publishes its id after commit."""

from __future__ import annotations

import json
from typing import Any

from dialog.db import Changes, UnitOfWork, utcnow
from dialog.direct import Script, Sql
from dialog.live.models import Event

INSERT_EVENT = Sql(
    "INSERT INTO events (topic, type, data, created_at) "
    "VALUES (:topic, :type, :data, :created_at) RETURNING id"
)


async def add_event(uow: UnitOfWork, topic: str, type_: str, data: dict[str, Any]) -> Event:
    event = Event(topic=topic, type=type_, data=data)
    uow.session.add(event)
    await uow.session.flush()
    uow.queue_published(event)
    return event


def queue_event(changes: Changes, topic: str, type_: str, data: dict[str, Any]) -> Script[Event]:
    """add_event inside a transaction script (dialog.direct)."""
    event = Event(topic=topic, type=type_, data=data, created_at=utcnow())
    (row,) = yield INSERT_EVENT(
        topic=topic, type=type_, data=json.dumps(data), created_at=event.created_at
    )
    event.id = row[0]
    changes.queue_published(event)
    return event
