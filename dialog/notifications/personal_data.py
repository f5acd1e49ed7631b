"""Notifications, follows and mail choices as part of a person's data
(see dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.i18n import iso
from dialog.notifications import queries
from dialog.notifications.follows import follows_of
from dialog.notifications.models import Follow, Notification, NotificationPreference


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    notes = await queries.for_user(session, user_id, limit=100_000)
    return {
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,  # a quoted comment only while it is public
                "url": n.url,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
            }
            for n in reversed(notes)
        ],
        "follows": [
            {"kind": f.kind, "id": f.id, "title": f.title, "automatic": f.automatic}
            for f in await follows_of(session, user_id)
        ],
        "notification_preferences": await queries.preferences_of(session, user_id),
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    for table in (Notification, Follow, NotificationPreference):
        await uow.session.execute(delete(table).where(table.user_id == user_id))


PART = Part("notifications", export, erase)
