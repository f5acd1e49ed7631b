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

from dialog import unreachable
from dialog.accounts.actor import Actor
from dialog.db import Changes, Database, utcnow
from dialog.direct import Script, Sql
from dialog.discussion import policy, queries
from dialog.discussion.actions import (
    ProcedureState,
    check_writable,
    comment_row,
    require_writer,
)
from dialog.discussion.events import VOTES_CHANGED, VotesChanged
from dialog.discussion.models import Comment
from dialog.discussion.present import organisation_ref
from dialog.discussion.schemas import OrganisationRef
from dialog.errors import Forbidden, NotFound
from dialog.i18n import lazy
from dialog.live.outbox import emit
from dialog.live.policy import thread_topic

log = logging.getLogger("dialog.discussion")
WINDOW_SECONDS = 0.25


# The comment as its answer shows it, with its author and phase; on PostgreSQL its row stays
# locked to the end of the transaction, so votes on it run one after another and the counters
# stay exact (SQLite: the writer holds the whole database already).
_TARGET = (
    "SELECT c.id, c.thread_id, c.parent_id, c.depth, c.author_id, c.html, c.stance, c.status, "
    "c.held_by, c.up_count, c.down_count, c.reply_count, c.created_at, c.edited_at, "
    "u.display_name, CASE WHEN u.deleted_at IS NULL THEN 0 ELSE 1 END, p.phase, p.status, "
    "p.department_id, c.organisation_id, o.slug, o.name "
    "FROM comments c JOIN threads t ON t.id = c.thread_id "
    "JOIN procedures p ON p.id = t.procedure_id LEFT JOIN users u ON u.id = c.author_id "
    "LEFT JOIN organisations o ON o.id = c.organisation_id "
    "WHERE c.id = :comment_id"
)
TARGET = Sql(_TARGET, postgresql=_TARGET + " FOR UPDATE OF c", datetimes=(12, 13))
# Read after the lock, in a statement of its own: it sees a vote committed while this one
# waited for the lock (PostgreSQL re-reads only the locked row of the first statement).
MY_VOTE = Sql("SELECT value FROM votes WHERE user_id = :user_id AND comment_id = :comment_id")
SET_VOTE = Sql(
    "INSERT INTO votes (user_id, comment_id, value, created_at) "
    "VALUES (:user_id, :comment_id, :value, :now) "
    "ON CONFLICT (user_id, comment_id) DO UPDATE SET value = excluded.value"
)
DROP_VOTE = Sql("DELETE FROM votes WHERE user_id = :user_id AND comment_id = :comment_id")
COUNT = Sql(
    "UPDATE comments SET up_count = up_count + :up, down_count = down_count + :down "
    "WHERE id = :comment_id"
)


@dataclass(frozen=True)
class Voted:
    """The comment after the vote (counts as committed), as its answer shows it."""

    comment: Comment
    author_name: str | None
    author_deleted: bool
    my_vote: int | None
    changed: bool  # False when the vote was already so
    organisation: OrganisationRef | None = None  # posted as it


def vote(changes: Changes, actor: Actor, comment_id: int, value: int | None) -> Script[Voted]:
    """Set the actor's vote to +1 or -1, or withdraw it (None); a repeat changes nothing.

    A transaction script (dialog.direct): four statements, the counters in the same
    transaction as the vote row.
    """
    require_writer(actor)
    assert actor.user_id is not None
    rows = yield TARGET(comment_id=comment_id)
    if not rows:
        raise NotFound(lazy("This comment does not exist."))
    row = rows[0]
    comment = comment_row(row)  # the first 14 columns, as BY_CLIENT_ID has them
    author_name, author_deleted = row[14], bool(row[15])
    check_writable(actor, comment, ProcedureState(row[16], row[17], row[18]), "vote")
    comment.organisation_id = row[19]
    organisation = organisation_ref(row[20], row[21])
    if value is not None and not policy.can_vote(actor, comment.author_id):
        raise Forbidden(lazy("You cannot vote on your own comment."))
    mine = {"user_id": actor.user_id, "comment_id": comment_id}
    found = yield MY_VOTE(**mine)
    before = found[0][0] if found else None
    if before == value:
        return Voted(comment, author_name, author_deleted, value, False, organisation)
    if value is None:
        yield DROP_VOTE(**mine)
    else:
        yield SET_VOTE(**mine, value=value, now=utcnow())
    up = (value == 1) - (before == 1)
    down = (value == -1) - (before == -1)
    yield COUNT(up=up, down=down, comment_id=comment_id)
    comment.up_count += up
    comment.down_count += down
    changes.touch(thread_topic(comment.thread_id))  # the event follows; this process knows now
    return Voted(comment, author_name, author_deleted, value, True, organisation)


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
        except Exception as error:
            # Counts are absolute: the next flush for these comments repairs a missed one.
            if not unreachable.watch(self._db).noted(error):
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
                    counts = VotesChanged(id=comment_id, up=up, down=down)
                    await emit(uow, VOTES_CHANGED, counts, thread_id)
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
        except Exception as error:
            if not unreachable.watch(self._db).noted(error):
                log.exception("vote events could not be written at shutdown")
