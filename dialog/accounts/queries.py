"""Reads for accounts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import ApiToken, LoginSession, User
from dialog.accounts.secrets import token_hash


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == email.lower()))


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def session_with_user(
    session: AsyncSession, raw_token: str
) -> tuple[LoginSession, User] | None:
    row = (
        await session.execute(
            select(LoginSession, User)
            .join(User, User.id == LoginSession.user_id)
            .where(
                LoginSession.token_hash == token_hash(raw_token),
                LoginSession.revoked_at.is_(None),
                User.deleted_at.is_(None),
            )
        )
    ).first()
    return (row[0], row[1]) if row else None


async def token_with_user(session: AsyncSession, raw_token: str) -> tuple[ApiToken, User] | None:
    row = (
        await session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(
                ApiToken.token_hash == token_hash(raw_token),
                ApiToken.revoked_at.is_(None),
                User.deleted_at.is_(None),
            )
        )
    ).first()
    return (row[0], row[1]) if row else None
