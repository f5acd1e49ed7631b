"""What a person wrote in reviews, as part of their data (see dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.i18n import iso
from dialog.review.models import Entry


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    entries = (
        await session.scalars(select(Entry).where(Entry.author_id == user_id).order_by(Entry.id))
    ).all()
    return {
        "review_entries": [
            {
                "procedure_id": e.procedure_id,
                "kind": e.kind,
                "body": e.body,
                "created_at": iso(e.created_at),
            }
            for e in entries
        ]
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    """The review's record stays (it is the administration's working file); it loses the name,
    and the text too when the person asked for their content to be removed."""
    values: dict[str, Any] = {"author_id": None}
    if remove_content:
        values["body"] = ""
    await uow.session.execute(update(Entry).where(Entry.author_id == user_id).values(**values))


PART = Part("review", export, erase)
