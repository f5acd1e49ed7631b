"""Reads for the discussion. A page of comments costs a fixed number of queries."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.accounts.policy import is_moderator
from dialog.db import MAX_ID
from dialog.direct import Script, Sql
from dialog.discussion.models import CONTROVERSY, SCORE, Comment, CommentRevision, Flag, Vote
from dialog.discussion.page_cache import ThreadState
from dialog.discussion.present import organisation_ref
from dialog.discussion.schemas import OrganisationRef
from dialog.errors import InvalidInput
from dialog.i18n import lazy
from dialog.live.models import Event
from dialog.organisations.models import Organisation
from dialog.procedures.models import Procedure, Thread
from dialog.review.policy import NOT_PUBLIC, can_see_procedure


@dataclass(frozen=True)
class Row:
    comment: Comment
    author_name: str | None
    author_deleted: bool
    organisation: OrganisationRef | None = None  # posted as it


AuthorRow = tuple[Comment, str | None, datetime | None, str | None, str | None]


def _with_author() -> Select[Comment, str, datetime | None, str, str]:
    return (
        select(Comment, User.display_name, User.deleted_at, Organisation.slug, Organisation.name)
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(Organisation, Organisation.id == Comment.organisation_id)
    )


def _row(r: AuthorRow) -> Row:
    return Row(r[0], r[1], r[2] is not None, organisation_ref(r[3], r[4]))


def _visible(actor: Actor) -> ColumnElement[bool]:
    shown = Comment.status.in_(("published", "withdrawn", "hidden"))
    if is_moderator(actor):
        return Comment.status.in_(("published", "withdrawn", "hidden", "pending", "rejected"))
    if actor.user_id is not None:
        return or_(shown, Comment.author_id == actor.user_id)
    return shown


SORT_KEYS = {"new": (), "top": (SCORE,), "controversial": (CONTROVERSY, SCORE)}


def encode_cursor(values: Sequence[int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, RecursionError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != length
        # A forged cursor must not carry numbers the database's integer columns cannot hold.
        or not all(type(v) is int and -MAX_ID - 1 <= v <= MAX_ID for v in values)
    ):
        raise InvalidInput(
            lazy("This page link is not valid."), {"cursor": lazy("This page link is not valid.")}
        )
    return values


async def page_cursor_of(
    session: AsyncSession, actor: Actor, comment: Comment, page_size: int
) -> str | None:
    """The cursor of the newest-first page that starts with this comment's top-level comment,
    or None when that one is on the first page (fewer than a page of newer ones before it)."""
    root_id = comment.root_id or comment.id
    newer = (
        select(Comment.id)
        .where(
            Comment.thread_id == comment.thread_id,
            Comment.parent_id.is_(None),
            Comment.id > root_id,
            _visible(actor),
        )
        .limit(page_size)
        .subquery()
    )
    counted = await session.scalar(select(func.count()).select_from(newer))
    return encode_cursor([root_id + 1]) if (counted or 0) >= page_size else None


async def top_level_page(
    session: AsyncSession,
    actor: Actor,
    thread_id: int,
    sort: str,
    cursor: str | None,
    limit: int,
) -> tuple[list[Row], str | None]:
    """Query 1: one page of top-level comments with their authors."""
    keys = [*SORT_KEYS[sort], Comment.id]
    query = _with_author().where(
        Comment.thread_id == thread_id, Comment.parent_id.is_(None), _visible(actor)
    )
    if cursor:
        after = decode_cursor(cursor, len(keys))
        # Keyset pagination on (k1, k2, ..., id) descending.
        conditions = []
        for index, key in enumerate(keys):
            equal = [keys[j] == after[j] for j in range(index)]
            conditions.append(and_(*equal, key < after[index]))
        query = query.where(or_(*conditions))
    rows = (
        await session.execute(query.order_by(*(key.desc() for key in keys)).limit(limit + 1))
    ).all()
    page = [_row(r) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1].comment
        values = {
            "new": [last.id],
            "top": [last.up_count - last.down_count, last.id],
            "controversial": [
                min(last.up_count, last.down_count),
                last.up_count - last.down_count,
                last.id,
            ],
        }[sort]
        next_cursor = encode_cursor(values)
    return page, next_cursor


async def replies_of(session: AsyncSession, actor: Actor, root_ids: Sequence[int]) -> list[Row]:
    """Query 2: every reply, at every depth, below the given top-level comments."""
    if not root_ids:
        return []
    rows = (
        await session.execute(
            _with_author()
            .where(Comment.root_id.in_(root_ids), Comment.parent_id.is_not(None), _visible(actor))
            .order_by(Comment.id)
        )
    ).all()
    return [_row(r) for r in rows]


async def published_among(
    session: AsyncSession, thread_id: int, comment_ids: Sequence[int]
) -> list[Row]:
    """The published comments of a thread among these ids, oldest first: what the live stream
    announced, for the page to insert (the same for every reader, so no visibility rule)."""
    rows = (
        await session.execute(
            _with_author()
            .where(
                Comment.thread_id == thread_id,
                Comment.id.in_(comment_ids),
                Comment.status == "published",
            )
            .order_by(Comment.id)
        )
    ).all()
    return [_row(r) for r in rows]


async def votes_of(
    session: AsyncSession, user_id: int | None, comment_ids: Sequence[int]
) -> dict[int, int]:
    """Query 3: the reader's own votes on the shown comments."""
    if user_id is None or not comment_ids:
        return {}
    rows = await session.execute(
        select(Vote.comment_id, Vote.value).where(
            Vote.user_id == user_id, Vote.comment_id.in_(comment_ids)
        )
    )
    return {comment_id: value for comment_id, value in rows}


