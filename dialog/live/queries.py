"""Reads of the outbox: batches for fan-out, replays for one socket, the retention check."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.live.models import Event


async def latest_event_id(session: AsyncSession) -> int:
    """The newest event id (0 when there is none); a page hands it to live.js as `since`."""
    return (await session.scalar(select(func.max(Event.id)))) or 0


async def events_with_ids(session: AsyncSession, ids: Collection[int]) -> Sequence[Event]:
    if not ids:
        return []
    query = select(Event).where(Event.id.in_(sorted(ids))).order_by(Event.id)
    return (await session.scalars(query)).all()


async def events_after(
    session: AsyncSession, after: int, also: Collection[int], limit: int
) -> Sequence[Event]:
    """Events above the high-water mark, plus ids below it that were still open (gaps)."""
    condition = Event.id > after
    if also:
        condition = or_(condition, Event.id.in_(sorted(also)))
    query = select(Event).where(condition).order_by(Event.id).limit(limit)
    return (await session.scalars(query)).all()


async def replay(
    session: AsyncSession, topics: Collection[str], since: int, limit: int
) -> Sequence[Event]:
    query = (
        select(Event)
        .where(Event.topic.in_(sorted(topics)), Event.id > since)
        .order_by(Event.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def created_at_of(session: AsyncSession, event_id: int) -> datetime | None:
    return await session.scalar(select(Event.created_at).where(Event.id == event_id))
