"""Reads of moderation: the queue with its context, an author's view, figures, the audit log."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import User
from dialog.db import utcnow
from dialog.discussion.models import Comment, Flag
from dialog.live.models import Event
from dialog.organisations.models import Organisation
from dialog.procedures.models import Procedure, Thread
from moderation import policy
from moderation.models import Appeal, AuditEntry, Decision, ReviewItem

QUEUE_LIMIT = 500


@dataclass
class Parent:
    id: int
    html: str
    status: str
    author_name: str | None


@dataclass
class QueueItem:
    comment_id: int
    version: int
    status: str
    html: str
    created_at: datetime
    entered_at: datetime
    reasons: list[str]
    thread_id: int
    thread_title: str
    procedure_id: int
    procedure_title: str
    author_id: int | None
    author_name: str | None
    parent_id: int | None = None
    organisation_name: str | None = None  # posted as it; the queue names the person too
    flags: dict[str, int] = field(default_factory=dict)
    flag_weight: float = 0.0
    claimed_by: int | None = None
    claimed_by_name: str | None = None
    claim_expires_at: datetime | None = None
    excluded_moderator_id: int | None = None
    appeal_text: str | None = None
    parent: Parent | None = None
    author_history: dict[str, int] = field(default_factory=dict)
    author_since: datetime | None = None  # when the author's account was made
    flag_notes: list[tuple[str, str]] = field(default_factory=list)  # (reason, reporter's note)


QueueRow = Select[Comment, ReviewItem, str, int, str, str, str]


def _queue_query(procedure_id: int | None, comment_id: int | None) -> QueueRow:
    entered = func.coalesce(ReviewItem.open_since, Comment.created_at)
    query = (
        select(
            Comment,
            ReviewItem,
            Thread.title,
            Procedure.id,
            Procedure.title,
            User.display_name,
            Organisation.name,
        )
        .outerjoin(ReviewItem, ReviewItem.comment_id == Comment.id)
        .join(Thread, Thread.id == Comment.thread_id)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(Organisation, Organisation.id == Comment.organisation_id)
    )
    if comment_id is not None:
        return query.where(Comment.id == comment_id)
    query = query.where(or_(Comment.status == "pending", ReviewItem.open_since.is_not(None)))
    if procedure_id is not None:
        query = query.where(Procedure.id == procedure_id)
    return query.order_by(entered, Comment.id).limit(QUEUE_LIMIT)


async def queue(
    session: AsyncSession,
    *,
    procedure_id: int | None = None,
    reason: str | None = None,
    older_than_hours: int | None = None,
    sort: str = "oldest",
) -> list[QueueItem]:
    """One inbox across all procedures, oldest first (or by the flaggers' weight)."""
    items = await _load(session, _queue_query(procedure_id, None))
    if reason:
        items = [item for item in items if reason in item.reasons]
    if older_than_hours:
        limit = utcnow() - timedelta(hours=older_than_hours)
        items = [item for item in items if item.entered_at <= limit]
    if sort == "weight":
        items.sort(key=lambda item: (-item.flag_weight, item.entered_at, item.comment_id))
    return items


async def item(session: AsyncSession, comment_id: int) -> QueueItem | None:
    """One comment as the queue shows it, in the queue or not (the fresh view after a 409)."""
    found = await _load(session, _queue_query(None, comment_id))
    return found[0] if found else None


async def _load(session: AsyncSession, query: QueueRow) -> list[QueueItem]:
    rows = (await session.execute(query)).all()
    items: list[QueueItem] = []
    for comment, review, thread_title, procedure_id, procedure_title, author_name, org in rows:
        open_reason = review.open_reason if review else None
        reasons = [comment.held_by] if comment.status == "pending" and comment.held_by else []
        if open_reason:
            reasons.append(open_reason)
        items.append(
            QueueItem(
                comment_id=comment.id,
                version=review.version if review else 0,
                status=comment.status,
                html=comment.html,
                created_at=comment.created_at,
                entered_at=(review.open_since if review and review.open_since else None)
                or comment.created_at,
                reasons=reasons,
                thread_id=comment.thread_id,
                thread_title=thread_title,
                procedure_id=procedure_id,
                procedure_title=procedure_title,
                author_id=comment.author_id,
                author_name=author_name,
                organisation_name=org,
                parent_id=comment.parent_id,
                claimed_by=review.claimed_by if review else None,
                claim_expires_at=review.claim_expires_at if review else None,
                excluded_moderator_id=review.excluded_moderator_id if review else None,
            )
        )
    await _add_context(session, items)
    return items


async def _add_context(session: AsyncSession, items: Sequence[QueueItem]) -> None:
    ids = [item.comment_id for item in items]
    if not ids:
        return
    flags = (
        await session.execute(
            select(Flag.comment_id, Flag.reason, Flag.user_id, Flag.note)
            .where(Flag.comment_id.in_(ids), Flag.reviewed_at.is_(None))
            .order_by(Flag.id)
        )
    ).all()
    flaggers = {user_id for _, _, user_id, _note in flags if user_id is not None}
    weights: dict[int, float] = {}
    if flaggers:
        records = await session.execute(
            select(
                Flag.user_id,
                func.count(Flag.reviewed_at),
                func.count(Flag.id).filter(Flag.upheld.is_(True)),
            )
            .where(Flag.user_id.in_(flaggers))
            .group_by(Flag.user_id)
        )
        weights = {
            uid: policy.flag_weight(up, reviewed)
            for uid, reviewed, up in records
            if uid is not None
        }
    by_id = {item.comment_id: item for item in items}
    for comment_id, reason, user_id, note in flags:
        target = by_id[comment_id]
        target.flags[reason] = target.flags.get(reason, 0) + 1
        if note:
            target.flag_notes.append((reason, note))
        target.flag_weight += weights.get(user_id, 0.5) if user_id is not None else 0.5
    parent_ids = [item.parent_id for item in items if item.parent_id is not None]
    if parent_ids:
        parents = await session.execute(
            select(Comment.id, Comment.html, Comment.status, User.display_name)
            .outerjoin(User, User.id == Comment.author_id)
            .where(Comment.id.in_(parent_ids))
        )
        found = {row[0]: Parent(row[0], row[1], row[2], row[3]) for row in parents}
        for entry in items:
            if entry.parent_id is not None:
                entry.parent = found.get(entry.parent_id)
    authors = {item.author_id for item in items if item.author_id is not None}
    history: dict[int, dict[str, int]] = defaultdict(dict)
    if authors:
        counted = await session.execute(
            select(Decision.author_id, Decision.action, func.count())
            .where(Decision.author_id.in_(authors))
            .group_by(Decision.author_id, Decision.action)
        )
        for author_id, action, count in counted:
            if author_id is not None:
                history[author_id][action] = count
        since = dict(
            (
                await session.execute(select(User.id, User.created_at).where(User.id.in_(authors)))
            ).all()
        )
        for entry in items:
            if entry.author_id is not None:
                entry.author_since = since.get(entry.author_id)
    claimers = {item.claimed_by for item in items if item.claimed_by is not None}
    names: dict[int, str] = {}
    if claimers:
        names = dict(
            (
                await session.execute(
                    select(User.id, User.display_name).where(User.id.in_(claimers))
                )
            ).all()
        )
    appeals = dict(
        (
            await session.execute(
                select(Appeal.comment_id, Appeal.text).where(
                    Appeal.comment_id.in_(ids), Appeal.resolved_at.is_(None)
                )
            )
        ).all()
    )
    now = utcnow()
    for entry in items:
        if entry.author_id is not None:
            entry.author_history = history.get(entry.author_id, {})
        if entry.claim_expires_at is None or entry.claim_expires_at <= now:
            entry.claimed_by = None
            entry.claim_expires_at = None
        elif entry.claimed_by is not None:
            entry.claimed_by_name = names.get(entry.claimed_by)
        entry.appeal_text = appeals.get(entry.comment_id)


# -- the author's view -------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorStatus:
    comment_id: int
    thread_id: int
    author_id: int | None
    status: str
    html: str
    held_by: str | None
    reason: str | None
    note: str | None
    decided_at: datetime | None
    appealed: bool
    appeal_open: bool


async def author_status(session: AsyncSession, comment_id: int) -> AuthorStatus | None:
    comment = await session.get(Comment, comment_id)
    if comment is None:
        return None
    last = await session.scalar(
        select(Decision)
        .where(Decision.comment_id == comment_id)
        .order_by(Decision.id.desc())
        .limit(1)
    )
    appeal = await session.scalar(select(Appeal).where(Appeal.comment_id == comment_id))
    return AuthorStatus(
        comment_id=comment.id,
        thread_id=comment.thread_id,
        author_id=comment.author_id,
        status=comment.status,
        html=comment.html,
        held_by=comment.held_by,
        reason=last.reason if last else None,
        note=last.note if last else None,
        decided_at=last.created_at if last else None,
        appealed=appeal is not None,
        appeal_open=appeal is not None and appeal.resolved_at is None,
    )


async def decision_reasons_for_author(
    session: AsyncSession, author_id: int, comment_ids: Sequence[int]
) -> dict[int, str]:
    """The latest decision reason per comment of this author (for the thread page)."""
    if not comment_ids:
        return {}
    rows = await session.execute(
        select(Decision.comment_id, Decision.reason)
        .where(Decision.author_id == author_id, Decision.comment_id.in_(comment_ids))
        .order_by(Decision.id)
    )
    return dict(rows.all())


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    procedure_id: int
    procedure_title: str
    queue_length: int
    decisions: int
    median_seconds_to_decision: float | None
    decisions_by_reason: dict[str, int]


async def figures_for_procedure(session: AsyncSession, procedure_id: int) -> Figures:
    """Queue length, median time to decision and decisions by reason for one procedure."""
    title = await session.scalar(select(Procedure.title).where(Procedure.id == procedure_id))
    length = (
        await session.scalar(
            select(func.count())
            .select_from(Comment)
            .join(Thread, Thread.id == Comment.thread_id)
            .outerjoin(ReviewItem, ReviewItem.comment_id == Comment.id)
            .where(
                Thread.procedure_id == procedure_id,
                or_(Comment.status == "pending", ReviewItem.open_since.is_not(None)),
            )
        )
    ) or 0
    rows = (
        await session.execute(
            select(Decision.reason, Decision.waited_seconds).where(
                Decision.procedure_id == procedure_id
            )
        )
    ).all()
    waits = [wait for _, wait in rows if wait is not None]
    return Figures(
        procedure_id=procedure_id,
        procedure_title=title or "",
        queue_length=length,
        decisions=len(rows),
        median_seconds_to_decision=statistics.median(waits) if waits else None,
        decisions_by_reason=dict(Counter(reason for reason, _ in rows)),
    )


async def figures(session: AsyncSession) -> list[Figures]:
    """Figures for every procedure that had anything to moderate."""
    decided = select(Decision.procedure_id).where(Decision.procedure_id.is_not(None))
    queued = (
        select(Thread.procedure_id)
        .join(Comment, Comment.thread_id == Thread.id)
        .outerjoin(ReviewItem, ReviewItem.comment_id == Comment.id)
        .where(or_(Comment.status == "pending", ReviewItem.open_since.is_not(None)))
    )
    found = (await session.scalars(decided.union(queued))).all()
    ids = sorted({pid for pid in found if pid is not None})
    return [await figures_for_procedure(session, pid) for pid in ids]


async def procedures(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await session.execute(select(Procedure.id, Procedure.title).order_by(Procedure.title))
    return list(rows.all())


# -- audit log ---------------------------------------------------------------------------------


async def audit_page(
    session: AsyncSession, before_id: int | None, limit: int
) -> list[tuple[AuditEntry, str | None]]:
    query = select(AuditEntry, User.display_name).outerjoin(User, User.id == AuditEntry.actor_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = await session.execute(query.order_by(AuditEntry.id.desc()).limit(limit))
    return list(rows.all())


async def audit_rows(session: AsyncSession) -> AsyncIterator[AuditEntry]:
    result = await session.stream_scalars(select(AuditEntry).order_by(AuditEntry.id))
    async for entry in result:
        yield entry


async def latest_event_id(session: AsyncSession) -> int:
    """Where a freshly rendered queue page starts listening."""
    found = await session.scalar(select(func.max(Event.id)).where(Event.topic == "moderation"))
    return found or 0


async def queue_length(session: AsyncSession) -> int:
    """How many posts wait in the open queue (held, or reopened by flags or an appeal): two
    counts on indexed columns, for the header of every moderator's page."""
    held = await session.scalar(
        select(func.count()).select_from(Comment).where(Comment.status == "pending")
    )
    reopened = await session.scalar(
        select(func.count())
        .select_from(ReviewItem)
        .join(Comment, Comment.id == ReviewItem.comment_id)
        .where(ReviewItem.open_since.is_not(None), Comment.status != "pending")
    )
    return int(held or 0) + int(reopened or 0)


async def display_names(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, str]:
    """Display names of the accounts an audit page names (deleted ones have none)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, User.display_name).where(User.id.in_(list(set(user_ids))))
    )
    return {user_id: name for user_id, name in rows.all() if name}


async def open_items(session: AsyncSession, comment_ids: Sequence[int]) -> list[QueueItem]:
    """Those of the comments that are in the open queue now, as the queue shows them."""
    if not comment_ids:
        return []
    return await _load(session, _queue_query(None, None).where(Comment.id.in_(comment_ids)))
