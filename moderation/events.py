"""Moderation's own event types, declared once (dialog.live.events explains the parts).

`comment.queued` and `flag.created` are the discussion's (it emits them when it holds a post
or records a flag); moderation emits `comment.queued` too, from dialog.discussion.events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from dialog.live.events import MODERATION, EventType


class Claim(BaseModel):
    id: int
    claimed_by: int | None
    until: datetime | None


class Decided(BaseModel):
    id: int
    thread_id: int
    action: str
    reason: str
    status: str
    version: int
    moderator_id: int | None


COMMENT_CLAIMED = EventType(
    "comment.claimed",
    MODERATION,
    Claim,
    "`{id, claimed_by, until}` (`claimed_by` and `until` null when released)",
)
COMMENT_DECIDED = EventType(
    "comment.decided",
    MODERATION,
    Decided,
    "`{id, thread_id, action, reason, status, version, moderator_id}`",
)

TYPES: tuple[EventType[Any], ...] = (COMMENT_CLAIMED, COMMENT_DECIDED)
