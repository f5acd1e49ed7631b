"""The first page of a thread as anonymous readers see it, kept per process.

Anonymous readers of a busy thread all ask for the same first page. It is rebuilt only when
the thread changed: every change a reader can see (a comment published, edited, withdrawn,
hidden or published by moderation, vote counts) writes an event on the thread's
topic in the same transaction, so the id of the thread's latest event is the page's version.
Each request reads that version first (one indexed query) and is served from the cache only
if it is unchanged. A page is stored only under a version that cannot be overtaken: on
PostgreSQL a transaction that took a lower event id may commit after one with a higher id, so
a page is kept only when the process's live fan-out has seen every event id up to the version
(`Fanout.settled`); otherwise it is built and not kept. (SQLite commits one writer at a time,
in id order; the same check holds there trivially once the fan-out has caught up.)

Votes reach the thread as one coalesced event per window (250 ms); the process that recorded a
vote forgets the thread's pages at once. What writes no thread event at all (an author renaming
or deleting their account) is bounded by MAX_AGE. Signed-in readers are never served from here:
their page carries their own votes and their own pending comments.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from dialog.discussion.schemas import CommentPage

MAX_AGE = 30.0  # seconds; see the module docstring
MAX_ENTRIES = 512

# (thread id, sort, limit, locale): the locale names deleted authors in the page.
Key = tuple[int, str, int, str]


@dataclass
class Entry:
    version: int
    stored_at: float
    page: CommentPage
    body: bytes | None = None  # the JSON, made on first use


class FirstPageCache:
    def __init__(
        self,
        max_age: float = MAX_AGE,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._max_age = max_age
        self._max_entries = max_entries
        self._clock = clock

    def get(self, key: Key, version: int) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.version != version or self._clock() - entry.stored_at > self._max_age:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Key, version: int, page: CommentPage) -> Entry:
        entry = Entry(version, self._clock(), page)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return entry

    def forget(self, thread_id: int) -> None:
        for key in [k for k in self._entries if k[0] == thread_id]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
