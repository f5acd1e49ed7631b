"""Rate limits: moving windows in this process, or in Redis (`limits`) shared by all processes.

await limiter.hit("login", f"ip:{ip}")   # raises TooManyRequests with Retry-After
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from dialog.errors import TooManyRequests
from dialog.i18n import lazy

# name -> limit; each is applied per key (account, IP address, ...). Tests may pass their own.
DEFAULT_RULES: dict[str, str] = {
    "login": "5/minute",
    "password-reset": "5/minute",
    "register": "10/hour",
    "comment": "10/minute",
    "vote": "120/minute",
    "flag": "20/hour",
    "feedback": "5/hour",
}


SWEEP_SECONDS = 60.0


class MemoryWindows:
    """Moving windows kept in this process: per rule and key, the times of the hits inside it.

    A hit looks at its own key only, so its cost does not grow with the number of accounts or
    addresses seen (the `limits` library's async memory storage walks every key, with a thread
    hop each, after every hit). Keys whose window has passed are dropped in one sweep a minute.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[tuple[str, str], tuple[float, deque[float]]] = {}
        self._next_sweep = clock()

    def _current(self, rule: str, key: str, item: RateLimitItem) -> deque[float]:
        now = self._clock()
        if now >= self._next_sweep:
            self._sweep(now)
        window = float(item.get_expiry())
        _, times = self._hits.setdefault((rule, key), (window, deque()))
        while times and times[0] <= now - window:
            times.popleft()
        return times

    def _sweep(self, now: float) -> None:
        for name, (window, times) in list(self._hits.items()):
            if not times or times[-1] <= now - window:
                del self._hits[name]
        self._next_sweep = now + SWEEP_SECONDS

    def retry_after(self, rule: str, key: str, item: RateLimitItem, *, count: bool) -> int | None:
        """Seconds to wait when the limit is used up (then nothing is counted), else None."""
        times = self._current(rule, key, item)
        if len(times) >= item.amount:
            return max(1, math.ceil(times[0] + item.get_expiry() - self._clock()))
        if count:
            times.append(self._clock())
        return None

    def __len__(self) -> int:
        return len(self._hits)

    def clear(self) -> None:
        self._hits.clear()


class RateLimiter:
    def __init__(
        self,
        redis_url: str | None,
        rules: dict[str, str] | None = None,
        namespace: str = "dialog",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rules: dict[str, RateLimitItem] = {
            name: parse(text) for name, text in {**DEFAULT_RULES, **(rules or {})}.items()
        }
        self.memory: MemoryWindows | None = None
        self._strategy: MovingWindowRateLimiter | None = None
        if redis_url:
            storage = RedisStorage(
                f"async+{redis_url}", implementation="redispy", key_prefix=f"{namespace}:limits"
            )
            self._strategy = MovingWindowRateLimiter(storage)
        else:
            self.memory = MemoryWindows(clock)

    async def hit(self, rule: str, key: str) -> None:
        await self._apply(rule, key, count=True)

    async def check(self, rule: str, key: str) -> None:
        """Raise like hit() when the limit is used up, without counting this request."""
        await self._apply(rule, key, count=False)

    async def _apply(self, rule: str, key: str, *, count: bool) -> None:
        item = self.rules[rule]
        if self.memory is not None:
            retry_after = self.memory.retry_after(rule, key, item, count=count)
        else:
            assert self._strategy is not None
            retry_after = await self._redis_retry_after(self._strategy, item, rule, key, count)
        if retry_after is not None:
            raise TooManyRequests(lazy("Too many attempts. Please wait a moment."), retry_after)

    @staticmethod
    async def _redis_retry_after(
        strategy: MovingWindowRateLimiter, item: RateLimitItem, rule: str, key: str, count: bool
    ) -> int | None:
        allowed = await (strategy.hit if count else strategy.test)(item, rule, key)
        if allowed:
            return None
        stats = await strategy.get_window_stats(item, rule, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def reset(self) -> None:
        if self.memory is not None:
            self.memory.clear()
        else:
            assert self._strategy is not None
            await self._strategy.storage.reset()
