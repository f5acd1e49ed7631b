"""The rate limiter: moving windows per rule and key in the process, idle keys forgotten; in
Redis when there is one, and in the process again while it is unreachable."""

from __future__ import annotations

import itertools
import logging
import os

import pytest

from dialog.errors import TooManyRequests
from dialog.ratelimit import SWEEP_SECONDS, RateLimiter
from tests.live.harness import RedisProcess, free_port

_namespaces = itertools.count()


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


def namespace() -> str:
    return f"rl{os.getpid()}-{next(_namespaces)}"


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "dialog.ratelimit"]


async def test_with_redis_unreachable_the_same_limits_are_counted_in_the_process() -> None:
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    limiter = RateLimiter(nobody_listens, rules={"comment": "3/minute"}, clock=Clock())
    for _ in range(3):
        await limiter.hit("comment", "user:1")
    with pytest.raises(TooManyRequests):
        await limiter.hit("comment", "user:1")
    await limiter.hit("comment", "user:2")
    assert not limiter.shared


async def test_losing_redis_is_logged_once_however_many_requests_meet_it(
    private_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    limiter = RateLimiter(private_redis.url, namespace=namespace(), clock=clock)
    await limiter.hit("vote", "user:1")
    assert limiter.shared
    private_redis.stop()
    caplog.set_level(logging.INFO)
    for _ in range(20):
        await limiter.hit("vote", "user:1")
        clock.now += 0.5  # Redis is tried again every second: ten failed tries in all
    assert limiter.redis.failures == 10
    [line] = outage_lines(caplog)
    assert "unreachable" in line and "each process" in line


async def test_when_redis_is_back_its_return_is_logged_once_and_processes_share_limits_again(
    private_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    clock, shared_namespace = Clock(), namespace()
    first, second = (
        RateLimiter(private_redis.url, {"comment": "2/minute"}, shared_namespace, clock)
        for _ in range(2)
    )
    private_redis.stop()
    caplog.set_level(logging.INFO)
    for limiter in (first, second):  # each process counts alone meanwhile
        await limiter.hit("comment", "user:1")
        await limiter.hit("comment", "user:1")
    await private_redis.start()
    clock.now += 1  # the next try at Redis is due
    await first.hit("comment", "user:1")
    await second.hit("comment", "user:1")
    with pytest.raises(TooManyRequests):
        await first.hit("comment", "user:1")
    assert first.shared and second.shared
    back = [line for line in outage_lines(caplog) if "reachable again" in line]
    assert len(back) == 2  # once for each process
