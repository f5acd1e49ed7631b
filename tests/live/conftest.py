"""Fixtures of the live tests: the app served by a real uvicorn, a private Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from tests.live.harness import RedisProcess, serving


@pytest.fixture
async def live_url(app: Starlette) -> AsyncIterator[str]:
    async with serving(app) as url:
        yield url


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[RedisProcess]:
    redis = RedisProcess(tmp_path / "redis")
    await redis.start()
    try:
        yield redis
    finally:
        redis.stop()
