"""Queue an event in the current transaction; the unit of work publishes its id after commit."""

from __future__ import annotations

from typing import Any

from dialog.db import UnitOfWork
from dialog.live.models import Event


async def add_event(uow: UnitOfWork, topic: str, type_: str, data: dict[str, Any]) -> Event:
    event = Event(topic=topic, type=type_, data=data)
    uow.session.add(event)
    await uow.session.flush()
    uow.queue_published(event)
    return event
