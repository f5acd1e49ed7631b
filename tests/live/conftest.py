"""Fixtures of the live tests: the app served by a real uvicorn (a private Redis: conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from tests.live.harness import serving


@pytest.fixture
async def live_url(app: Starlette) -> AsyncIterator[str]:
    async with serving(app) as url:
        yield url
