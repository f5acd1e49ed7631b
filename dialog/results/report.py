"""The procedure report: figures read from the database and the geometry of its SVG charts.

Charts are plain SVG built from rectangles and text; the template draws them with classes only
(the CSP forbids inline style), and a data table beside each chart carries the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import User
from dialog.discussion.models import Comment, CommentStatus, Flag, Vote
from dialog.evaluation import groups
from dialog.evaluation import queries as evaluation_queries
from dialog.i18n import format_day
from dialog.i18n import gettext as _
from dialog.organisations.models import Organisation
from dialog.procedures.models import Procedure, Thread
from dialog.results import queries
from dialog.results.models import AnswerState
from dialog.results.present import state_label
from dialog.results.queries import PUBLIC_AUTHOR, PUBLIC_AUTHOR_GONE

TOP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: int


@dataclass(frozen=True)
class Chart:
    """Horizontal grouped bars: one row per label, one bar per series."""

    key: str
    bars: list[Bar]
    series: tuple[str, ...]
    width: int = 640
    label_width: int = 200
    bar_height: int = 14
    gap: int = 10

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * self.row_height + 10

    @property
    def row_height(self) -> int:
        return self.bar_height * len(self.series) + self.gap

    @property
    def maximum(self) -> int:
        return max([v for bar in self.bars for v in bar.values] or [0]) or 1

    def layout(self) -> list[tuple[Bar, float, list[Rect]]]:
        space = self.width - self.label_width - 50
        rows = []
        for index, bar in enumerate(self.bars):
            top = 5 + index * self.row_height
            rects = [
                Rect(
                    self.label_width,
                    top + n * self.bar_height,
                    round(space * value / self.maximum, 1),
                    self.bar_height - 2,
                    n,
                    value,
                )
                for n, value in enumerate(bar.values)
            ]
            rows.append((bar, top + self.row_height / 2, rects))
        return rows


@dataclass(frozen=True)
class CommentLine:
    id: int
    thread_id: int
    author: str
    html: str
    up: int
    down: int


@dataclass(frozen=True)
class Report:
    procedure: Procedure
    department: str
    comments: int
    votes: int
    participants: int
    per_day: list[tuple[date, int, int]]
    per_thread: list[tuple[Thread, int, int, int]]
    supported: list[CommentLine]
    disputed: list[CommentLine]
    answers: list[queries.AnsweredItem]
    states: list[tuple[str, int]]
    moderation: dict[str, int]
    # The evaluation workbench (dialog/evaluation): codebook counts, offline input, opinion groups.
    themes: list[evaluation_queries.ThemeCount] = field(default_factory=list)
    coding: evaluation_queries.CodingProgress | None = None
    offline: list[evaluation_queries.OfflineCount] = field(default_factory=list)
    opinion: list[groups.ThreadGroups] = field(default_factory=list)

    @property
    def offline_contributions(self) -> int:
        return sum(item.contributions for item in self.offline)

    @property
    def offline_people(self) -> int:
        return sum(item.people for item in self.offline)


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def build(session: AsyncSession, procedure_id: int, top: int = TOP) -> Report | None:
    head = await queries.export_head(session, procedure_id)
    if head is None:
        return None
    procedure, department, _threads = head
    in_procedure = Thread.procedure_id == procedure_id
    published = Comment.status == CommentStatus.published
    day_of_comment = func.date(Comment.created_at)
    comment_days = await session.execute(
        select(day_of_comment, func.count())
        .join(Thread, Thread.id == Comment.thread_id)
        .where(in_procedure, published)
        .group_by(day_of_comment)
    )
    day_of_vote = func.date(Vote.created_at)
    vote_days = await session.execute(
        select(day_of_vote, func.count())
        .join(Comment, Comment.id == Vote.comment_id)
        .join(Thread, Thread.id == Comment.thread_id)
        .where(in_procedure, published)
        .group_by(day_of_vote)
    )
    days: dict[date, list[int]] = {}
    for value, count in comment_days:
        days.setdefault(_day(value), [0, 0])[0] = int(count)
    for value, count in vote_days:
        days.setdefault(_day(value), [0, 0])[1] = int(count)
    per_day = [(day, c, v) for day, (c, v) in sorted(days.items())]
    thread_rows = await session.execute(
        select(
            Thread,
            func.count(Comment.id),
            func.coalesce(func.sum(Comment.up_count), 0),
            func.coalesce(func.sum(Comment.down_count), 0),
        )
        .outerjoin(Comment, (Comment.thread_id == Thread.id) & published)
        .where(in_procedure)
        .group_by(Thread.id)
        .order_by(Thread.id)
    )
    per_thread = [(t, int(c), int(u), int(d)) for t, c, u, d in thread_rows]
    participants = await session.scalar(
        select(func.count(func.distinct(Comment.author_id)))
        .join(Thread, Thread.id == Comment.thread_id)
        .where(in_procedure, published)
    )
    lines = (
        select(Comment, PUBLIC_AUTHOR, PUBLIC_AUTHOR_GONE)
        .join(Thread, Thread.id == Comment.thread_id)
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(Organisation, Organisation.id == Comment.organisation_id)
        .where(in_procedure, published)
    )
    supported = await session.execute(
        lines.where(Comment.up_count > 0)
        .order_by((Comment.up_count - Comment.down_count).desc(), Comment.id)
        .limit(top)
    )
    smaller = case(
        (Comment.up_count < Comment.down_count, Comment.up_count), else_=Comment.down_count
    )
    disputed = await session.execute(
        lines.where(Comment.up_count > 0, Comment.down_count > 0)
        .order_by(smaller.desc(), (Comment.up_count + Comment.down_count).desc(), Comment.id)
        .limit(top)
    )
    answers = await queries.answers_of_procedure(session, procedure_id)
    counted = {state.value: 0 for state in AnswerState}
    for item in answers:
        counted[item.answer.state] += 1
    status_rows = await session.execute(
        select(Comment.status, func.count())
        .join(Thread, Thread.id == Comment.thread_id)
        .where(in_procedure)
        .group_by(Comment.status)
    )
    moderation = {status.value: 0 for status in CommentStatus}
    moderation.update({status: int(count) for status, count in status_rows})
    flags = (
        await session.execute(
            select(
                func.count(Flag.id),
                func.count(case((Flag.upheld.is_(True), 1))),
                func.count(case((Flag.upheld.is_(False), 1))),
            )
            .join(Comment, Comment.id == Flag.comment_id)
            .join(Thread, Thread.id == Comment.thread_id)
            .where(in_procedure)
        )
    ).one()
    moderation.update(
        flags=int(flags[0]),
        flags_upheld=int(flags[1]),
        flags_dismissed=int(flags[2]),
        flags_open=int(flags[0]) - int(flags[1]) - int(flags[2]),
    )
    return Report(
        procedure=procedure,
        department=department,
        comments=sum(c for _t, c, _u, _d in per_thread),
        votes=sum(u + d for _t, _c, u, d in per_thread),
        participants=int(participants or 0),
        per_day=per_day,
        per_thread=per_thread,
        supported=[_line(*row) for row in supported],
        disputed=[_line(*row) for row in disputed],
        answers=answers,
        states=list(counted.items()),
        moderation=moderation,
        themes=await evaluation_queries.theme_counts(session, procedure_id),
        coding=await evaluation_queries.coding_progress(session, procedure_id),
        offline=await evaluation_queries.offline_counts(session, procedure_id),
        opinion=await groups.of_procedure(session, procedure_id),
    )


def _line(comment: Comment, name: str | None, deleted: datetime | None) -> CommentLine:
    author = "" if name is None or deleted is not None else name
    return CommentLine(
        comment.id, comment.thread_id, author, comment.html, comment.up_count, comment.down_count
    )


def charts(found: Report) -> dict[str, Chart]:
    """The three charts of the report, labelled in the reader's language."""
    return {
        "days": Chart(
            "days",
            [Bar(format_day(day), (c, v)) for day, c, v in found.per_day],
            (_("Comments"), _("Votes")),
        ),
        "threads": Chart(
            "threads",
            [Bar(t.title, (c, u + d)) for t, c, u, d in found.per_thread],
            (_("Comments"), _("Votes")),
        ),
        "states": Chart(
            "states",
            [Bar(state_label(state), (count,)) for state, count in found.states],
            (_("Answers"),),
        ),
        "themes": Chart(
            "themes",
            [Bar(t.name, (t.total,)) for t in found.themes],
            (_("Contributions"),),
        ),
        **{
            f"groups-{item.thread_id}": Chart(
                f"groups-{item.thread_id}",
                [
                    Bar(_("Group %(label)s") % {"label": g.label}, (g.size,))
                    for g in item.analysis.groups
                ],
                (_("Participants"),),
            )
            for item in found.opinion
            if item.analysis is not None and item.analysis.shown
        },
    }
