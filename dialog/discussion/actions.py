"""Writes for the discussion: check_* validates, do_* changes state and queues events.

The two hot writes, posting and voting (voting.py), are transaction scripts (dialog.direct):
the same checks and rows, run on the driver's connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import Changes, UnitOfWork, utcnow
from dialog.direct import Row, Script, Sql, Step, run_in_session
from dialog.discussion import policy, queries
from dialog.discussion.events import (
    COMMENT,
    COMMENT_EDITED,
    COMMENT_PUBLISHED,
    COMMENT_QUEUED,
    FLAG_CREATED,
    LEFT_PUBLIC,
    CommentState,
    FlagCreated,
)
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.models import Comment, CommentRevision, CommentStatus, Flag
from dialog.discussion.policy import PRE_MODERATION
from dialog.discussion.present import comment_out, organisation_ref, queued_out
from dialog.discussion.schemas import CommentEdit, CommentIn, FlagIn, OrganisationRef
from dialog.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.live.outbox import emit, redact
from dialog.live.policy import thread_topic
from dialog.markup import render_markdown
from dialog.organisations.models import Organisation
from dialog.procedures.models import Procedure, Thread
from dialog.review.policy import can_see_procedure


async def access_thread(uow: UnitOfWork, thread_id: int) -> tuple[Thread, Procedure]:
    row = (
        await uow.session.execute(
            select(Thread, Procedure)
            .join(Procedure, Procedure.id == Thread.procedure_id)
            .where(Thread.id == thread_id)
        )
    ).first()
    if row is None:
        raise NotFound(lazy("This thread does not exist."))
    return row[0], row[1]


async def access_thread_for_reading(session: AsyncSession, actor: Actor, thread_id: int) -> Thread:
    """The thread, if the actor may read it: a draft procedure's threads (or one in review) are
    there only for its department and the office; for everyone else they do not exist."""
    row = (
        await session.execute(
            select(Thread, Procedure.status, Procedure.department_id)
            .join(Procedure, Procedure.id == Thread.procedure_id)
            .where(Thread.id == thread_id)
        )
    ).first()
    if row is None or not can_see_procedure(actor, row[1], row[2]):
        raise NotFound(lazy("This thread does not exist."))
    thread: Thread = row[0]
    return thread


def require_writer(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in to take part."))
    if actor.blocked:
        raise Forbidden(lazy("Your account is blocked from writing at the moment."))


# The columns of a comment as its answer shows it (comment_row turns them into a Comment).
BY_CLIENT_ID = Sql(
    "SELECT id, thread_id, parent_id, depth, author_id, html, stance, status, held_by, "
    "up_count, down_count, reply_count, created_at, edited_at, organisation_id "
    "FROM comments WHERE author_id = :author_id AND client_id = :client_id",
    datetimes=(12, 13),
)
# The thread's state, and whether this author already stored a comment with this client_id.
THREAD_FOR_POSTING = Sql(
    "SELECT t.is_open, t.opens_at, t.closes_at, t.moderation, p.phase, "
    "(SELECT c.id FROM comments c WHERE c.author_id = :author_id AND c.client_id = :client_id), "
    "p.status, p.department_id "
    "FROM threads t JOIN procedures p ON p.id = t.procedure_id WHERE t.id = :thread_id",
    datetimes=(1, 2),
)
PARENT = Sql("SELECT thread_id, status, depth, root_id FROM comments WHERE id = :parent_id")
# The organisation to post as, if the author is a confirmed member of it.
AS_ORGANISATION = Sql(
    "SELECT o.id, o.slug, o.name FROM organisations o JOIN organisation_members m "
    "ON m.organisation_id = o.id WHERE o.slug = :slug AND m.user_id = :user_id "
    "AND m.confirmed_at IS NOT NULL"
)
NOT_A_MEMBER = lazy("You can post only as an organisation whose membership the office confirmed.")
# A repeated client_id that a parallel request stored first inserts nothing (and is returned).
INSERT_COMMENT = Sql(
    "INSERT INTO comments (thread_id, parent_id, root_id, depth, author_id, organisation_id, "
    "client_id, body, html, stance, status, held_by, up_count, down_count, reply_count, "
    "flag_count, created_at) "
    "VALUES (:thread_id, :parent_id, :root_id, :depth, :author_id, :organisation_id, "
    ":client_id, :body, :html, :stance, :status, :held_by, 0, 0, 0, 0, :created_at) "
    "ON CONFLICT (author_id, client_id) DO NOTHING RETURNING id"
)
ROOT_IS_ITSELF = Sql("UPDATE comments SET root_id = id WHERE id = :id")
COUNT_THREAD = Sql(
    "UPDATE threads SET comment_count = comment_count + :delta WHERE id = :thread_id"
)
COUNT_REPLIES = Sql("UPDATE comments SET reply_count = reply_count + :delta WHERE id = :id")


def comment_row(row: Row) -> Comment:
    """A Comment (not attached to any session) from the first 14 columns of BY_CLIENT_ID, in
    that order (more columns after them are left alone)."""
    return Comment(
        id=row[0],
        thread_id=row[1],
        parent_id=row[2],
        depth=row[3],
        author_id=row[4],
        html=row[5],
        stance=row[6],
        status=row[7],
        held_by=row[8],
        up_count=row[9],
        down_count=row[10],
        reply_count=row[11],
        created_at=row[12],
        edited_at=row[13],
    )


CLIENT_ID_ELSEWHERE = lazy(
    "This client_id was already used for a comment in another thread. Use a new one for each "
    "comment."
)


def same_comment_again(earlier: Comment, thread_id: int) -> Comment:
    """The comment first stored with a client_id, for a retry of the same post; the same
    client_id sent to another thread is a client's mistake, not a retry: 409."""
    if earlier.thread_id != thread_id:
        raise Conflict(CLIENT_ID_ELSEWHERE, {"client_id": CLIENT_ID_ELSEWHERE})
    return earlier


