"""Reads of the workbench: the codebook, what to code next, counts per theme, offline input.

Only published contributions count and are shown: codings of a comment that was hidden or
withdrawn stay stored (moderation may publish it again) but appear nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.discussion.models import Comment, CommentStatus
from dialog.evaluation.models import Coding, OfflineSource, Theme
from dialog.evaluation.present import offline_line
from dialog.procedures.models import Thread

PUBLISHED = Comment.status == CommentStatus.published
STANCE_KEYS = ("for", "neutral", "against", "none")
THEME_SEPARATOR = "; "


async def threads_of(session: AsyncSession, procedure_id: int) -> list[Thread]:
    found = await session.scalars(
        select(Thread).where(Thread.procedure_id == procedure_id).order_by(Thread.id)
    )
    return list(found.all())


async def themes_of(session: AsyncSession, procedure_id: int) -> list[Theme]:
    found = await session.scalars(
        select(Theme).where(Theme.procedure_id == procedure_id).order_by(Theme.name, Theme.id)
    )
    return list(found.all())


@dataclass
class ThemeCount:
    theme_id: int
    name: str
    total: int = 0
    offline: int = 0
    stances: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STANCE_KEYS, 0))


async def theme_counts(
    session: AsyncSession, procedure_id: int, thread_id: int | None = None
) -> list[ThemeCount]:
    """Per theme of the codebook (most frequent first): published contributions carrying it
    (in one thread, if given), by stance, and how many of them came from offline input."""
    counts = {t.id: ThemeCount(t.id, t.name) for t in await themes_of(session, procedure_id)}
    query = (
        select(Coding.theme_id, Comment.stance, OfflineSource.comment_id.is_not(None), func.count())
        .join(Comment, Comment.id == Coding.comment_id)
        .join(Thread, Thread.id == Comment.thread_id)
        .outerjoin(OfflineSource, OfflineSource.comment_id == Comment.id)
        .where(Thread.procedure_id == procedure_id, PUBLISHED)
        .group_by(Coding.theme_id, Comment.stance, OfflineSource.comment_id.is_not(None))
    )
    if thread_id is not None:
        query = query.where(Comment.thread_id == thread_id)
    rows = await session.execute(query)
    for theme_id, stance, offline, count in rows:
        item = counts.get(theme_id)
        if item is None:
            continue
        item.total += int(count)
        item.offline += int(count) if offline else 0
        item.stances[stance if stance in STANCE_KEYS else "none"] += int(count)
    return sorted(counts.values(), key=lambda c: (-c.total, c.name.casefold()))


@dataclass(frozen=True)
class CodingProgress:
    contributions: int
    coded: int


async def coding_progress(session: AsyncSession, procedure_id: int) -> CodingProgress:
    in_procedure = (Thread.procedure_id == procedure_id, PUBLISHED)
    total = await session.scalar(
        select(func.count(Comment.id))
        .join(Thread, Thread.id == Comment.thread_id)
        .where(*in_procedure)
    )
    coded = await session.scalar(
        select(func.count(func.distinct(Coding.comment_id)))
        .join(Comment, Comment.id == Coding.comment_id)
        .join(Thread, Thread.id == Comment.thread_id)
        .where(*in_procedure)
    )
    return CodingProgress(int(total or 0), int(coded or 0))


@dataclass(frozen=True)
class CodingItem:
    id: int
    thread_id: int
    thread_title: str
    html: str
    stance: str | None
    offline: OfflineSource | None
    themes: frozenset[int]


async def coding_items(
    session: AsyncSession,
    procedure_id: int,
    *,
    after: int = 0,
    limit: int = 20,
    uncoded_only: bool = False,
) -> list[CodingItem]:
    """The next published contributions of the procedure by number, with their themes."""
    query = (
        select(Comment, Thread.title, OfflineSource)
        .join(Thread, Thread.id == Comment.thread_id)
        .outerjoin(OfflineSource, OfflineSource.comment_id == Comment.id)
        .where(Thread.procedure_id == procedure_id, PUBLISHED, Comment.id > after)
        .order_by(Comment.id)
        .limit(limit)
    )
    if uncoded_only:
        query = query.where(
            ~select(Coding.comment_id).where(Coding.comment_id == Comment.id).exists()
        )
    rows = (await session.execute(query)).all()
    themes = await themes_by_comment(session, [comment.id for comment, _t, _o in rows])
    return [
        CodingItem(
            comment.id,
            comment.thread_id,
            title,
            comment.html,
            comment.stance,
            offline,
            frozenset(themes.get(comment.id, ())),
        )
        for comment, title, offline in rows
    ]


async def themes_by_comment(
    session: AsyncSession, comment_ids: Sequence[int]
) -> dict[int, set[int]]:
    if not comment_ids:
        return {}
    rows = await session.execute(
        select(Coding.comment_id, Coding.theme_id).where(Coding.comment_id.in_(comment_ids))
    )
    found: dict[int, set[int]] = {}
    for cid, tid in rows:
        found.setdefault(cid, set()).add(tid)
    return found


def theme_names_of_comment() -> ScalarSelect[str]:
    """The export's theme column: the names of a comment's themes, "; "-separated (correlated
    with `comments`, so the export stays one streamed query)."""
    return (
        select(func.aggregate_strings(Theme.name, THEME_SEPARATOR))
        .join(Coding, Coding.theme_id == Theme.id)
        .where(Coding.comment_id == Comment.id)
        .correlate(Comment)
        .scalar_subquery()
    )


async def offline_sources(
    session: AsyncSession, comment_ids: Sequence[int]
) -> dict[int, OfflineSource]:
    if not comment_ids:
        return {}
    found = await session.scalars(
        select(OfflineSource).where(OfflineSource.comment_id.in_(comment_ids))
    )
    return {source.comment_id: source for source in found}


async def offline_lines(session: AsyncSession, comment_ids: Sequence[int]) -> dict[int, str]:
    """For the thread page: the source line of each offline contribution among `comment_ids`."""
    sources = await offline_sources(session, comment_ids)
    return {cid: offline_line(source) for cid, source in sources.items()}


@dataclass(frozen=True)
class OfflineCount:
    kind: str
    contributions: int
    people: int


async def offline_counts(
    session: AsyncSession, procedure_id: int, thread_id: int | None = None
) -> list[OfflineCount]:
    """Published offline contributions of the procedure (or one thread) per kind, and the
    people present."""
    query = (
        select(OfflineSource.kind, func.count(), func.coalesce(func.sum(OfflineSource.people), 0))
        .join(Comment, Comment.id == OfflineSource.comment_id)
        .join(Thread, Thread.id == Comment.thread_id)
        .where(Thread.procedure_id == procedure_id, PUBLISHED)
        .group_by(OfflineSource.kind)
        .order_by(OfflineSource.kind)
    )
    if thread_id is not None:
        query = query.where(Comment.thread_id == thread_id)
    rows = await session.execute(query)
    return [OfflineCount(kind, int(count), int(people)) for kind, count, people in rows]
