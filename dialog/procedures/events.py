"""The procedures part's event types, declared once (dialog.live.events explains the parts).

They go to the internal `procedure:N` topic: consumers of the outbox act on them (the
notification consumer tells the followers, saved searches announce new procedures).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dialog.live.events import PROCEDURE, EventType


class ThreadCreated(BaseModel):
    id: int
    procedure_id: int
    title: str


class PhaseChanged(BaseModel):
    id: int
    phase: str
    before: str


THREAD_CREATED = EventType(
    "thread.created",
    PROCEDURE,
    ThreadCreated,
    "`{id, procedure_id, title}`: a new thread in the procedure",
)
PHASE_CHANGED = EventType(
    "procedure.phase_changed",
    PROCEDURE,
    PhaseChanged,
    "`{id, phase, before}`: the procedure entered another phase",
)


class ProcedurePublished(BaseModel):
    id: int


PROCEDURE_PUBLISHED = EventType(
    "procedure.published",
    PROCEDURE,
    ProcedurePublished,
    "`{id}`: a new procedure is on the Vorhabenliste (saved searches announce it)",
)

TYPES: tuple[EventType[Any], ...] = (THREAD_CREATED, PHASE_CHANGED, PROCEDURE_PUBLISHED)
