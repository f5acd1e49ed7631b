"""Discussion fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from dialog.discussion.voting import VoteEvents


@pytest.fixture(autouse=True)
async def _flush_vote_events(app: Starlette) -> AsyncIterator[None]:
    # Pending vote events are written while the test's app still runs. Written during shutdown
    # on PostgreSQL + Redis, the live service's stop() was seen to hang (reported to live).
    yield
    events: VoteEvents = app.state.services.vote_events
    await events.flush()
