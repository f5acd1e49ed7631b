"""Reads of the results part: answers, the public results, the department workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Select, and_, case, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import User
from dialog.discussion.models import Comment, CommentStatus, Vote
from dialog.evaluation.models import OfflineSource
from dialog.evaluation.queries import theme_names_of_comment
from dialog.organisations.models import Organisation
from dialog.procedures.models import Department, Procedure, ProcedurePhase, Thread
from dialog.results.models import Answer, Decision, HandoverJob, JobState
from dialog.results.present import answer_out
from dialog.results.schemas import AnswerOut

# The author as departments and the public read them (joined with User and Organisation): a
# comment posted as an organisation names the organisation, never the person behind it.
PUBLIC_AUTHOR = func.coalesce(Organisation.name, User.display_name)
PUBLIC_AUTHOR_GONE = case((Comment.organisation_id.is_not(None), None), else_=User.deleted_at)


async def thread_with_procedure(
    session: AsyncSession, thread_id: int
) -> tuple[Thread, Procedure] | None:
    row = (
        await session.execute(
            select(Thread, Procedure)
            .join(Procedure, Procedure.id == Thread.procedure_id)
            .where(Thread.id == thread_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def department_slug_of_thread(session: AsyncSession, thread_id: int) -> str | None:
    found: str | None = await session.scalar(
        select(Department.slug)
        .join(Procedure, Procedure.department_id == Department.id)
        .join(Thread, Thread.procedure_id == Procedure.id)
        .where(Thread.id == thread_id)
    )
    return found


async def author_and_voters(session: AsyncSession, comment_id: int) -> set[int]:
    """Who stands behind a comment: its author and everyone who voted on it (live accounts)."""
    author = select(Comment.author_id.label("uid")).where(Comment.id == comment_id)
    voters = select(Vote.user_id.label("uid")).where(Vote.comment_id == comment_id)
    ids = (await session.scalars(author.union(voters))).all()
    return await _live(session, [i for i in ids if i is not None])


async def thread_writers(session: AsyncSession, thread_id: int) -> set[int]:
    ids = (
        await session.scalars(
            select(Comment.author_id)
            .where(Comment.thread_id == thread_id, Comment.status == CommentStatus.published)
            .distinct()
        )
    ).all()
    return await _live(session, [i for i in ids if i is not None])


async def _live(session: AsyncSession, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    found = await session.scalars(
        select(User.id).where(User.id.in_(ids), User.deleted_at.is_(None))
    )
    return set(found.all())


def _answers_with_department() -> Select[Answer, str]:
    return select(Answer, Department.name).join(Department, Department.id == Answer.department_id)


async def answers_for_thread(session: AsyncSession, thread_id: int) -> dict[int | None, AnswerOut]:
    """The official answers of a thread by comment id; the thread's own answer under None.

    The thread page calls this once and hands each comment's answer to
    templates/results/_answer.html.
    """
    rows = await session.execute(_answers_with_department().where(Answer.thread_id == thread_id))
    return {answer.comment_id: answer_out(answer, name) for answer, name in rows}


async def answer_by_id(session: AsyncSession, answer_id: int) -> AnswerOut | None:
    row = (await session.execute(_answers_with_department().where(Answer.id == answer_id))).first()
    return answer_out(row[0], row[1]) if row else None


@dataclass(frozen=True)
class AnsweredItem:
    answer: AnswerOut
    thread_title: str
    excerpt: str  # sanitized HTML of the answered comment; empty for a thread answer


async def answers_of_procedure(session: AsyncSession, procedure_id: int) -> list[AnsweredItem]:
    rows = await session.execute(
        select(Answer, Department.name, Thread.title, Comment.html, Comment.status)
        .join(Department, Department.id == Answer.department_id)
        .join(Thread, Thread.id == Answer.thread_id)
        .outerjoin(Comment, Comment.id == Answer.comment_id)
        .where(Thread.procedure_id == procedure_id)
        .order_by(Answer.thread_id, Answer.comment_id.is_not(None), Answer.id)
    )
    return [
        AnsweredItem(
            answer_out(answer, name),
            title,
            html if status == CommentStatus.published else "",
        )
        for answer, name, title, html, status in rows
        # an answer to a comment that was later hidden stays, without the comment's text
    ]


async def decision(session: AsyncSession, procedure_id: int) -> Decision | None:
    return await session.get(Decision, procedure_id)


@dataclass(frozen=True)
class JobRow:
    job: HandoverJob
    thread_title: str
    procedure_id: int
    procedure_title: str


def _jobs() -> Select[HandoverJob, str, int, str]:
    return (
        select(HandoverJob, Thread.title, Procedure.id, Procedure.title)
        .join(Thread, Thread.id == HandoverJob.thread_id)
        .join(Procedure, Procedure.id == HandoverJob.procedure_id)
        .order_by(HandoverJob.created_at.desc(), HandoverJob.id.desc())
    )


async def handovers_of_procedure(
    session: AsyncSession, procedure_id: int, delivered_only: bool = False
) -> list[JobRow]:
    query = _jobs().where(HandoverJob.procedure_id == procedure_id)
    if delivered_only:
        query = query.where(HandoverJob.state == JobState.done)
    return [JobRow(*row) for row in (await session.execute(query)).all()]


@dataclass(frozen=True)
class PublicResults:
    handovers: list[JobRow]
    answers: list[AnsweredItem]
    decision: Decision | None

    @property
    def empty(self) -> bool:
        return not (self.handovers or self.answers or (self.decision and self.decision.text))


async def public_results(session: AsyncSession, procedure_id: int) -> PublicResults:
    """What became of it: deliveries, answers and the decision (documents are the page's)."""
    return PublicResults(
        await handovers_of_procedure(session, procedure_id, delivered_only=True),
        await answers_of_procedure(session, procedure_id),
        await decision(session, procedure_id),
    )


@dataclass(frozen=True)
class OpenItem:
    comment_id: int
    thread_id: int
    thread_title: str
    procedure_title: str
    author: str
    html: str
    up: int
    down: int
    created_at: datetime


@dataclass(frozen=True)
class Deadline:
    when: date | datetime
    what: str  # "thread" | a phase name
    title: str
    url: str


@dataclass(frozen=True)
class ProcedureLine:
    procedure: Procedure
    comments: int
    answers: int


@dataclass(frozen=True)
class Workspace:
    department: Department
    procedures: list[ProcedureLine]
    open_items: list[OpenItem]
    open_total: int
    deadlines: list[Deadline]
    jobs: list[JobRow]
    closed_threads: list[tuple[Thread, str]]  # closed, not yet handed over


async def workspace(
    session: AsyncSession, department: Department, now: datetime, limit: int = 50
) -> Workspace:
    own = Procedure.department_id == department.id
    counts = (
        select(
            Thread.procedure_id.label("pid"),
            func.coalesce(func.sum(Thread.comment_count), 0).label("comments"),
        )
        .group_by(Thread.procedure_id)
        .subquery()
    )
    answered = (
        select(Thread.procedure_id.label("pid"), func.count(Answer.id).label("answers"))
        .join(Answer, Answer.thread_id == Thread.id)
        .group_by(Thread.procedure_id)
        .subquery()
    )
    procedure_rows = await session.execute(
        select(Procedure, counts.c.comments, answered.c.answers)
        .outerjoin(counts, counts.c.pid == Procedure.id)
        .outerjoin(answered, answered.c.pid == Procedure.id)
        .where(own)
        .order_by(Procedure.updated_at.desc())
    )
    procedures = [ProcedureLine(p, int(c or 0), int(a or 0)) for p, c, a in procedure_rows]
    unanswered = (
        select(Comment, Thread.title, Procedure.title, PUBLIC_AUTHOR, PUBLIC_AUTHOR_GONE)
        .join(Thread, Thread.id == Comment.thread_id)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(Organisation, Organisation.id == Comment.organisation_id)
        .outerjoin(Answer, Answer.comment_id == Comment.id)
        .where(own, Comment.status == CommentStatus.published, Answer.id.is_(None))
    )
    open_total = int(
        await session.scalar(select(func.count()).select_from(unanswered.subquery())) or 0
    )
    open_rows = await session.execute(
        unanswered.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)
    )
    open_items = [
        OpenItem(
            c.id,
            c.thread_id,
            thread_title,
            procedure_title,
            "" if (name is None or deleted) else name,
            c.html,
            c.up_count,
            c.down_count,
            c.created_at,
        )
        for c, thread_title, procedure_title, name, deleted in open_rows
    ]
    deadlines: list[Deadline] = []
    closing = await session.execute(
        select(Thread, Procedure.title)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .where(own, Thread.is_open.is_(True), Thread.closes_at >= now)
        .order_by(Thread.closes_at)
    )
    for thread, procedure_title in closing:
        assert thread.closes_at is not None
        deadlines.append(
            Deadline(
                thread.closes_at,
                "thread",
                f"{procedure_title}: {thread.title}",
                f"/threads/{thread.id}",
            )
        )
    phases = await session.execute(
        select(ProcedurePhase, Procedure.title)
        .join(Procedure, Procedure.id == ProcedurePhase.procedure_id)
        .where(own, ProcedurePhase.ends_on >= now.date())
        .order_by(ProcedurePhase.ends_on)
    )
    for phase, procedure_title in phases:
        assert phase.ends_on is not None
        deadlines.append(
            Deadline(
                phase.ends_on, phase.phase, procedure_title, f"/procedures/{phase.procedure_id}"
            )
        )
    deadlines.sort(key=_day)
    jobs = [JobRow(*row) for row in (await session.execute(_jobs().where(own).limit(100))).all()]
    closed = await session.execute(
        select(Thread, Procedure.title)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .outerjoin(HandoverJob, HandoverJob.thread_id == Thread.id)
        .where(own, HandoverJob.id.is_(None), closed_condition(now))
        .order_by(Thread.id)
    )
    return Workspace(
        department,
        procedures,
        open_items,
        open_total,
        deadlines,
        jobs,
        [(t, title) for t, title in closed],
    )


