"""The procedures part's event types, declared once (dialog.live.events explains the parts).

They go to the internal `procedure:N` topic: consumers of the outbox act on them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dialog.live.events import PROCEDURE, EventType


class ProcedurePublished(BaseModel):
    id: int


PROCEDURE_PUBLISHED = EventType(
    "procedure.published",
    PROCEDURE,
    ProcedurePublished,
    "`{id}`: a new procedure is on the Vorhabenliste (saved searches announce it)",
)

TYPES: tuple[EventType[Any], ...] = (PROCEDURE_PUBLISHED,)
