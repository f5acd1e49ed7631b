"""The first page of a thread as anonymous readers see it, kept per process.

Anonymous readers of a busy thread all ask for the same first page. It is rebuilt only when
the thread changed: every change a reader can see (a comment published, edited, withdrawn,
hidden or published by moderation, vote counts, an author's new name) writes an event on the
thread's topic in the same transaction, so the id of the thread's latest event is the page's
version.
A request reads that version first (one indexed query) and is served from the cache only if
it is unchanged; within RECHECK seconds of the last such check it is served without asking:
what this process commits tells the cache at once (`Database.commit_listeners`: every unit of
work that changed a thread's topic makes the thread's pages be forgotten), and what other
processes commit shows after at most RECHECK seconds. When that interval runs out on a busy
thread, the requests that ask while its version is being read wait for that one read
(`FirstPageCache.checked`) instead of each asking the same.

A page is stored only under a version that cannot be overtaken: on PostgreSQL a transaction
that took a lower event id may commit after one with a higher id, so a page is kept only when
the process's live fan-out has seen every event id up to the version (`Fanout.settled`);
otherwise it is built and not kept. (SQLite commits one writer at a time, in id order; the
same check holds there trivially once the fan-out has caught up.)

Votes reach the thread as one coalesced event per window (250 ms); the vote itself touches the
thread's topic (`UnitOfWork.touch`), so the process that recorded it forgets the pages at once.
An author who renames or deletes the account changes the names (and maybe texts) of pages
without touching a comment row: that writes `comments.changed` on each thread that showed them
(dialog.discussion.authors), so it moves the version like any other change. MAX_AGE only bounds
what a process keeps in any case.

Signed-in readers are served from the same pages plus their own overlay (dialog.discussion.
overlay): their votes, what they have reported, and what they may do with each comment. A page
is kept per *view*: "public" (what anonymous readers, residents, staff and the office see) and
"moderator" (held and hidden text too, the same for every moderator); nothing of one reader is
ever kept. A reader with a held comment of their own in the thread (pending or rejected, which
only they and moderators see) takes the uncached path; so does a blocked reader of the HTML page
(it tells them the moderation's reason). What a signed-in request reads of its reader (the
credential, the reader's votes, reports and follow) is kept for an instant as well, with the
same bound for other processes' commits as RECHECK (dialog.recent).

The version also holds when the thread's procedure last changed (`updated_at`): the HTML page
shows the procedure's title and phase, and the phase decides what readers may do. Both come
from one indexed query, which also tells whether the thread exists. A change of the procedure
touches its threads' topics (`UnitOfWork.touch`), so this process forgets their pages at once.

Four kinds of entries share the cache, all keyed by the thread id first: the page as data
(the JSON API's answer, made into bytes on first use), the whole HTML thread page for anonymous
visitors, stored with a placeholder where each visitor's CSRF token goes (`CSRF_PLACEHOLDER`),
the HTML comment list of a view with a slot where each comment's controls go (`ListParts`),
and the whole page for signed-in readers of one kind around it (`Shell`), into which each
reader's request puts their header links and the controls of the comments that are their own.
The header links are kept beside them (`FirstPageCache.links`), by everything they show: the
reader's role, their unread count, their role's links with the counts behind them, the path and
the language, with placeholders for the reader's id and CSRF token: nothing kept names a reader.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dialog.db import Committed
from dialog.discussion.schemas import CommentPage
from dialog.live.policy import thread_of
from dialog.results.schemas import AnswerOut

if TYPE_CHECKING:
    from dialog.discussion.overlay import JsonParts
    from dialog.procedures.models import Thread

T = TypeVar("T")
V = TypeVar("V")
MAX_AGE = 30.0  # seconds; see the module docstring
RECHECK = 0.1  # seconds between two version checks of a kept page
MAX_ENTRIES = 512
MAX_LINKS = 2048  # signed-in readers' header links (about 1.5 KB each)
MAX_BYTES = 32 * 1024 * 1024  # of kept HTML pages (a first page of 80 comments: ~150 KB)

# (the id of the thread topic's latest event, when the thread's procedure last changed)
PageVersion = tuple[int, datetime]
# (thread id, kind, ...): kind "page" adds the view, sort, limit and locale (the locale names
# deleted authors); kind "html" adds the query string (which holds the sort) and the locale;
# kind "list" adds the view, sort and locale; kind "shell" adds the view, the query string, the
# locale and the readers' kind.
Key = tuple[int, str, *tuple[Hashable, ...]]
# Stands in for the visitor's CSRF token in a kept HTML page. Random per process and never
# sent (every response has it replaced), so no text anyone writes can contain it.
CSRF_PLACEHOLDER = "csrf-" + secrets.token_urlsafe(24)


@dataclass(frozen=True)
class ThreadState:
    """What the thread allows its readers, read with the version (the overlay needs it)."""

    phase: str
    is_open: bool
    opens_at: datetime | None
    closes_at: datetime | None


@dataclass(frozen=True)
class ListParts:
    """A view's HTML comment list cut at the slots of each comment's controls: segments[0],
    the controls of slots[0], segments[1], ... segments[-1]."""

    segments: tuple[str, ...]
    slots: tuple[int, ...]
    answers: dict[int | None, AnswerOut]
    last_event: int  # where the page's live stream resumes (read before the page was built)
    # The thread (with its procedure) as the list was rendered from it: under the same version,
    # so the page around the list is as current as the list.
    thread: Thread | None = field(default=None, compare=False)
    # A comment's controls as rendered for one state of a reader (their vote, authorship, ...),
    # with CSRF_PLACEHOLDER for the token: readers in the same state share them.
    controls: dict[Hashable, str] = field(default_factory=dict, compare=False)

    @property
    def size(self) -> int:
        return sum(len(s) for s in self.segments)


@dataclass(frozen=True)
class Shell:
    """A signed-in reader's whole thread page, for readers of one kind (see kept_list.reader_
    shell), as bytes in pieces: the comments' controls as a reader who wrote, voted on and
    reported none of them sees them, in `pieces[start:end]` for `at[comment id]`; an empty
    piece at `account_at` for the reader's header links and at each of `csrf_at` for their
    CSRF token (putting it in piece by piece is 10-20x faster than `bytes.replace` here)."""

    pieces: tuple[bytes, ...]
    at: dict[int, tuple[int, int]]
    account_at: int
    csrf_at: tuple[int, ...]
    written: dict[int, tuple[int, ...]]  # the comments in `at` by author (overlay.written_by)

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.pieces)


@dataclass
class Entry:
    version: PageVersion
    stored_at: float
    page: CommentPage | None = None
    body: bytes | None = None  # the JSON made on first use, or the HTML page
    size: int = 0  # bytes counted against MAX_BYTES: the HTML page's
    checked_at: float = 0.0  # when its version was last found current
    state: ThreadState | None = None  # page entries: what the thread allows
    parts: ListParts | None = None  # list entries
    json: JsonParts | None = None  # page entries: items' JSON for readers' overlays
    shell: Shell | None = None  # shell entries
    ids: str | None = None  # page and list entries: the page's comment ids (api.page_ids)


class Bounded(Generic[V]):
    """At most `size` values, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self._size:
            self._values.popitem(last=False)

    def values(self) -> list[V]:
        return list(self._values.values())

    def __len__(self) -> int:
        return len(self._values)


