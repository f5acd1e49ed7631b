"""A dependency's outage as the code that uses it sees it: one log line when it goes, one when
it is back, and how often to try it meanwhile.

Many requests meet the same outage; a line (or a traceback) for each of them would bury the one
that says what happened.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class Outage:
    def __init__(
        self,
        name: str,
        log: logging.Logger,
        *,
        retry_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._log = log
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._since: float | None = None
        self._next_try = 0.0
        self.failures = 0  # of the current outage: what the "back" line reports

    @property
    def down(self) -> bool:
        return self._since is not None

    def due(self) -> bool:
        """Whether to try the dependency now: always while it is up; while it is down, once
        per `retry_seconds` (the caller that gets True is the one that tries)."""
        if self._since is None:
            return True
        now = self._clock()
        if now < self._next_try:
            return False
        self._next_try = now + self._retry_seconds
        return True

    def failed(self, reason: str, meanwhile: str) -> None:
        """A call failed because the dependency is unreachable; the first failure is logged."""
        self.failures += 1
        if self._since is not None:
            return
        self._since = self._clock()
        self._next_try = self._since + self._retry_seconds
        self._log.warning("%s unreachable (%s); %s", self.name, reason, meanwhile)

    def recovered(self) -> bool:
        """A call succeeded; True (and one line in the log) if this ends an outage."""
        if self._since is None:
            return False
        seconds = self._clock() - self._since
        self._log.warning(
            "%s reachable again after %.0f s (%d failed calls meanwhile)",
            self.name,
            seconds,
            self.failures,
        )
        self._since = None
        self.failures = 0
        return True
