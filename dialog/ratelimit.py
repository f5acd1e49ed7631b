"""Rate limits: moving windows in this process, or in Redis (`limits`) shared by all processes.

await limiter.hit("login", f"ip:{ip}")   # raises TooManyRequests with Retry-After

While Redis is unreachable the same limits are counted in this process (each process then allows
its own share), so signing in, posting and voting go on; Redis is tried again once a second.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from dialog.errors import TooManyRequests
from dialog.i18n import lazy
from dialog.outage import Outage

log = logging.getLogger("dialog.ratelimit")

# name -> limit; each is applied per key (account, IP address, ...). Tests may pass their own.
DEFAULT_RULES: dict[str, str] = {
    "login": "5/minute",
    "password-reset": "5/minute",
    "register": "10/hour",
    "comment": "10/minute",
    "vote": "120/minute",
    "flag": "20/hour",
    "feedback": "5/hour",
    "open311": "30/minute",
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
        # The windows of this process: the only ones without Redis, the fallback with it.
        self.memory = MemoryWindows(clock)
        self.redis = Outage("rate limits: Redis", log, clock=clock)
        self._strategy: MovingWindowRateLimiter | None = None
        if redis_url:
            storage = RedisStorage(
                f"async+{redis_url}",
                implementation="redispy",
                key_prefix=f"{namespace}:limits",
                # A Redis that does not answer must not hold up a sign-in for long.
                socket_connect_timeout=1.0,
                socket_timeout=1.0,
            )
            self._strategy = MovingWindowRateLimiter(storage)

    @property
    def shared(self) -> bool:
        """Counted in Redis for all processes (False: in this process, by design or outage)."""
        return self._strategy is not None and not self.redis.down

    async def hit(self, rule: str, key: str) -> None:
        await self._apply(rule, key, count=True)

    async def check(self, rule: str, key: str) -> None:
        """Raise like hit() when the limit is used up, without counting this request."""
        await self._apply(rule, key, count=False)

    async def _apply(self, rule: str, key: str, *, count: bool) -> None:
        item = self.rules[rule]
        answered, retry_after = await self._ask_redis(item, rule, key, count)
        if not answered:
            retry_after = self.memory.retry_after(rule, key, item, count=count)
        if retry_after is not None:
            raise TooManyRequests(lazy("Too many attempts. Please wait a moment."), retry_after)

    async def _ask_redis(
        self, item: RateLimitItem, rule: str, key: str, count: bool
    ) -> tuple[bool, int | None]:
        """(whether Redis answered, its retry-after); no answer without Redis or while it is
        unreachable."""
        if self._strategy is None or not self.redis.due():
            return False, None
        try:
            retry_after = await self._redis_retry_after(self._strategy, item, rule, key, count)
        except (RedisError, OSError) as error:
            self._lost(error)
            return False, None
        self._reached()
        return True, retry_after

    def _lost(self, error: Exception) -> None:
        self.redis.failed(str(error), "counting the same limits in each process meanwhile")

    def _reached(self) -> None:
        if self.redis.recovered():
            self.memory.clear()  # Redis counts again; what this process counted is stale

    @staticmethod
    async def _redis_retry_after(
        strategy: MovingWindowRateLimiter, item: RateLimitItem, rule: str, key: str, count: bool
    ) -> int | None:
        allowed = await (strategy.hit if count else strategy.test)(item, rule, key)
        if allowed:
            return None
        stats = await strategy.get_window_stats(item, rule, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def ready(self) -> bool:
        """Whether limits are shared through Redis (always True without Redis); asks Redis."""
        if self._strategy is None:
            return True
        try:
            await self._strategy.storage.get("ready")
        except (RedisError, OSError) as error:
            self._lost(error)
            return False
        self._reached()
        return True

    async def reset(self) -> None:
        self.memory.clear()
        if self._strategy is not None:
            await self._strategy.storage.reset()