class FirstPageCache:
    def __init__(
        self,
        max_age: float = MAX_AGE,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int = MAX_BYTES,
        recheck: float = RECHECK,
    ) -> None:
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._max_age = max_age
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self.recheck = recheck
        self._bytes = 0  # sum of the entries' sizes
        self._clock = clock
        # Signed-in readers from the kept pages plus their overlay; off, they take the uncached
        # path (a switch for operators, and the reference the overlay tests compare with).
        self.overlay = True
        # thread id -> the version check under way (`checked`)
        self._checks: dict[int, asyncio.Future[Any]] = {}
        # The signed-in readers' header links, by all they show (kept_list.account_links).
        self.links: Bounded[str] = Bounded(MAX_LINKS)

    async def checked(self, thread_id: int, read: Callable[[], Awaitable[T]]) -> T:
        """The thread's version as `read` reads it, once for all the requests that ask while a
        read is under way: when its RECHECK runs out, every concurrent reader of a busy thread
        would otherwise ask the database the same. (One that joins gets a version read a moment
        before it asked, as it could from a read of its own that ran just before a commit; a
        page kept under a version is never older than it.)"""
        running = self._checks.get(thread_id)
        if running is None or running.get_loop() is not asyncio.get_running_loop():
            running = asyncio.ensure_future(read())
            self._checks[thread_id] = running
            running.add_done_callback(lambda done: self._check_done(thread_id, done))
        result: T = await asyncio.shield(running)
        return result

    def _check_done(self, thread_id: int, done: asyncio.Future[Any]) -> None:
        if self._checks.get(thread_id) is done:
            del self._checks[thread_id]
        if not done.cancelled():
            done.exception()  # retrieved: every request that asked has it raised

    def recent(self, key: Key) -> Entry | None:
        """The page if its version was found current less than RECHECK seconds ago."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self._clock()
        if now - entry.checked_at > self.recheck or now - entry.stored_at > self._max_age:
            return None
        self._entries.move_to_end(key)
        return entry

    def get(self, key: Key, version: PageVersion) -> Entry | None:
        """The page if it was kept under this version (and is not too old)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self._clock()
        if entry.version != version or now - entry.stored_at > self._max_age:
            self._drop(key)
            return None
        entry.checked_at = now
        self._entries.move_to_end(key)
        return entry

    def put(
        self,
        key: Key,
        version: PageVersion,
        page: CommentPage | None = None,
        body: bytes | None = None,
        state: ThreadState | None = None,
        parts: ListParts | None = None,
        shell: Shell | None = None,
    ) -> Entry:
        self._drop(key)
        now = self._clock()
        size = len(body or b"") + (parts.size if parts else 0) + (shell.size if shell else 0)
        entry = Entry(version, now, page, body, size, now, state, parts, shell=shell)
        self._entries[key] = entry
        self._bytes += entry.size
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))  # the least recently used
        return entry

    def forget(self, thread_id: int) -> None:
        for key in [k for k in self._entries if k[0] == thread_id]:
            self._drop(key)

    def forget_changed(self, committed: Committed) -> None:
        """A `Database.commit_listeners` entry: the threads whose topics changed."""
        for topic in committed.topics:
            thread_id = thread_of(topic)
            if thread_id is not None:
                self.forget(thread_id)

    def _drop(self, key: Key) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size

    def kept_keys(self) -> list[Key]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
