"""Opinion groups are computed in the background, never per request.

A durable consumer of the outbox notes which threads changed (votes, comments published or
taken away) in `opinion_groups`; a periodic job recomputes a changed thread once it has been
quiet for SETTLE (no such event for 60 s), from the votes on its published comments, and
stores the analysis with the k-smoother state for the next run. The stored analysis holds no
membership lists: which group a person fell into is their opinion, and nobody needs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, case, literal, select
from sqlalchemy.exc import IntegrityError

from dialog.accounts.models import User
from dialog.db import Database, UnitOfWork, UTCDateTime, insert_for, utcnow
from dialog.discussion.events import (
    COMMENT_HIDDEN,
    COMMENT_PUBLISHED,
    COMMENT_REJECTED,
    COMMENT_WITHDRAWN,
    VOTES_CHANGED,
)
from dialog.discussion.models import Comment, CommentStatus, Vote
from dialog.evaluation.models import OpinionGroups
from dialog.evaluation.opinion_groups import Analysis, KState, build_matrix, compute
from dialog.live.events import THREAD
from dialog.live.models import Event
from dialog.procedures.models import Thread

SETTLE = timedelta(seconds=60)
INTERVAL = 30.0  # seconds between looks for settled threads
BATCH = 20  # threads recomputed per round at most; the rest follow in the next one
NAME = "opinion-groups"


class ThreadChanges:
    """The consumer: remembers the newest relevant event per thread (idempotent: a maximum)."""

    name = NAME
    types: Collection[str] = frozenset(
        t.name
        for t in (
            VOTES_CHANGED,
            COMMENT_PUBLISHED,
            COMMENT_HIDDEN,
            COMMENT_REJECTED,
            COMMENT_WITHDRAWN,
        )
    )

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        latest: dict[int, tuple[int, datetime]] = {}
        for event in events:
            thread_id = THREAD.number_of(event.topic)
            if thread_id is not None:
                latest[thread_id] = (event.id, event.created_at)
        await note_changes(uow, latest)


async def note_changes(uow: UnitOfWork, latest: dict[int, tuple[int, datetime]]) -> None:
    """Note each existing thread's newest event, in one statement (the consumers' round holds
    SQLite's write lock while it runs): a new row, or a later event than the stored one."""
    if not latest:
        return
    event_of = case(
        {thread_id: literal(event_id) for thread_id, (event_id, _) in latest.items()},
        value=Thread.id,
    )
    moment_of = case(
        {thread_id: literal(moment, UTCDateTime()) for thread_id, (_, moment) in latest.items()},
        value=Thread.id,
    )
    existing = select(Thread.id, event_of, moment_of, literal(-1)).where(Thread.id.in_(latest))
    table = cast(Table, OpinionGroups.__table__)
    columns = ["thread_id", "changed_event", "changed_at", "computed_event"]
    statement = insert_for(uow.session)(table).from_select(columns, existing)
    later = statement.excluded
    await uow.session.execute(
        statement.on_conflict_do_update(
            index_elements=["thread_id"],
            set_={
                "changed_event": later.changed_event,
                "changed_at": case(
                    (later.changed_at > table.c.changed_at, later.changed_at),
                    else_=table.c.changed_at,
                ),
            },
            where=later.changed_event > table.c.changed_event,
        )
    )


async def thread_votes(db: Database, thread_id: int) -> list[tuple[int, int, int]]:
    """Votes on the thread's published comments by accounts that still exist."""
    async with db.reading() as session:
        rows = await session.execute(
            select(Vote.user_id, Vote.comment_id, Vote.value)
            .join(Comment, Comment.id == Vote.comment_id)
            .join(User, User.id == Vote.user_id)
            .where(
                Comment.thread_id == thread_id,
                Comment.status == CommentStatus.published,
                User.deleted_at.is_(None),
            )
        )
        return [(int(u), int(c), int(v)) for u, c, v in rows]


def stored_json(analysis: Analysis) -> dict[str, Any]:
    """The analysis as stored and served: the groups without their members."""
    data = analysis.to_json()
    for group in data["groups"]:
        group["members"] = []
    return data


async def recompute(db: Database, thread_id: int, upto_event: int | None = None) -> Analysis:
    """Compute the thread's opinion groups now and store them (used by the job and the demo)."""
    async with db.reading() as session:
        row = await session.get(OpinionGroups, thread_id)
        previous = KState.from_json(row.state) if row is not None and row.state else None
        if upto_event is None:
            upto_event = row.changed_event if row is not None else 0
    votes = await thread_votes(db, thread_id)
    # numpy and scikit-learn release the GIL for most of the work; the loop stays free.
    analysis = await asyncio.to_thread(compute, build_matrix(votes), previous)
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(OpinionGroups, thread_id)
        if stored is None:
            try:
                # A savepoint: the consumer that notes changed threads may add the row meanwhile.
                async with uow.session.begin_nested():
                    uow.session.add(
                        OpinionGroups(
                            thread_id=thread_id,
                            changed_event=upto_event,
                            changed_at=utcnow(),
                            computed_event=-1,
                        )
                    )
            except IntegrityError:
                pass
            stored = await uow.session.get(OpinionGroups, thread_id, populate_existing=True)
            assert stored is not None, "added here or by the consumer"
        stored.analysis = stored_json(analysis)
        if analysis.state is not None:
            stored.state = analysis.state.to_json()
        stored.computed_event = max(stored.computed_event, upto_event)
        stored.computed_at = utcnow()
    return analysis


async def due_threads(db: Database, now: datetime) -> list[tuple[int, int]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(OpinionGroups.thread_id, OpinionGroups.changed_event)
            .where(
                OpinionGroups.changed_event > OpinionGroups.computed_event,
                OpinionGroups.changed_at <= now - SETTLE,
            )
            .order_by(OpinionGroups.changed_at)
            .limit(BATCH)
        )
        return [(int(t), int(e)) for t, e in rows]


async def recompute_settled(db: Database, now: datetime | None = None) -> int:
    """One round of the periodic job: recompute threads that changed and then went quiet."""
    due = await due_threads(db, now or utcnow())
    for thread_id, changed_event in due:
        await recompute(db, thread_id, changed_event)
    return len(due)