def earlier_post(author_id: int, thread_id: int, client_id: str) -> Script[Comment | None]:
    """The author's comment stored before with this client_id (a retry), if any: one
    statement, run on the driver before a post so a retry does not count toward the rate
    limit again."""
    rows = yield BY_CLIENT_ID(author_id=author_id, client_id=client_id)
    return same_comment_again(_earlier(rows[0]), thread_id) if rows else None


def post_comment(
    changes: Changes, actor: Actor, thread_id: int, data: CommentIn, hooks: DiscussionHooks
) -> Script[tuple[Comment, bool]]:
    """Store a comment; returns (comment, created). A repeated client_id returns the first.

    A transaction script (dialog.direct): the thread's state, the parent, the moderation rules,
    the comment, its counters and its event, in one transaction of 6 to 8 statements.
    """
    require_writer(actor)
    assert actor.user_id is not None
    mine = {"author_id": actor.user_id, "client_id": data.client_id}
    rows = yield THREAD_FOR_POSTING(thread_id=thread_id, **mine)
    if not rows:
        raise NotFound(lazy("This thread does not exist."))
    is_open, opens_at, closes_at, moderation, phase, posted_before, status, department = rows[0]
    if not can_see_procedure(actor, status, department):
        raise NotFound(lazy("This thread does not exist."))
    if posted_before is not None:
        return same_comment_again(_earlier((yield BY_CLIENT_ID(**mine))[0]), thread_id), False
    if not policy.phase_allows(phase, "comment"):
        raise Forbidden(lazy("Comments are not possible in this phase of the procedure."))
    if not policy.thread_is_open(bool(is_open), opens_at, closes_at, utcnow()):
        raise Forbidden(lazy("This discussion is closed."))
    parent: Row | None = None
    if data.parent_id is not None:
        parents = yield PARENT(parent_id=data.parent_id)
        parent = parents[0] if parents else None
        _check_parent(parent, thread_id)
    html = render_markdown(data.body)
    if not html:
        raise InvalidInput(
            lazy("Please write something first."), {"body": lazy("Please write something first.")}
        )
    organisation: OrganisationRef | None = None
    organisation_id: int | None = None
    if data.as_organisation is not None:
        found = yield AS_ORGANISATION(slug=data.as_organisation, user_id=actor.user_id)
        if not found:
            raise InvalidInput(NOT_A_MEMBER, {"as_organisation": NOT_A_MEMBER})
        organisation_id = found[0][0]
        organisation = organisation_ref(found[0][1], found[0][2])
    if moderation == "pre":
        held_by: str | None = PRE_MODERATION
    else:
        held_by = yield from hooks.hold_reason(actor, data.body)
    comment = Comment(
        thread_id=thread_id,
        parent_id=data.parent_id,
        root_id=(parent[3] or data.parent_id) if parent else None,
        depth=parent[2] + 1 if parent else 0,
        author_id=actor.user_id,
        organisation_id=organisation_id,
        client_id=data.client_id,
        body=data.body,
        html=html,
        stance=data.stance,
        status=CommentStatus.pending if held_by else CommentStatus.published,
        held_by=held_by,
        up_count=0,
        down_count=0,
        reply_count=0,
        flag_count=0,
        created_at=utcnow(),
        edited_at=None,
    )
    inserted = yield INSERT_COMMENT(
        thread_id=comment.thread_id,
        parent_id=comment.parent_id,
        root_id=comment.root_id,
        depth=comment.depth,
        author_id=comment.author_id,
        organisation_id=comment.organisation_id,
        client_id=comment.client_id,
        body=comment.body,
        html=comment.html,
        stance=comment.stance,
        status=comment.status,
        held_by=comment.held_by,
        created_at=comment.created_at,
    )
    if not inserted:  # the same client_id, committed by a parallel request meanwhile
        return same_comment_again(_earlier((yield BY_CLIENT_ID(**mine))[0]), thread_id), False
    comment.id = inserted[0][0]
    if comment.root_id is None:
        comment.root_id = comment.id
        yield ROOT_IS_ITSELF(id=comment.id)
    if comment.status == CommentStatus.published:
        if comment.parent_id is not None:
            yield COUNT_REPLIES(delta=1, id=comment.parent_id)
        out = comment_out(comment, actor.display_name, organisation=organisation)
        yield from emit(changes, COMMENT_PUBLISHED, out, thread_id)
        # Last: every post to this thread waits for this row's lock until our COMMIT.
        yield COUNT_THREAD(delta=1, thread_id=thread_id)
    else:
        yield from emit(
            changes,
            COMMENT_QUEUED,
            queued_out(comment, actor.display_name, False, comment.held_by, organisation),
        )
    return comment, True


