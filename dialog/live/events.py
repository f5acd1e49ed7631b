"""Event types: each one declared once, with its topic, its payload and its line in the README.

A package declares its types in its own `events.py` (a module-level `EventType` each, listed in
the module's `TYPES`); `dialog.app.EVENT_TYPES` gathers them into one `EventRegistry`, from
which the README's events table is rendered (`events_table`, `python -m dialog.docs`).
`dialog.live.outbox.emit` takes only an `EventType` and an instance of its payload model, so
an event's type and shape are never spelled out at the call site.

Topics come in kinds (`TopicKind`): `thread:N` is public, so its events carry only what every
visitor may read *now*; an event type whose payload shows a record that can stop being public
(a comment that is hidden, edited, withdrawn, or whose author is erased) names that record's
`Ref`, and the owner of the record redacts its stored events in the same transaction as the
change (`dialog.live.outbox.redact`).

This module imports no domain package: every package may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

P = TypeVar("P", bound=BaseModel)

_NAME = re.compile(r"^[a-z]+(?:\.[a-z_]+)+$")
MAX_TYPE_LENGTH = 40  # the events.type column


@dataclass(frozen=True)
class TopicKind:
    """A family of topics: `thread:N` (numbered) or `moderation` (one topic)."""

    name: str
    numbered: bool
    public: bool  # anyone may listen, signed in or not
    audience: str  # who may listen, for the README

    def topic(self, number: int | None = None) -> str:
        """The topic's name; numbered kinds need the number, the others take none."""
        if self.numbered != (number is not None):
            raise ValueError(f"topic kind {self.name!r}: number {number!r}")
        return self.name if number is None else f"{self.name}:{number}"

    def number_of(self, topic: str) -> int | None:
        """The number of a topic of this kind (thread:12 -> 12), None for other topics."""
        head, sep, tail = topic.partition(":")
        if not self.numbered or head != self.name or not sep:
            return None
        if not (tail.isascii() and tail.isdigit()) or len(tail) > 18:
            return None
        return int(tail)

    @property
    def pattern(self) -> str:
        return f"{self.name}:N" if self.numbered else self.name


THREAD = TopicKind("thread", numbered=True, public=True, audience="everyone")
MODERATION = TopicKind("moderation", numbered=False, public=False, audience="moderators and admins")
USER = TopicKind("user", numbered=True, public=False, audience="that user only")
SESSION = TopicKind(
    "session", numbered=True, public=False, audience="internal: the sockets of that login"
)
PROCEDURE = TopicKind(
    "procedure", numbered=True, public=False, audience="internal: consumers of the outbox"
)
# A published proposal's support count and state (dialog.proposals.events): public.
PROPOSAL = TopicKind("proposal", numbered=True, public=True, audience="everyone")
TOPIC_KINDS = (THREAD, MODERATION, USER, SESSION, PROCEDURE, PROPOSAL)


@dataclass(frozen=True)
class Ref:
    """A kind of record that events show and whose owner redacts them (see the module doc).

    The events of a type with a ref store `ref = "<kind>:<payload.id>"` (an indexed column),
    so the owner redacts all of a record's events with one indexed UPDATE; their data then
    becomes an instance of `shape`, which holds nothing that could stop being public.
    """

    kind: str
    shape: type[BaseModel]
    when: str  # when the owner redacts, for the README

    def of(self, record_id: int) -> str:
        return f"{self.kind}:{record_id}"

    @property
    def fields(self) -> str:
        return "`{" + ", ".join(self.shape.model_fields) + "}`"


@dataclass(frozen=True)
class EventType(Generic[P]):
    """One event type: `emit(changes, COMMENT_EDITED, comment_out(...), thread_id)`."""

    name: str
    topic: TopicKind
    payload: type[P]
    description: str  # one line for the README's events table: what `data` is
    ref: Ref | None = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.name) or len(self.name) > MAX_TYPE_LENGTH:
            raise ValueError(f"event type name {self.name!r}: lower-case words joined by dots")
        if self.ref is not None and "id" not in self.payload.model_fields:
            raise ValueError(f"event type {self.name!r}: a ref needs an `id` in the payload")

    @property
    def public(self) -> bool:
        """Whether everyone hears it: its data must hold only what is public now."""
        return self.topic.public


class EventRegistry:
    """Every declared event type, once each, in the order the packages list them."""

    def __init__(self, *groups: Iterable[EventType[Any]]) -> None:
        self._types: dict[str, EventType[Any]] = {}
        for group in groups:
            for event_type in group:
                if event_type.name in self._types:
                    raise ValueError(f"event type {event_type.name!r} is declared twice")
                self._types[event_type.name] = event_type

    def __iter__(self) -> Iterator[EventType[Any]]:
        return iter(self._types.values())

    def __contains__(self, item: object) -> bool:
        if isinstance(item, EventType):
            return self._types.get(item.name) is item
        return item in self._types

    def __len__(self) -> int:
        return len(self._types)


def events_table(types: Iterable[EventType[Any]]) -> str:
    """The README's table of event types (Markdown), one row per type, then how the events
    that show a record are redacted."""
    lines = [
        "| type | topic | who hears it | data | redacted as |",
        "| --- | --- | --- | --- | --- |",
    ]
    refs: dict[Ref, list[str]] = {}
    for event_type in types:
        topic = event_type.topic
        redacted = ""
        if event_type.ref is not None:
            refs.setdefault(event_type.ref, []).append(f"`{event_type.name}`")
            redacted = f"`{event_type.ref.kind}`"
        lines.append(
            f"| `{event_type.name}` | `{topic.pattern}` | {topic.audience} "
            f"| {event_type.description} | {redacted} |"
        )
    lines += [
        "",
        "Stored events that show a record are redacted in the transaction that changes it:",
        "",
    ]
    for ref, names in refs.items():
        lines.append(f"- `{ref.kind}` ({', '.join(names)}): {ref.fields} {ref.when}.")
    return "\n".join(lines) + "\n"


class NoData(BaseModel):
    """The payload of an event that says everything by its type and topic: `{}`."""


SESSION_ENDED = EventType(
    "session.ended",
    SESSION,
    NoData,
    "`{}`: the sockets of that login session close with 4001 (sign-out, revoked, expired)",
)
TYPES: tuple[EventType[Any], ...] = (SESSION_ENDED,)
