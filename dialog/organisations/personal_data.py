"""Memberships in organisations as part of a person's data (see dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.i18n import iso
from dialog.organisations.models import Membership, Organisation


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    rows = await session.execute(
        select(Membership, Organisation.name)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at)
    )
    return {
        "organisation_memberships": [
            {
                "organisation": name,
                "asked_at": iso(m.created_at),
                "confirmed_at": iso(m.confirmed_at),
            }
            for m, name in rows.all()
        ]
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    await uow.session.execute(delete(Membership).where(Membership.user_id == user_id))


PART = Part("organisations", export, erase)
