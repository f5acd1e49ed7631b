"""The mail jobs' reads and claims: who has notices waiting, claim them, who is still active."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import ApiToken, LoginSession, User
from dialog.notifications.kinds import Mode
from dialog.notifications.models import Notification


def _waiting(mode: Mode):  # type: ignore[no-untyped-def]  # a list of conditions
    return [Notification.delivery == mode.value, Notification.mailed_at.is_(None)]


async def waiting_people(
    session: AsyncSession,
    mode: Mode,
    oldest_before: datetime | None,
    created_before: datetime | None,
    after: int = 0,
    limit: int = 1_000,
) -> list[int]:
    """Up to `limit` people with notices waiting for this mode: for the immediate mail, those
    whose oldest waiting notice is older than `oldest_before`; for a digest, those with a
    notice from before `created_before`; in id order after `after`."""
    query = select(Notification.user_id).where(*_waiting(mode), Notification.user_id > after)
    if created_before is not None:
        query = query.where(Notification.created_at < created_before).distinct()
    if oldest_before is not None:
        query = query.group_by(Notification.user_id).having(
            func.min(Notification.created_at) <= oldest_before
        )
    return list(await session.scalars(query.order_by(Notification.user_id).limit(limit)))


async def claim(
    session: AsyncSession,
    mode: Mode,
    people: Sequence[int],
    created_before: datetime | None,
    now: datetime,
) -> dict[int, list[int]]:
    """Mark the waiting notices of these people as mailed; returns their ids per person.
    A concurrent claimer (another process) finds them taken: the WHERE is checked again."""
    conditions = [*_waiting(mode), Notification.user_id.in_(people)]
    if created_before is not None:
        conditions.append(Notification.created_at < created_before)
    rows = await session.execute(
        update(Notification)
        .where(*conditions)
        .values(mailed_at=now)
        .returning(Notification.id, Notification.user_id)
    )
    claimed: dict[int, list[int]] = {}
    for notification_id, user_id in rows:
        claimed.setdefault(user_id, []).append(notification_id)
    for ids in claimed.values():
        ids.sort()
    return claimed


async def active_among(session: AsyncSession, people: Sequence[int], since: datetime) -> set[int]:
    """Those who signed up, were seen in a session or used a token since `since`."""
    seen = select(LoginSession.user_id).where(
        LoginSession.user_id.in_(people), LoginSession.last_seen_at >= since
    )
    used = select(ApiToken.user_id).where(
        ApiToken.user_id.in_(people), ApiToken.last_used_at >= since
    )
    new = select(User.id).where(User.id.in_(people), User.created_at >= since)
    return set(await session.scalars(seen.union(used, new)))


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    locale: str
    display_name: str


async def recipients(session: AsyncSession, people: Sequence[int]) -> list[Recipient]:
    """The people among `people` who still have an address to mail."""
    rows = await session.execute(
        select(User.id, User.email, User.locale, User.display_name).where(
            User.id.in_(people), User.deleted_at.is_(None), User.email.is_not(None)
        )
    )
    return [Recipient(i, str(e), loc, name) for i, e, loc, name in rows]