def closed_condition(now: datetime) -> ColumnElement[bool]:
    """A thread is closed when staff closed it or its closing time passed."""
    return or_(
        Thread.is_open.is_(False), and_(Thread.closes_at.is_not(None), Thread.closes_at <= now)
    )


def _day(deadline: Deadline) -> date:
    when = deadline.when
    return when.date() if isinstance(when, datetime) else when


# Exports: one streamed query per procedure; only published comments, authors as pseudonyms.


def export_query(procedure_id: int, thread_id: int | None = None) -> Select[*tuple[Any, ...]]:
    """One row per published comment, in conversation order, shaped for the exporters.

    Built for 100,000 rows: the author is one column (NULL once the account is deleted), and
    the two timestamps come back as the driver gives them (naive UTC on SQLite, aware on
    PostgreSQL) without the per-value zone fix-up of `UTCDateTime`; the exporters handle both.
    """
    query = (
        select(
            Comment.id,
            Comment.thread_id,
            Comment.parent_id,
            Comment.depth,
            type_coerce(Comment.created_at, DateTime()),
            # Posted as an organisation: its name, never the person's.
            func.coalesce(Organisation.name, case((User.deleted_at.is_(None), User.display_name))),
            Comment.stance,
            Comment.html,
            Comment.up_count,
            Comment.down_count,
            Comment.reply_count,
            Comment.flag_count,
            Answer.state,
            Answer.html,
            Answer.reason,
            type_coerce(Answer.updated_at, DateTime()),
            # The evaluation workbench: themes, and the source of offline input.
            theme_names_of_comment(),
            OfflineSource.kind,
            OfflineSource.held_on,
            OfflineSource.place,
            OfflineSource.people,
        )
        .join(Thread, Thread.id == Comment.thread_id)
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(Organisation, Organisation.id == Comment.organisation_id)
        .outerjoin(Answer, Answer.comment_id == Comment.id)
        .outerjoin(OfflineSource, OfflineSource.comment_id == Comment.id)
        .where(Thread.procedure_id == procedure_id, Comment.status == CommentStatus.published)
        # Conversations stay together: each top-level comment, then its replies.
        .order_by(Comment.thread_id, Comment.root_id, Comment.id)
    )
    if thread_id is not None:
        query = query.where(Comment.thread_id == thread_id)
    return query


