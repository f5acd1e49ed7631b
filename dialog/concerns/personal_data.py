"""Ideas and complaints in a person's data export and account erasure.

Export: the person's own items (with text, place, photos' numbers, state, answers' dates) and
the items they support. Erasure: support is withdrawn; own items lose the author (or, when
the person asks to remove what they wrote, are deleted with their photos).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import User
from dialog.accounts.personal_data import Part
from dialog.concerns.models import Concern, Photo, Supporter
from dialog.db import UnitOfWork


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    own = (
        await session.scalars(
            select(Concern).where(Concern.author_id == user_id).order_by(Concern.id)
        )
    ).all()
    photo_rows = (
        await session.execute(
            select(Photo.concern_id, Photo.id)
            .join(Concern, Concern.id == Photo.concern_id)
            .where(Concern.author_id == user_id)
        )
    ).all()
    photos: dict[int, list[int]] = {}
    for concern_id, photo_id in photo_rows:
        photos.setdefault(concern_id, []).append(photo_id)
    supported = (
        await session.scalars(
            select(Supporter.concern_id)
            .where(Supporter.user_id == user_id)
            .order_by(Supporter.concern_id)
        )
    ).all()
    return {
        "concerns": [
            {
                "id": item.id,
                "kind": item.kind,
                "text": item.text,
                "place": item.place,
                "lat": item.lat,
                "lon": item.lon,
                "public": item.is_public,
                "show_name": item.show_name,
                "state": item.state,
                "channel": item.channel,
                "created_at": item.created_at.isoformat(),
                "answered_at": item.answered_at.isoformat() if item.answered_at else None,
                "satisfaction": item.satisfaction,
                "photos": [f"/concerns/photos/{pid}" for pid in photos.get(item.id, [])],
            }
            for item in own
        ],
        "concerns_supported": list(supported),
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    supported = (
        await uow.session.scalars(select(Supporter.concern_id).where(Supporter.user_id == user_id))
    ).all()
    await uow.session.execute(delete(Supporter).where(Supporter.user_id == user_id))
    for concern_id in supported:
        count = select(func.count()).where(Supporter.concern_id == concern_id).scalar_subquery()
        await uow.session.execute(
            update(Concern).where(Concern.id == concern_id).values(supporter_count=count)
        )
    if remove_content:
        await uow.session.execute(delete(Concern).where(Concern.author_id == user_id))
    else:
        await uow.session.execute(
            update(Concern)
            .where(Concern.author_id == user_id)
            .values(author_id=None, author_name="", show_name=False)
        )


async def renamed(uow: UnitOfWork, user_id: int) -> None:
    name = select(User.display_name).where(User.id == user_id).scalar_subquery()
    await uow.session.execute(
        update(Concern).where(Concern.author_id == user_id).values(author_name=name)
    )


PART = Part("concerns", export, erase, renamed)
