"""Reads for district pages that no other part offers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.concerns import policy as concern_policy
from dialog.concerns.models import Concern

LIMIT = 20


async def public_concerns(session: AsyncSession, district_id: int) -> Sequence[Concern]:
    """The district's public ideas and complaints, newest first."""
    return (
        await session.scalars(
            select(Concern)
            .where(
                Concern.district_id == district_id,
                Concern.is_public.is_(True),
                Concern.state.in_(tuple(concern_policy.VISIBLE)),
            )
            .order_by(Concern.id.desc())
            .limit(LIMIT)
        )
    ).all()