async def thread_titles(session: AsyncSession, procedure_id: int) -> dict[int, str]:
    rows = await session.execute(
        select(Thread.id, Thread.title).where(Thread.procedure_id == procedure_id)
    )
    return {thread_id: title for thread_id, title in rows}


@dataclass(frozen=True)
class ExportThread:
    thread: Thread
    answer: Answer | None


async def export_head(
    session: AsyncSession, procedure_id: int, thread_id: int | None = None
) -> tuple[Procedure, str, list[ExportThread]] | None:
    row = (
        await session.execute(
            select(Procedure, Department.name)
            .join(Department, Department.id == Procedure.department_id)
            .where(Procedure.id == procedure_id)
        )
    ).first()
    if row is None:
        return None
    query = (
        select(Thread, Answer)
        .outerjoin(Answer, and_(Answer.thread_id == Thread.id, Answer.comment_id.is_(None)))
        .where(Thread.procedure_id == procedure_id)
        .order_by(Thread.id)
    )
    if thread_id is not None:
        query = query.where(Thread.id == thread_id)
    threads = [ExportThread(t, a) for t, a in (await session.execute(query)).all()]
    return row[0], row[1], threads


@dataclass(frozen=True)
class CardFigures:
    """What a procedure card shows besides its title: how long the current phase still runs,
    how many contributions and official answers it has."""

    phase_ends_on: date | None
    contributions: int
    answers: int


