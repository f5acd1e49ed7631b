"""Reads of the mail outbox."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.mail.models import OutboxMail


async def mails_of(session: AsyncSession, user_id: int) -> Sequence[OutboxMail]:
    """The mail kept for an account (queued, or sent in the last days): part of its export."""
    return (
        await session.scalars(
            select(OutboxMail).where(OutboxMail.user_id == user_id).order_by(OutboxMail.id)
        )
    ).all()
