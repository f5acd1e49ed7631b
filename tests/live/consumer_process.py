"""A second process for the consumer tests: runs a counting consumer until told to stop.

python -m tests.live.consumer_process DATABASE_URL STOP_FILE
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

import dialog.models  # noqa: F401  (every table, for the foreign keys)
from dialog.db import Database, UnitOfWork
from dialog.live.consumers import run_round
from dialog.live.models import Event
from dialog.notifications.models import Notification


class Counting:
    """Writes one notification per event, without looking for an earlier one: a doubled
    event shows as a doubled row."""

    name = "counting"
    types = frozenset({"test.happened"})

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        uow.session.add_all(
            Notification(user_id=self.user_id, kind="test", title=f"event {event.id}")
            for event in events
        )


async def main(url: str, user_id: int, stop_file: Path) -> None:
    db = Database(url)
    consumer = Counting(user_id)
    try:
        while not stop_file.exists():
            await run_round(db, consumer, batch=7)
            await asyncio.sleep(0.01)
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