async def card_figures(
    session: AsyncSession, procedures: Sequence[Procedure]
) -> dict[int, CardFigures]:
    """Figures for the cards of a list page, in three grouped queries whatever its length."""
    ids = [p.id for p in procedures]
    if not ids:
        return {}
    contributions = dict(
        (
            await session.execute(
                select(Thread.procedure_id, func.coalesce(func.sum(Thread.comment_count), 0))
                .where(Thread.procedure_id.in_(ids))
                .group_by(Thread.procedure_id)
            )
        ).all()
    )
    answers = dict(
        (
            await session.execute(
                select(Thread.procedure_id, func.count(Answer.id))
                .join(Answer, Answer.thread_id == Thread.id)
                .where(Thread.procedure_id.in_(ids))
                .group_by(Thread.procedure_id)
            )
        ).all()
    )
    ends = dict(
        (
            await session.execute(
                select(ProcedurePhase.procedure_id, func.max(ProcedurePhase.ends_on))
                .join(Procedure, Procedure.id == ProcedurePhase.procedure_id)
                .where(
                    ProcedurePhase.procedure_id.in_(ids), ProcedurePhase.phase == Procedure.phase
                )
                .group_by(ProcedurePhase.procedure_id)
            )
        ).all()
    )
    return {
        i: CardFigures(ends.get(i), int(contributions.get(i, 0)), int(answers.get(i, 0)))
        for i in ids
    }


async def unanswered_count(session: AsyncSession, department_id: int) -> int:
    """Published contributions in the department's procedures without an official answer (the
    workspace's list, counted for the header)."""
    found = await session.scalar(
        select(func.count())
        .select_from(Comment)
        .join(Thread, Thread.id == Comment.thread_id)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .outerjoin(Answer, Answer.comment_id == Comment.id)
        .where(
            Procedure.department_id == department_id,
            Comment.status == CommentStatus.published,
            Answer.id.is_(None),
        )
    )
    return int(found or 0)


async def department_slug(session: AsyncSession, department_id: int) -> str | None:
    return await session.scalar(select(Department.slug).where(Department.id == department_id))
