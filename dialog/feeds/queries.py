"""Reads for the feeds: only what every visitor may read now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import User
from dialog.discussion.models import Comment, CommentStatus
from dialog.organisations.models import Organisation
from dialog.procedures.models import Department
from dialog.results.models import Answer, Decision
from dialog.results.present import answer_out
from dialog.results.schemas import AnswerOut

LIMIT = 50  # entries per feed: readers poll, they do not page back


@dataclass(frozen=True)
class PublicComment:
    id: int
    html: str
    created_at: datetime
    edited_at: datetime | None
    author_name: str | None  # None: the account is gone


async def top_level_comments(session: AsyncSession, thread_id: int) -> list[PublicComment]:
    """The newest published top-level comments of a thread, with their authors' pseudonyms."""
    rows = await session.execute(
        select(
            Comment.id,
            Comment.html,
            Comment.created_at,
            Comment.edited_at,
            Comment.author_id,
            User.display_name,
            User.deleted_at,
            Organisation.name,
        )
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(Organisation, Organisation.id == Comment.organisation_id)
        .where(
            Comment.thread_id == thread_id,
            Comment.parent_id.is_(None),
            Comment.status == CommentStatus.published,
        )
        .order_by(Comment.id.desc())
        .limit(LIMIT)
    )
    return [
        PublicComment(
            id,
            html,
            created,
            edited,
            # Posted as an organisation: its name, never the person's.
            organisation or (name if author_id is not None and deleted is None else None),
        )
        for id, html, created, edited, author_id, name, deleted, organisation in rows
    ]


async def thread_answers(session: AsyncSession, thread_ids: Sequence[int]) -> list[AnswerOut]:
    """The official answers in these threads, newest change first (they are the department's
    public word, shown also when the answered comment was later hidden)."""
    if not thread_ids:
        return []
    rows = await session.execute(
        select(Answer, Department.name)
        .join(Department, Department.id == Answer.department_id)
        .where(Answer.thread_id.in_(list(thread_ids)))
        .order_by(Answer.updated_at.desc(), Answer.id.desc())
        .limit(LIMIT)
    )
    return [answer_out(answer, name) for answer, name in rows]


async def decision(session: AsyncSession, procedure_id: int) -> Decision | None:
    return await session.get(Decision, procedure_id)
