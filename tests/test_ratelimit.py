"""The in-process rate limiter: moving windows per rule and key, idle keys forgotten."""

from __future__ import annotations

import pytest

from dialog.errors import TooManyRequests
from dialog.ratelimit import SWEEP_SECONDS, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_key_gets_its_limit_then_waits_until_its_oldest_hit_leaves_the_window() -> None:
    clock = Clock()
    limiter = RateLimiter(None, rules={"comment": "3/minute"}, clock=clock)
    for _ in range(3):
        await limiter.hit("comment", "user:1")
        clock.now += 10
    with pytest.raises(TooManyRequests) as refused:
        await limiter.hit("comment", "user:1")
    assert refused.value.retry_after == 30  # the first hit, at 0 s, leaves the window at 60 s
    await limiter.hit("comment", "user:2")  # another account is not affected
    clock.now += 30
    await limiter.hit("comment", "user:1")  # the first hit has left: one more is allowed
    with pytest.raises(TooManyRequests):
        await limiter.hit("comment", "user:1")


async def test_check_does_not_count_and_a_refused_hit_does_not_count() -> None:
    clock = Clock()
    limiter = RateLimiter(None, rules={"vote": "2/minute"}, clock=clock)
    for _ in range(5):
        await limiter.check("vote", "user:1")
    await limiter.hit("vote", "user:1")
    await limiter.hit("vote", "user:1")
    for _ in range(3):
        with pytest.raises(TooManyRequests):
            await limiter.hit("vote", "user:1")
    with pytest.raises(TooManyRequests):
        await limiter.check("vote", "user:1")
    clock.now += 60  # the refused attempts did not extend the window
    await limiter.hit("vote", "user:1")


async def test_rules_are_separate_and_reset_forgets_everything() -> None:
    limiter = RateLimiter(None, rules={"comment": "1/minute", "flag": "1/hour"}, clock=Clock())
    await limiter.hit("comment", "user:1")
    await limiter.hit("flag", "user:1")
    with pytest.raises(TooManyRequests):
        await limiter.hit("flag", "user:1")
    await limiter.reset()
    await limiter.hit("comment", "user:1")
    await limiter.hit("flag", "user:1")


async def test_keys_whose_window_has_passed_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(None, rules={"comment": "10/minute", "flag": "20/hour"}, clock=clock)
    for number in range(5000):
        await limiter.hit("comment", f"user:{number}")
    await limiter.hit("flag", "user:1")
    windows = limiter.memory
    assert windows is not None and len(windows) == 5001
    clock.now += max(SWEEP_SECONDS, 60) + 1
    await limiter.hit("comment", "user:new")
    # The minute windows have passed and are gone; the hour window is still running.
    assert len(windows) == 2
    with pytest.raises(TooManyRequests):
        for _ in range(20):
            await limiter.hit("flag", "user:1")