async def comment_with_author(session: AsyncSession, comment_id: int) -> Row | None:
    row = (await session.execute(_with_author().where(Comment.id == comment_id))).first()
    return _row(row) if row else None


async def has_flagged(session: AsyncSession, user_id: int, comment_id: int) -> bool:
    found = await session.scalar(
        select(Flag.id).where(Flag.user_id == user_id, Flag.comment_id == comment_id)
    )
    return found is not None


async def counts_of(
    session: AsyncSession, comment_ids: Sequence[int]
) -> list[tuple[int, int, int, int]]:
    """(id, thread_id, up, down) of the given comments, for vote events."""
    rows = await session.execute(
        select(Comment.id, Comment.thread_id, Comment.up_count, Comment.down_count)
        .where(Comment.id.in_(comment_ids))
        .order_by(Comment.id)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def page_version(
    session: AsyncSession, thread_id: int, topic: str, *, reader: Actor | None = None
) -> tuple[tuple[int, datetime], ThreadState] | None:
    """The version of a thread's kept pages: the latest event id of the thread's topic and
    when its procedure last changed (see page_cache.py), and what the thread allows now; None
    if the thread does not exist or its procedure is not public (a draft, or in the office's
    review): no page of it is kept or shared. With a `reader` (a page built for one person),
    None only if the thread does not exist for that reader."""
    latest = select(func.max(Event.id)).where(Event.topic == topic)
    row = (
        await session.execute(
            select(
                latest.scalar_subquery(),
                Procedure.updated_at,
                Procedure.phase,
                Thread.is_open,
                Thread.opens_at,
                Thread.closes_at,
                Procedure.status,
                Procedure.department_id,
            )
            .join(Thread, Thread.procedure_id == Procedure.id)
            .where(
                Thread.id == thread_id,
                Procedure.status.not_in(NOT_PUBLIC) if reader is None else true(),
            )
        )
    ).first()
    if row is None or (reader is not None and not can_see_procedure(reader, row[6], row[7])):
        return None
    return (row[0] or 0, row[1]), ThreadState(row[2], row[3], row[4], row[5])


@dataclass(frozen=True)
class Mine:
    """A reader's own state on a page: their votes, what they reported, and whether they have a
    comment in the thread that they see unlike the public (`held`): pending or rejected, which
    only they and moderators read, or posted as an organisation, which names them to them."""

    votes: dict[int, int]
    flagged: frozenset[int]
    held: bool


NO_ONE = Mine({}, frozenset(), held=False)
SHOWN_TO_ALL = ("published", "withdrawn", "hidden")


_ID_LIST = "(SELECT value FROM json_each('[' || :ids || ']'))"
_ID_LIST_PG = "(SELECT unnest(string_to_array(:ids, ',')::int[]))"
# Each row: (part, comment id, vote, organisation slug, organisation name); a reader's votes
# ('v'), reports ('f') and whether they have a held comment in the thread ('h').
_MINE = """
SELECT 'v', comment_id, value, NULL, NULL FROM votes WHERE user_id = :user AND comment_id IN {ids}
UNION ALL
SELECT 'f', comment_id, 0, NULL, NULL FROM flags WHERE user_id = :user AND comment_id IN {ids}
UNION ALL
SELECT 'h', 0, 0, NULL, NULL WHERE EXISTS (
    SELECT 1 FROM comments WHERE author_id = :user AND thread_id = :thread
    AND (status NOT IN ({shown}) OR organisation_id IS NOT NULL)
)"""
# The HTML page's parts too: whether the reader follows the thread ('w') and the
# organisations they may post as ('o', by name).
_ON_PAGE = """
SELECT 'w', 0, 0, NULL, NULL FROM follows
WHERE user_id = :user AND kind = 'thread' AND target_id = :thread AND active
UNION ALL
SELECT 'o', 0, 0, o.slug, o.name FROM organisations o
JOIN organisation_members m ON m.organisation_id = o.id
WHERE m.user_id = :user AND m.confirmed_at IS NOT NULL
ORDER BY 1, 5"""
_SHOWN = ", ".join(f"'{status}'" for status in SHOWN_TO_ALL)
MINE = Sql(
    _MINE.format(ids=_ID_LIST, shown=_SHOWN), postgresql=_MINE.format(ids=_ID_LIST_PG, shown=_SHOWN)
)
# The HTML page's edit forms: the source (Markdown) of the reader's own comments on the page ('s').
_SOURCES = """
UNION ALL
SELECT 's', id, 0, body, NULL FROM comments WHERE author_id = :user AND id IN {ids}
UNION ALL"""
ON_PAGE = Sql(_ON_PAGE.lstrip())
MINE_ON_PAGE = Sql(
    MINE.text + _SOURCES.format(ids=_ID_LIST) + _ON_PAGE,
    postgresql=(MINE.postgresql or "") + _SOURCES.format(ids=_ID_LIST_PG) + _ON_PAGE,
)
DriverRow = Sequence[Any]


def mine(user_id: int | None, thread_id: int, comment_ids: Sequence[int] | str) -> Script[Mine]:
    """One statement, each part from an index: the votes' primary key (user, comment), the
    flags' (comment, user) key, the comments' (author, created) index. The ids are one
    parameter, so the statement is prepared once whatever their number; a script, so signed-in
    readers' pages run it on the driver (Direct.read) and the uncached path in its session.
    A held comment is pending or rejected (only its author and moderators read it); one posted
    as an organisation names its author to them alone: either makes the reader's page their
    own. The ids may come as `id_list` made them (a kept page keeps its list)."""
    if user_id is None:
        return NO_ONE
    return _mine_of((yield MINE(user=user_id, thread=thread_id, ids=id_list(comment_ids))))


def id_list(comment_ids: Sequence[int] | str) -> str:
    """The ids as the one parameter of MINE and MINE_ON_PAGE (a text made so passes as is)."""
    if isinstance(comment_ids, str):
        return comment_ids
    return ",".join(str(int(i)) for i in comment_ids)


def _mine_of(rows: Sequence[DriverRow]) -> Mine:
    votes: dict[int, int] = {}
    flagged: set[int] = set()
    held = False
    for part, comment_id, value, _, _ in rows:
        if part == "v":
            votes[int(comment_id)] = int(value)
        elif part == "f":
            flagged.add(int(comment_id))
        elif part == "h":
            held = True
    return Mine(votes, frozenset(flagged), held)


class ActingFor(NamedTuple):
    """An organisation a reader may post as, as the comment forms offer it."""

    slug: str
    name: str


@dataclass(frozen=True)
class OnPage:
    """What the thread page shows of its reader besides the comments: whether they follow the
    thread, and the organisations they may post as (by name)."""

    following: bool
    organisations: tuple[ActingFor, ...]


def _on_page_of(rows: Sequence[DriverRow]) -> OnPage:
    acting = tuple(ActingFor(str(row[3]), str(row[4])) for row in rows if row[0] == "o")
    return OnPage(any(row[0] == "w" for row in rows), acting)


def on_page(user_id: int, thread_id: int) -> Script[OnPage]:
    """One statement: the follow's (person, kind, target) key, the memberships' (person) index."""
    return _on_page_of((yield ON_PAGE(user=user_id, thread=thread_id)))


def mine_on_page(
    user_id: int, thread_id: int, comment_ids: Sequence[int] | str
) -> Script[tuple[Mine, OnPage, dict[int, str]]]:
    """`mine`, `on_page` and the source of each of the reader's own comments on the page (as
    `sources_of`, for their edit forms) in one statement: a signed-in reader's HTML page."""
    rows = yield MINE_ON_PAGE(user=user_id, thread=thread_id, ids=id_list(comment_ids))
    sources = {int(row[1]): str(row[3]) for row in rows if row[0] == "s"}
    return _mine_of(rows), _on_page_of(rows), sources


async def latest_event_id(session: AsyncSession) -> int:
    """Where a freshly rendered page starts listening (events after it are replayed)."""
    return (await session.scalar(select(func.max(Event.id)))) or 0


async def revisions_of(session: AsyncSession, comment_id: int) -> Sequence[CommentRevision]:
    return (
        await session.scalars(
            select(CommentRevision)
            .where(CommentRevision.comment_id == comment_id)
            .order_by(CommentRevision.id)
        )
    ).all()


async def sources_of(session: AsyncSession, comment_ids: Sequence[int]) -> dict[int, str]:
    """Comment id -> source text (Markdown), for the edit forms."""
    if not comment_ids:
        return {}
    rows = await session.execute(
        select(Comment.id, Comment.body).where(Comment.id.in_(comment_ids))
    )
    return {comment_id: body for comment_id, body in rows}


async def flagged_by(session: AsyncSession, user_id: int, comment_ids: Sequence[int]) -> set[int]:
    """Which of these comments the reader has reported already."""
    if not comment_ids:
        return set()
    found = await session.scalars(
        select(Flag.comment_id).where(Flag.user_id == user_id, Flag.comment_id.in_(comment_ids))
    )
    return set(found.all())
