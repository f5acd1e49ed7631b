"""The Redis hub while Redis is away: publishing never raises, is logged once, and waits for
Redis at most once per retry window; when Redis is back, ids travel again."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence

import pytest

from dialog.live.hub import RedisHub
from tests.live.harness import WAIT, RedisProcess


def publish_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "publishing to Redis" in r.getMessage()]


async def test_publishing_while_redis_is_down_is_logged_once_and_tried_once_per_window(
    private_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    hub = RedisHub(private_redis.url, f"hub{os.getpid()}:events", max_delay=60)
    await hub.start()
    try:
        await hub.publish([1])
        private_redis.stop()
        caplog.set_level(logging.INFO)
        for event_id in range(2, 12):
            await hub.publish([event_id])  # never raises: the outbox has the events
        assert hub.publishing.failures == 1  # the other posts did not wait for Redis
        [line] = publish_lines(caplog)
        assert "unreachable" in line and "outbox" in line
    finally:
        await hub.stop()


async def test_when_redis_is_back_published_ids_reach_the_other_processes_again(
    private_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    channel = f"hub{os.getpid()}:back"
    sender = RedisHub(private_redis.url, channel, max_delay=0.2)
    receiver = RedisHub(private_redis.url, channel, max_delay=0.2)
    heard: list[int] = []

    async def listener(ids: Sequence[int]) -> None:
        heard.extend(ids)

    receiver.listen(listener)
    await sender.start()
    await receiver.start()
    try:
        private_redis.stop()
        caplog.set_level(logging.INFO)
        await sender.publish([1])
        await private_redis.start()
        assert await sender.ready()
        async with asyncio.timeout(WAIT):
            while not receiver.connected:
                await asyncio.sleep(0.02)
            while 2 not in heard:
                await sender.publish([2])
                await asyncio.sleep(0.05)
        back = [line for line in publish_lines(caplog) if "reachable again" in line]
        assert len(back) == 1
    finally:
        await sender.stop()
        await receiver.stop()
