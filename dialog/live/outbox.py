"""Write to the outbox: `emit` an event, `redact` the stored events that show a record.

Both are one `Step` for both write paths (dialog.direct): inside a transaction script,
`yield from emit(changes, TYPE, payload, number)`; inside a unit of work, `await emit(uow, TYPE,
payload, number)`. The event's row is inserted in the current transaction; its id is published
after COMMIT (and forgotten on ROLLBACK) by the `Changes` it was emitted on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import Table, insert

from dialog.db import Changes, UnitOfWork, utcnow
from dialog.direct import Script, Sql, Step, step
from dialog.live.events import EventType, P, Ref
from dialog.live.models import Event

INSERT_EVENT = Sql(
    "INSERT INTO events (topic, type, data, ref, created_at) "
    "VALUES (:topic, :type, :data, :ref, :created_at) RETURNING id"
)
REDACT = Sql("UPDATE events SET data = :data WHERE ref = :ref")
REDACT_ON_TOPIC = Sql("UPDATE events SET data = :data WHERE ref = :ref AND topic = :topic")


def emit(
    changes: Changes, event_type: EventType[P], payload: P, number: int | None = None
) -> Step[Event]:
    """Queue an event of a declared type on its topic (`number` for numbered topic kinds:
    the thread's id for `thread:N`). The payload must be the type's own model."""
    if type(payload) is not event_type.payload:
        raise TypeError(f"{event_type.name} takes {event_type.payload.__name__}")
    topic = event_type.topic.topic(number)
    data = payload.model_dump(mode="json")
    ref = event_type.ref.of(data["id"]) if event_type.ref is not None else None

    def insert() -> Script[Event]:
        event = Event(topic=topic, type=event_type.name, data=data, ref=ref, created_at=utcnow())
        (row,) = yield INSERT_EVENT(
            topic=topic,
            type=event_type.name,
            data=json.dumps(data),
            ref=ref,
            created_at=event.created_at,
        )
        event.id = row[0]
        changes.queue_published(event)
        return event

    return Step(changes, insert)


@step
def redact(
    changes: Changes,
    ref: Ref,
    record_id: int,
    data: BaseModel,
    topic: str | None = None,
) -> Script[None]:
    """Replace the data of every stored event that shows this record (on one topic, or on
    all) by `data`, an instance of the ref's shape. Call it in the transaction that changes
    what may be seen of the record, before emitting the event that announces the change."""
    if type(data) is not ref.shape:
        raise TypeError(f"a redacted {ref.kind} is a {ref.shape.__name__}")
    params = {"data": json.dumps(data.model_dump(mode="json")), "ref": ref.of(record_id)}
    if topic is None:
        yield REDACT(**params)
    else:
        yield REDACT_ON_TOPIC(**params, topic=topic)


async def emit_each(
    uow: UnitOfWork, event_type: EventType[P], items: Sequence[tuple[P, int | None]]
) -> None:
    """`emit` one event per (payload, number), each on its own topic, in multi-row INSERTs:
    the same events, for fan-outs of thousands (a count to each of 10,000 followers)."""
    if not items:
        return
    rows: dict[str, dict[str, Any]] = {}
    now = utcnow()
    for payload, number in items:
        if type(payload) is not event_type.payload:
            raise TypeError(f"{event_type.name} takes {event_type.payload.__name__}")
        data = payload.model_dump(mode="json")
        ref = event_type.ref.of(data["id"]) if event_type.ref is not None else None
        topic = event_type.topic.topic(number)
        if topic in rows:
            raise ValueError(f"emit_each: two events on {topic}")
        rows[topic] = {
            "topic": topic,
            "type": event_type.name,
            "data": data,
            "ref": ref,
            "created_at": now,
        }
    # RETURNING in any order (one row per topic tells them apart): batched, not row by row.
    table = cast(Table, Event.__table__)  # Core: no ORM bookkeeping for thousands of rows
    inserted = await uow.session.execute(
        insert(table).returning(table.c.id, table.c.topic), list(rows.values())
    )
    # Whole events: this process's fan-out frames the queued ones without reading them back.
    for event_id, topic in sorted((int(i), str(t)) for i, t in inserted):
        row = rows[topic]
        uow.queue_published(Queued(event_id, topic, row["type"], row["data"]))


@dataclass
class Queued:
    """An inserted event as the fan-out reads it (an Event row's fields, without the ORM)."""

    id: int
    topic: str
    type: str
    data: dict[str, Any]