def _earlier(row: Row) -> Comment:
    comment = comment_row(row)
    comment.organisation_id = row[14]
    return comment


def _check_parent(parent: Row | None, thread_id: int) -> None:
    """The comment replied to (thread_id, status, depth, root_id) takes another reply."""
    if parent is None or parent[0] != thread_id:
        raise InvalidInput(
            lazy("The comment you reply to does not exist."),
            {"parent_id": lazy("The comment you reply to does not exist.")},
        )
    if parent[1] != CommentStatus.published:
        raise InvalidInput(
            lazy("You cannot reply to a comment that was removed."),
            {"parent_id": lazy("You cannot reply to a comment that was removed.")},
        )
    if parent[2] >= policy.MAX_DEPTH:
        raise InvalidInput(
            lazy("Replies go at most three levels deep."),
            {"parent_id": lazy("Replies go at most three levels deep.")},
        )


async def organisation_of(session: AsyncSession, comment: Comment) -> OrganisationRef | None:
    """The organisation the comment was posted as, if any."""
    if comment.organisation_id is None:
        return None
    found = await session.get(Organisation, comment.organisation_id)
    return organisation_ref(found.slug, found.name) if found else None


async def do_post_comment(
    uow: UnitOfWork, actor: Actor, thread_id: int, data: CommentIn, hooks: DiscussionHooks
) -> tuple[Comment, bool]:
    """post_comment inside a unit of work that does more (demo data, tests)."""
    return await run_in_session(uow.session, post_comment(uow, actor, thread_id, data, hooks))


async def _count_published(uow: UnitOfWork, comment: Comment, delta: int) -> None:
    """Thread and parent counters count published comments only."""
    await uow.session.execute(
        update(Thread)
        .where(Thread.id == comment.thread_id)
        .values(comment_count=Thread.comment_count + delta)
    )
    if comment.parent_id is not None:
        await uow.session.execute(
            update(Comment)
            .where(Comment.id == comment.parent_id)
            .values(reply_count=Comment.reply_count + delta)
        )


