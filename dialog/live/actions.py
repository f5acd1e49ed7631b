"""Writes of the live part: pruning the outbox past the retention window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from dialog.db import UnitOfWork
from dialog.live.models import Event


async def do_prune_events(uow: UnitOfWork, older_than: datetime) -> int:
    result = await uow.session.execute(delete(Event).where(Event.created_at < older_than))
    return int(getattr(result, "rowcount", 0) or 0)
