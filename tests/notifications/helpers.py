"""Waiting for the notification consumer, and running the mail jobs at a chosen moment."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from dialog.db import Database, utcnow
from dialog.live.models import ConsumerPosition, Event
from dialog.notifications import mailing
from dialog.settings import Settings
from dialog.web.templating import make_templates


async def consumed(db: Database, timeout: float = 10) -> None:
    """Wait until the app's notification consumer has come past every stored event (it wakes
    on the commit that stored them; no test runs it by hand)."""
    deadline = time.monotonic() + timeout
    while True:
        async with db.reading() as session:
            latest = await session.scalar(select(func.max(Event.id))) or 0
            row = await session.get(ConsumerPosition, "notifications")
        if row is not None and row.position >= latest:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the consumer is at {row and row.position}, events at {latest}")
        await asyncio.sleep(0.02)


def after_hold_back(minutes: int = 11) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


async def mail_now(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Run the immediate-mail job as if the hold-back had passed."""
    env = make_templates().env
    return await mailing.run_immediate(db, settings, env, now or after_hold_back())


async def digests(db: Database, settings: Settings, now: datetime) -> int:
    return await mailing.run_digests(db, settings, make_templates().env, now)
