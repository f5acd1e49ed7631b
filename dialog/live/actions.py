"""Writes of the live part: pruning the outbox past the retention window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from dialog.db import UnitOfWork
from dialog.live.models import ConsumerPosition, Event


async def do_prune_events(uow: UnitOfWork, older_than: datetime) -> int:
    """Delete events older than the cutoff that every durable consumer has handled (one that
    has not run since the cutoff holds nothing back: it lost those events anyway)."""
    condition = Event.created_at < older_than
    handled_by_all = await uow.session.scalar(
        select(func.min(ConsumerPosition.position)).where(ConsumerPosition.updated_at >= older_than)
    )
    if handled_by_all is not None:
        condition = condition & (Event.id <= handled_by_all)
    result = await uow.session.execute(delete(Event).where(condition))
    return int(getattr(result, "rowcount", 0) or 0)
