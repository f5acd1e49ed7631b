"""Ideas and complaints: event types and their topics (dialog.live.events explains the parts).

`concern:N` is public and carries only what the public page shows (for public items only);
`concerns` is the office's queue; `concerns-department:N` the queue of department N's staff.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dialog.live.events import EventType, Ref, TopicKind

CONCERN = TopicKind("concern", numbered=True, public=True, audience="everyone")
OFFICE_QUEUE = TopicKind("concerns", numbered=False, public=False, audience="the office and admins")
DEPARTMENT_QUEUE = TopicKind(
    "concerns-department", numbered=True, public=False, audience="staff of department N"
)
TOPIC_KINDS = (CONCERN, OFFICE_QUEUE, DEPARTMENT_QUEUE)


class ConcernPublic(BaseModel):
    """What the public page of an item shows at a glance."""

    id: int
    state: str
    supporter_count: int


class ConcernId(BaseModel):
    """An item no longer public: nothing but its number (a redacted `concern.changed`)."""

    id: int


class ConcernQueued(BaseModel):
    """A line of a staff queue: enough to reload it, nothing of the author."""

    id: int
    state: str
    department_id: int | None
    category_id: int


CONCERN_REF = Ref("concern", ConcernId, "once the item stops being public")
CONCERN_CHANGED = EventType(
    "concern.changed",
    CONCERN,
    ConcernPublic,
    "`{id, state, supporter_count}` of a public item: its page reloads the parts that changed",
    ref=CONCERN_REF,
)
QUEUE_CHANGED = EventType(
    "concern.queue_changed",
    OFFICE_QUEUE,
    ConcernQueued,
    "`{id, state, department_id, category_id}`: an item of the office's queue changed",
)
DEPARTMENT_CHANGED = EventType(
    "concern.department_changed",
    DEPARTMENT_QUEUE,
    ConcernQueued,
    "`{id, state, department_id, category_id}`: an item routed to the department changed",
)

TYPES: tuple[EventType[Any], ...] = (CONCERN_CHANGED, QUEUE_CHANGED, DEPARTMENT_CHANGED)
