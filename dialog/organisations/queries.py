"""Reads for organisations and their members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from dialog.accounts.models import User
from dialog.organisations.models import Membership, Organisation, organisation_districts


async def organisations(session: AsyncSession) -> Sequence[Organisation]:
    rows = await session.scalars(
        select(Organisation)
        .options(selectinload(Organisation.districts))
        .order_by(Organisation.name)
    )
    return rows.unique().all()


async def organisation(session: AsyncSession, slug: str) -> Organisation | None:
    found: Organisation | None = await session.scalar(
        select(Organisation)
        .where(Organisation.slug == slug)
        .options(selectinload(Organisation.districts))
    )
    return found


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    found = await session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    return found is not None


async def in_district(session: AsyncSession, district_id: int) -> Sequence[Organisation]:
    rows = await session.scalars(
        select(Organisation)
        .join(organisation_districts, organisation_districts.c.organisation_id == Organisation.id)
        .where(organisation_districts.c.district_id == district_id)
        .order_by(Organisation.name)
    )
    return rows.all()


async def confirmed_of(session: AsyncSession, user_id: int | None) -> Sequence[Organisation]:
    """The organisations a person may act for."""
    if user_id is None:
        return []
    rows = await session.scalars(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user_id, Membership.confirmed_at.is_not(None))
        .order_by(Organisation.name)
    )
    return rows.all()


async def membership(
    session: AsyncSession, organisation_id: int, user_id: int
) -> Membership | None:
    return await session.get(Membership, (organisation_id, user_id))


async def members(session: AsyncSession, organisation_id: int) -> list[tuple[Membership, str]]:
    """Members with their display names (for the office)."""
    rows = await session.execute(
        select(Membership, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id)
        .order_by(Membership.created_at)
    )
    return [(m, name) for m, name in rows.all()]


async def pending_members(session: AsyncSession) -> list[tuple[Membership, str, Organisation]]:
    """Requests to act for an organisation that the office has not confirmed yet."""
    rows = await session.execute(
        select(Membership, User.display_name, Organisation)
        .join(User, User.id == Membership.user_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.confirmed_at.is_(None))
        .order_by(Membership.created_at)
    )
    return [(m, name, org) for m, name, org in rows.all()]
