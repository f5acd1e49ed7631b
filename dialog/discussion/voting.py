"""Votes: one per person and comment, counts kept on the comment, events coalesced.

Every vote changes `up_count`/`down_count` in the same transaction as the vote row, under a
lock on the comment, so the counts stay exact however many votes arrive at once. The thread
does not hear about each vote: after commit the comment is marked as changed, and one flush per
window (250 ms) writes a single `votes.changed` event per changed comment with the ABSOLUTE
counts read at flush time. At most four events per comment per second and process; a lost or
repeated event never leaves a client with wrong numbers.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from dialog.accounts.actor import Actor
from dialog.db import Database, UnitOfWork
from dialog.discussion import policy, queries
from dialog.discussion.actions import access_writable_comment, thread_topic
from dialog.discussion.models import Comment, Vote
from dialog.errors import Forbidden
from dialog.i18n import lazy
from dialog.live.outbox import add_event

log = logging.getLogger("dialog.discussion")
WINDOW_SECONDS = 0.25


def _count(comment: Comment, value: int, delta: int) -> None:
    if value > 0:
        comment.up_count += delta
    else:
        comment.down_count += delta


@dataclass(frozen=True)
class Voted:
    """The comment after the vote (counts as committed), as its answer shows it."""

    comment: Comment
    author_name: str | None
    author_deleted: bool
    my_vote: int | None


async def do_vote(uow: UnitOfWork, actor: Actor, comment_id: int, value: int) -> Voted:
    """Set the actor's vote to +1 or -1 (a repeat changes nothing)."""
    target = await access_writable_comment(uow, actor, comment_id, "vote", lock=True)
    comment = target.comment
    if not policy.can_vote(actor, comment.author_id):
        raise Forbidden(lazy("You cannot vote on your own comment."))
    assert actor.user_id is not None
    mine = (Vote.user_id == actor.user_id) & (Vote.comment_id == comment.id)
    before = await uow.session.scalar(select(Vote.value).where(mine))
    if before != value:
        if before is None:
            await uow.session.execute(
                insert(Vote).values(user_id=actor.user_id, comment_id=comment.id, value=value)
            )
        else:
            await uow.session.execute(update(Vote).where(mine).values(value=value))
            _count(comment, before, -1)
        _count(comment, value, +1)
        await uow.session.flush()  # the counters, exact under the comment's lock
        uow.touch(thread_topic(comment.thread_id))  # the event follows; this process knows now
    return Voted(comment, target.author_name, target.author_deleted, value)


async def do_unvote(uow: UnitOfWork, actor: Actor, comment_id: int) -> Voted:
    """Withdraw the actor's vote (no vote: nothing changes)."""
    target = await access_writable_comment(uow, actor, comment_id, "vote", lock=True)
    comment = target.comment
    assert actor.user_id is not None
    mine = (Vote.user_id == actor.user_id) & (Vote.comment_id == comment.id)
    before = await uow.session.scalar(delete(Vote).where(mine).returning(Vote.value))
    if before is not None:
        _count(comment, before, -1)
        await uow.session.flush()
        uow.touch(thread_topic(comment.thread_id))
    return Voted(comment, target.author_name, target.author_deleted, None)


class VoteEvents:
    """In-process coalescer: changed comments are collected and flushed once per window."""

    def __init__(self, db: Database, window: float = WINDOW_SECONDS) -> None:
        self._db = db
        self._window = window
        self._pending: set[int] = set()
        self._timer: asyncio.Task[None] | None = None
        self._sleeping = False  # the timer may be cancelled only while it waits

    def changed(self, comment_id: int) -> None:
        """Call after commit. Schedules one flush unless one is already waiting."""
        self._pending.add(comment_id)
        if self._timer is None:
            self._schedule()

    def _schedule(self) -> None:
        self._sleeping = True
        self._timer = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._window)
        self._sleeping = False
        try:
            await self.flush()
        except Exception:
            # Counts are absolute: the next flush for these comments repairs a missed one.
            log.exception("vote events could not be written")
        self._timer = None
        if self._pending:  # changed while this flush ran: one more window
            self._schedule()

    async def flush(self) -> None:
        """Write one `votes.changed` event per changed comment, in its own unit of work."""
        ids, self._pending = self._pending, set()
        if not ids:
            return
        try:
            async with self._db.unit_of_work() as uow:
                for comment_id, thread_id, up, down in await queries.counts_of(
                    uow.session, sorted(ids)
                ):
                    await add_event(
                        uow,
                        thread_topic(thread_id),
                        "votes.changed",
                        {"id": comment_id, "up": up, "down": down},
                    )
        except BaseException:
            self._pending |= ids
            raise

    async def stop(self) -> None:
        """On shutdown: no waiting timer, and nothing left unflushed."""
        while (timer := self._timer) is not None:
            if self._sleeping:
                timer.cancel()
                self._timer = None
                with suppress(asyncio.CancelledError):
                    await timer
            else:
                # Cancelling a database call midway would leak its connection: let it finish.
                await timer
        try:
            await self.flush()
        except Exception:
            log.exception("vote events could not be written at shutdown")