def redact_comment(changes: Changes, comment: Comment, *, everywhere: bool) -> Step[None]:
    """The comment's stored events lose its text and author: on its thread's topic (it is no
    longer public as it was), or `everywhere` (moderation's topic too: nobody may read it)."""
    state = CommentState(id=comment.id, thread_id=comment.thread_id, status=comment.status)
    topic = None if everywhere else thread_topic(comment.thread_id)
    return redact(changes, COMMENT, comment.id, state, topic)


async def do_change_status(uow: UnitOfWork, comment: Comment, status: CommentStatus) -> Comment:
    """The one way a comment's status changes: counters follow, the thread hears about it.

    Public events carry text only when the comment becomes published; hiding, rejecting or
    withdrawing sends no text at all, and redacts the comment's earlier events in the same
    transaction (withdrawn text is gone for moderators too).
    """
    before = comment.status
    if before == status:
        return comment
    comment.status = status
    was_public = before == CommentStatus.published
    is_public = status == CommentStatus.published
    if was_public != is_public:
        await _count_published(uow, comment, +1 if is_public else -1)
    if is_public:
        author = await uow.session.get(User, comment.author_id) if comment.author_id else None
        out = comment_out(
            comment,
            author.display_name if author else None,
            author_deleted=author is not None and author.is_deleted,
            organisation=await organisation_of(uow.session, comment),
        )
        await emit(uow, COMMENT_PUBLISHED, out, comment.thread_id)
    elif was_public or status == CommentStatus.withdrawn:
        await redact_comment(uow, comment, everywhere=status == CommentStatus.withdrawn)
        state = CommentState(id=comment.id, thread_id=comment.thread_id, status=status)
        await emit(uow, LEFT_PUBLIC[status], state, comment.thread_id)
    await uow.session.flush()
    return comment


async def access_comment(uow: UnitOfWork, comment_id: int, *, lock: bool = False) -> Comment:
    """The comment, optionally locked for the rest of the transaction (counters change)."""
    query = select(Comment).where(Comment.id == comment_id)
    if lock:
        # PostgreSQL: row lock, so concurrent votes and flags on it run one after another.
        # SQLite: every unit of work already holds the write lock (BEGIN IMMEDIATE).
        query = query.with_for_update()
    comment = await uow.session.scalar(query.execution_options(populate_existing=True))
    if comment is None:
        raise NotFound(lazy("This comment does not exist."))
    return comment


async def access_writable_comment(
    uow: UnitOfWork, actor: Actor, comment_id: int, feature: str
) -> Comment:
    """A published comment the actor may react to (flag) in the current phase, locked for the
    rest of the transaction (its counter changes). One statement: the comment and its
    procedure's phase. Votes do the same in their script (voting.TARGET)."""
    require_writer(actor)
    query = (
        select(Comment, Procedure.phase, Procedure.status, Procedure.department_id)
        .join(Thread, Thread.id == Comment.thread_id)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .where(Comment.id == comment_id)
        # PostgreSQL: the comment's row only. SQLite: the unit of work holds the write lock.
        .with_for_update(of=Comment)
    )
    row = (await uow.session.execute(query.execution_options(populate_existing=True))).first()
    if row is None:
        raise NotFound(lazy("This comment does not exist."))
    comment, phase, status, department = row
    check_writable(actor, comment, ProcedureState(phase, status, department), feature)
    return comment


@dataclass(frozen=True, slots=True)
class ProcedureState:
    """What decides whether a comment may be reacted to: its procedure's phase, status
    (a draft's threads are not public) and department."""

    phase: str
    status: str
    department_id: int


def check_writable(actor: Actor, comment: Comment, procedure: ProcedureState, feature: str) -> None:
    """May the actor react to this comment (vote, flag) in its procedure's phase?"""
    if not can_see_procedure(actor, procedure.status, procedure.department_id):
        raise NotFound(lazy("This comment does not exist."))
    if not policy.can_read_text(actor, comment.status, comment.author_id):
        raise NotFound(lazy("This comment does not exist."))
    if comment.status != CommentStatus.published:
        raise Conflict(lazy("This comment was removed."))
    if not policy.phase_allows(procedure.phase, feature):
        raise Forbidden(lazy("This is not possible in this phase of the procedure."))


