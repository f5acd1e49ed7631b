"""What a request has just read about its reader, kept for an instant: RECENT seconds, and only
until this process commits anything.

A signed-in reader's requests each read the credential (session or token, with the user's role,
block and unread count) and, on a thread's first page, the reader's own votes, reports, follow
and sources; a busy reader asks the same many times a second. `Recent` keeps such a read:

- **this process's commits** (every one, `Database.commit_listeners`) forget everything at
  once, so a request that starts after a commit here (a sign-out, a revoked token, a vote, a
  block, an erased account) never gets what was read before it; a read that was under way
  while a commit happened is not kept either;
- **other processes' commits** show after at most RECENT seconds: the same bound as the first
  page kept for a thread (dialog.discussion.page_cache.RECHECK), which already decides for
  every reader how soon another process's hiding of a comment is seen;
- what is read as nothing (an unknown token) is not kept: a guessed token costs a statement
  each time, as before, and a token created elsewhere works at once.

A read past RECENT seconds is dropped when the next one is kept; the keys are the hashes of
the secrets, not the secrets.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from dialog.db import Committed

T = TypeVar("T")

RECENT = 0.1  # seconds a read is kept (dialog.discussion.page_cache.RECHECK: the same bound)
MAX_KEPT = 4096  # reads kept at most (the least recently stored dropped first)


class Recent:
    """Reads of this process by key, each for `seconds` and until the process's next commit."""

    def __init__(
        self,
        seconds: float = RECENT,
        size: int = MAX_KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self._size = size
        self._clock = clock
        self._kept: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._generation = 0  # this process's commits so far (since start)

    async def read(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """The value `read` returns for `key`: kept from a read less than `seconds` ago if no
        commit of this process came after it, else read now (and kept unless it is None)."""
        kept = self._kept.get(key)
        now = self._clock()
        if kept is not None and now - kept[0] < self.seconds:
            value: T = kept[1]
            return value
        generation = self._generation
        value = await read()
        if value is not None and generation == self._generation:
            self._kept[key] = (now, value)
            self._kept.move_to_end(key)
            self._drop_old(now)
        return value

    def _drop_old(self, now: float) -> None:
        """The oldest reads go (stored in order): those past `seconds`, and any over the size."""
        kept = self._kept
        while kept and (
            len(kept) > self._size or now - next(iter(kept.values()))[0] > self.seconds
        ):
            kept.popitem(last=False)

    def committed(self, committed: Committed) -> None:
        """A `Database.commit_listeners` entry: whatever this process committed, nothing read
        before it is served again."""
        self._generation += 1
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
