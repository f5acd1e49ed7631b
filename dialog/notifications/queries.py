"""Reads for notifications: a person's notices (what may still be quoted), counts, and what
the consumer needs to know about comments, answers and procedures."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dialog.accounts.models import User
from dialog.direct import Script, Sql, run_in_session
from dialog.discussion.models import Comment, CommentStatus
from dialog.live.models import Event
from dialog.markup import plain_text
from dialog.notifications.follows import Target
from dialog.notifications.models import Notification, NotificationPreference
from dialog.procedures.models import Procedure, Status, Thread, procedure_districts
from dialog.results.models import Answer
from dialog.results.queries import author_and_voters

__all__ = ["author_and_voters"]

EXCERPT = 300


@dataclass(frozen=True)
class Notice:
    """A notification as its reader sees it now: a quoted comment only while it is public."""

    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    comment_id: int | None
    withdrawn: bool  # it quoted a comment that is no longer public


COLUMNS = (
    Notification.id,
    Notification.user_id,
    Notification.kind,
    Notification.title,
    Notification.body,
    Notification.url,
    Notification.created_at,
    Notification.read_at,
    Notification.comment_id,
    Comment.status,
    Comment.html,
)


# Columns, not entities: a digest reads a million of them.
WITH_COMMENT = select(*COLUMNS).outerjoin(Comment, Comment.id == Notification.comment_id)


def _notice(row: Sequence[Any]) -> Notice:
    (id_, _user, kind, title, body, url, created_at, read_at, comment_id, status, html) = row
    withdrawn = False
    if comment_id is not None:
        withdrawn = status != CommentStatus.published
        body = "" if withdrawn else plain_text(html or "")[:EXCERPT]
    return Notice(id_, kind, title, body, url, created_at, read_at, comment_id, withdrawn)


async def for_user(
    session: AsyncSession, user_id: int, limit: int = 50, before: int | None = None
) -> list[Notice]:
    query = WITH_COMMENT.where(Notification.user_id == user_id)
    if before is not None:
        query = query.where(Notification.id < before)
    rows = await session.execute(query.order_by(Notification.id.desc()).limit(limit))
    return [_notice(row) for row in rows]


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> list[tuple[int, Notice]]:
    """Notices by id with their readers' ids, in id order (for mails)."""
    rows = await session.execute(
        WITH_COMMENT.where(Notification.id.in_(ids)).order_by(Notification.id)
    )
    return [(row[1], _notice(row)) for row in rows]


_UNREAD = "SELECT count(*) FROM notifications WHERE user_id = {user} AND read_at IS NULL"
UNREAD = Sql(_UNREAD.format(user=":user"))
# The same count as a column of the signed-in request's credential (the user `u`): the header
# of every signed-in page shows it (accounts.queries.with_column, dialog.web.navigation).
UNREAD_COLUMN = f"({_UNREAD.format(user='u.id')})"


def unread(user_id: int) -> Script[int]:
    """The reader's unread notices: one indexed count, asked by every signed-in page's header
    (on the driver, dialog.web.navigation) and by the pages and API below in their session."""
    rows = yield UNREAD(user=user_id)
    return int(rows[0][0])


async def unread_count(session: AsyncSession, user_id: int) -> int:
    return await run_in_session(session, unread(user_id))


async def preferences_of(session: AsyncSession, user_id: int) -> dict[str, str]:
    rows = await session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode).where(
            NotificationPreference.user_id == user_id
        )
    )
    return {kind: mode for kind, mode in rows}


@dataclass(frozen=True)
class CommentNotice:
    id: int
    thread_id: int
    thread_title: str
    author_id: int | None
    parent_author_id: int | None
    html: str


async def comments_for_notice(
    session: AsyncSession, comment_ids: Collection[int]
) -> dict[int, CommentNotice]:
    """The published ones of these comments (one statement for a consumer's whole batch)."""
    if not comment_ids:
        return {}
    parent = aliased(Comment)
    rows = await session.execute(
        select(
            Comment.id,
            Comment.thread_id,
            Thread.title,
            Comment.author_id,
            parent.author_id,
            Comment.html,
        )
        .join(Thread, Thread.id == Comment.thread_id)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .where(Comment.id.in_(sorted(comment_ids)), Comment.status == CommentStatus.published)
    )
    return {row[0]: CommentNotice(*row) for row in rows}


async def answer_author(session: AsyncSession, answer_id: int) -> int | None:
    return await session.scalar(select(Answer.author_id).where(Answer.id == answer_id))


@dataclass(frozen=True)
class ProcedureNotice:
    id: int
    title: str
    targets: list[Target]  # the procedure, its department and its districts


async def procedure_for_notice(session: AsyncSession, procedure_id: int) -> ProcedureNotice | None:
    row = (
        await session.execute(
            select(Procedure.title, Procedure.department_id).where(
                Procedure.id == procedure_id,
                Procedure.status == Status.public,  # a draft's changes are nobody's news yet
            )
        )
    ).first()
    if row is None:
        return None
    districts = await session.scalars(
        select(procedure_districts.c.district_id).where(
            procedure_districts.c.procedure_id == procedure_id
        )
    )
    targets = [Target("procedure", procedure_id), Target("department", row[1])]
    targets += [Target("district", d) for d in districts]
    return ProcedureNotice(procedure_id, row[0], targets)


async def mail_possible(session: AsyncSession, user_id: int) -> bool:
    """A confirmed address, and mail not switched off on the profile."""
    row = (
        await session.execute(
            select(User.email, User.email_verified_at, User.notify_by_mail).where(
                User.id == user_id
            )
        )
    ).first()
    return row is not None and bool(row[0]) and row[1] is not None and bool(row[2])


async def account_exists(session: AsyncSession, user_id: int) -> bool:
    found = await session.scalar(
        select(User.id).where(User.id == user_id, User.deleted_at.is_(None))
    )
    return found is not None


async def latest_event_id(session: AsyncSession) -> int:
    """Where a page's live subscription starts (what came before is on the page)."""
    return await session.scalar(select(func.max(Event.id))) or 0