async def check_edit_comment(
    uow: UnitOfWork, actor: Actor, comment_id: int, data: CommentEdit
) -> tuple[Comment, Thread, str]:
    require_writer(actor)
    comment = await access_comment(uow, comment_id, lock=True)
    if not policy.can_see(actor, comment.status, comment.author_id):
        raise NotFound(lazy("This comment does not exist."))
    if comment.author_id != actor.user_id:
        raise Forbidden(lazy("Only the author can edit a comment."))
    age = (utcnow() - comment.created_at).total_seconds()
    if not policy.can_edit(actor, comment.author_id, comment.status, age):
        raise Forbidden(lazy("Comments can be edited only within 15 minutes."))
    thread, _procedure = await access_thread(uow, comment.thread_id)
    html = render_markdown(data.body)
    if not html:
        raise InvalidInput(
            lazy("Please write something first."), {"body": lazy("Please write something first.")}
        )
    return comment, thread, html


async def do_edit_comment(
    uow: UnitOfWork, actor: Actor, comment_id: int, data: CommentEdit, hooks: DiscussionHooks
) -> Comment:
    """Change the text, keeping the earlier one for moderators.

    A published comment that the moderation rules (or a pre-moderated thread) would hold goes
    back to review through do_change_status, so an edit never slips past moderation. Otherwise
    the thread hears `comment.edited` with the new public view. Edits of pending comments send
    no event: the queue reads the current text.
    """
    comment, thread, html = await check_edit_comment(uow, actor, comment_id, data)
    if data.body == comment.body:
        return comment
    uow.session.add(CommentRevision(comment_id=comment.id, body=comment.body, html=comment.html))
    comment.body = data.body
    comment.html = html
    comment.edited_at = utcnow()
    held_by = (
        PRE_MODERATION
        if thread.moderation == "pre"
        else await run_in_session(uow.session, hooks.hold_reason(actor, data.body))
    )
    if comment.status == CommentStatus.published and held_by:
        comment.held_by = held_by
        await do_change_status(uow, comment, CommentStatus.pending)
        return comment
    await uow.session.flush()
    if comment.status == CommentStatus.published:
        await redact_comment(uow, comment, everywhere=False)  # the earlier text
        organisation = await organisation_of(uow.session, comment)
        out = comment_out(comment, actor.display_name, organisation=organisation)
        await emit(uow, COMMENT_EDITED, out, comment.thread_id)
    return comment


async def do_withdraw_comment(uow: UnitOfWork, actor: Actor, comment_id: int) -> Comment:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in to take part."))
    comment = await access_comment(uow, comment_id, lock=True)
    if not policy.can_see(actor, comment.status, comment.author_id):
        raise NotFound(lazy("This comment does not exist."))
    if not policy.can_withdraw(actor, comment.author_id, comment.status):
        raise Forbidden(lazy("Only the author can withdraw a comment that is still shown."))
    return await do_change_status(uow, comment, CommentStatus.withdrawn)


async def do_flag(
    uow: UnitOfWork, actor: Actor, comment_id: int, data: FlagIn, hooks: DiscussionHooks
) -> Flag:
    """One flag per person and comment (409 on a second); moderation hears at once."""
    comment = await access_writable_comment(uow, actor, comment_id, "flag")
    if comment.author_id == actor.user_id:
        raise Forbidden(lazy("You cannot report your own comment."))
    assert actor.user_id is not None
    if await queries.has_flagged(uow.session, actor.user_id, comment.id):
        raise Conflict(lazy("You have already reported this comment."))
    flag = Flag(comment_id=comment.id, user_id=actor.user_id, reason=data.reason, note=data.note)
    uow.session.add(flag)
    comment.flag_count += 1
    await uow.session.flush()
    created = FlagCreated(
        id=flag.id,
        comment_id=comment.id,
        thread_id=comment.thread_id,
        reason=flag.reason,
        note=flag.note,
        flags=comment.flag_count,
        up=comment.up_count,
        down=comment.down_count,
    )
    await emit(uow, FLAG_CREATED, created)
    await hooks.on_flag(uow, comment)
    return flag
