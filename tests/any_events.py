"""Events that only tests emit: any type name on any topic, with any data, through the real
`emit` (production code emits only declared types; see tests/live/test_event_types.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from dialog.db import UnitOfWork
from dialog.live import outbox
from dialog.live.events import TOPIC_KINDS, EventType
from dialog.live.models import Event


class AnyData(BaseModel):
    model_config = ConfigDict(extra="allow")


def any_event_type(topic: str, name: str) -> tuple[EventType[AnyData], int | None]:
    """A type called `name` on `topic` ("thread:1", "moderation"), and the topic's number."""
    head, _, number = topic.partition(":")
    kind = next(kind for kind in TOPIC_KINDS if kind.name == head)
    return EventType(name, kind, AnyData, "emitted by a test"), int(number) if number else None


async def emit_any(uow: UnitOfWork, topic: str, name: str, **data: Any) -> Event:
    event_type, number = any_event_type(topic, name)
    return await outbox.emit(uow, event_type, AnyData(**data), number)
