"""Saved searches as part of a person's data (see dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.i18n import iso
from dialog.saved_searches import queries
from dialog.saved_searches.models import SavedSearch


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    return {
        "saved_searches": [
            {"filters": s.filters, "label": s.label, "created_at": iso(s.created_at)}
            for s in await queries.of_user(session, user_id)
        ]
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    # Their match rows go with them (ON DELETE CASCADE).
    await uow.session.execute(delete(SavedSearch).where(SavedSearch.user_id == user_id))


PART = Part("saved_searches", export, erase)
