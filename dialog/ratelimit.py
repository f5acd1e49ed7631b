"""Rate limits through the `limits` library: in memory, or in Redis shared by all processes.

await limiter.hit("login", f"ip:{ip}")   # raises TooManyRequests with Retry-After
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
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


class RateLimiter:
    def __init__(
        self, redis_url: str | None, rules: dict[str, str] | None = None, namespace: str = "dialog"
    ) -> None:
        self.rules: dict[str, RateLimitItem] = {
            name: parse(text) for name, text in {**DEFAULT_RULES, **(rules or {})}.items()
        }
        storage: Storage = (
            RedisStorage(
                f"async+{redis_url}", implementation="redispy", key_prefix=f"{namespace}:limits"
            )
            if redis_url
            else MemoryStorage()
        )
        self._strategy = MovingWindowRateLimiter(storage)

    async def hit(self, rule: str, key: str) -> None:
        item = self.rules[rule]
        if not await self._strategy.hit(item, rule, key):
            stats = await self._strategy.get_window_stats(item, rule, key)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise TooManyRequests(lazy("Too many attempts. Please wait a moment."), retry_after)

    async def check(self, rule: str, key: str) -> None:
        """Raise like hit() when the limit is used up, without counting this request."""
        item = self.rules[rule]
        if not await self._strategy.test(item, rule, key):
            stats = await self._strategy.get_window_stats(item, rule, key)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise TooManyRequests(lazy("Too many attempts. Please wait a moment."), retry_after)

    async def reset(self) -> None:
        await self._strategy.storage.reset()
