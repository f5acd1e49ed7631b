"""The notifications part's event types, declared once (dialog.live.events explains the parts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dialog.live.events import USER, EventType


class Unread(BaseModel):
    """How many notifications the person has not read: nothing else travels."""

    unread: int


NOTIFICATIONS_CHANGED = EventType(
    "notifications.changed",
    USER,
    Unread,
    "`{unread}`: the count of unread notifications changed (new ones, or read elsewhere)",
)

TYPES: tuple[EventType[Any], ...] = (NOTIFICATIONS_CHANGED,)
