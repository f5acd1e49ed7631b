"""The discussion's part of a person's data: comments, votes and flags (see
dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.discussion.authors import erase_author, forget_author_name
from dialog.discussion.models import Comment, Flag, Vote
from dialog.i18n import iso


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    comments = (
        await session.scalars(
            select(Comment).where(Comment.author_id == user_id).order_by(Comment.id)
        )
    ).all()
    votes = (
        await session.scalars(select(Vote).where(Vote.user_id == user_id).order_by(Vote.comment_id))
    ).all()
    flags = (
        await session.scalars(select(Flag).where(Flag.user_id == user_id).order_by(Flag.id))
    ).all()
    return {
        "comments": [
            {
                "id": c.id,
                "thread_id": c.thread_id,
                "parent_id": c.parent_id,
                "body": c.body,
                "status": c.status,
                "stance": c.stance,
                "organisation_id": c.organisation_id,  # posted as it
                "created_at": iso(c.created_at),
                "edited_at": iso(c.edited_at),
            }
            for c in comments
        ],
        "votes": [
            {"comment_id": v.comment_id, "value": v.value, "created_at": iso(v.created_at)}
            for v in votes
        ],
        "flags": [
            {
                "comment_id": f.comment_id,
                "reason": f.reason,
                "note": f.note,
                "created_at": iso(f.created_at),
            }
            for f in flags
        ],
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    await erase_author(uow, user_id, remove_comments=remove_content)


async def renamed(uow: UnitOfWork, user_id: int) -> None:
    await forget_author_name(uow, user_id)


PART = Part("discussion", export, erase, renamed)
