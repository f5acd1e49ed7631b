"""What the notification pages read and write, in one transaction each (views import no SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dialog.db import Database
from dialog.notifications import actions, queries
from dialog.notifications.unsubscribe import turned_off


async def notification_page(
    db: Database, user_id: int, before: int | None, size: int
) -> dict[str, Any]:
    async with db.reading() as session:
        notices = await queries.for_user(session, user_id, size + 1, before)
        unread = await queries.unread_count(session, user_id)
    more = len(notices) > size
    notices = notices[:size]
    return {
        "notices": notices,
        "unread": unread,
        "older": notices[-1].id if more and notices else None,
    }


async def mark_read(db: Database, user_id: int, ids: Sequence[int], *, every: bool) -> None:
    async with db.unit_of_work() as uow:
        if every:
            await actions.do_mark_all_read(uow, user_id)
        else:
            await actions.do_mark_read(uow, user_id, ids)


async def unsubscribe(db: Database, user_id: int, scope: str) -> bool:
    """Turn off the mails the link names; False if the account is gone."""
    async with db.unit_of_work() as uow:
        if not await queries.account_exists(uow.session, user_id):
            return False
        chosen = await queries.preferences_of(uow.session, user_id)
        await actions.do_set_preferences(uow, user_id, turned_off(scope, chosen))
    return True
