"""The workbench's part of a person's data (see dialog.accounts.personal_data).

Staff leave a trace of their work: which contributions they coded and which offline input they
entered. The export lists it; erasing the account keeps the codings and the contributions (they
are the department's evaluation, not the person's) but forgets who made them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.evaluation.models import Coding, OfflineSource, Theme
from dialog.i18n import iso


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    codings = await session.execute(
        select(Coding.comment_id, Theme.name, Coding.created_at)
        .join(Theme, Theme.id == Coding.theme_id)
        .where(Coding.coded_by == user_id)
        .order_by(Coding.comment_id, Theme.name)
    )
    entered = await session.scalars(
        select(OfflineSource.comment_id)
        .where(OfflineSource.entered_by == user_id)
        .order_by(OfflineSource.comment_id)
    )
    return {
        "codings": [
            {"comment_id": cid, "theme": name, "coded_at": iso(at)} for cid, name, at in codings
        ],
        "offline_input_entered": [{"comment_id": cid} for cid in entered],
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    await uow.session.execute(
        update(Coding).where(Coding.coded_by == user_id).values(coded_by=None)
    )
    await uow.session.execute(
        update(OfflineSource).where(OfflineSource.entered_by == user_id).values(entered_by=None)
    )


PART = Part("evaluation", export, erase)
