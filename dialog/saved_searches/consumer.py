"""The durable consumer that announces new procedures to matching saved searches."""

from __future__ import annotations

from collections.abc import Sequence

from dialog.db import UnitOfWork
from dialog.live.models import Event
from dialog.procedures.events import PROCEDURE_PUBLISHED
from dialog.saved_searches.actions import do_announce
from dialog.settings import Settings


class SavedSearchConsumer:
    """Reads `procedure.published` from its stored position (dialog/live/consumers.py); the
    match rows make a repeated event change nothing."""

    name = "saved-searches"
    types = frozenset({PROCEDURE_PUBLISHED.name})

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        for event in events:
            procedure_id = event.data.get("id")
            if isinstance(procedure_id, int):
                await do_announce(uow, self.settings, procedure_id)
