"""Notifications as part of a person's data (see dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.i18n import iso
from dialog.notifications.models import Notification


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    notes = (
        await session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        )
    ).all()
    return {
        "notifications": [
            {"title": n.title, "body": n.body, "url": n.url, "created_at": iso(n.created_at)}
            for n in notes
        ]
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    await uow.session.execute(delete(Notification).where(Notification.user_id == user_id))


PART = Part("notifications", export, erase)
