"""Official answers, the decision taken on a procedure, and durable hand-over jobs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class AnswerState(StrEnum):
    received = "received"
    considering = "under-consideration"
    adopted = "adopted"
    partly = "partly-adopted"
    not_adopted = "not-adopted"


# States whose answer must say why.
NEEDS_REASON = frozenset({AnswerState.partly, AnswerState.not_adopted})


class JobState(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"
    failed = "failed"


class Answer(Base):
    """The department's official answer to one comment, or (comment_id null) to a thread."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_thread", "thread_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "comment:12" or "thread:3": one answer per item; answering again updates it.
    target: Mapped[str] = mapped_column(String(40), unique=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(24), default=AnswerState.received)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(Base):
    """What was decided in the end: text and date per procedure, filled by its staff."""

    __tablename__ = "procedure_decisions"

    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class HandoverJob(Base):
    """One delivery of a thread's results to its department; the row is the delivery record."""

    __tablename__ = "handover_jobs"
    __table_args__ = (Index("ix_handover_jobs_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), unique=True
    )
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    # Sent with every attempt: a webhook receiver drops repeats of a delivery it accepted.
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    trigger: Mapped[str] = mapped_column(String(10))  # closed | staff
    channel: Mapped[str | None] = mapped_column(String(10))  # chosen when the attempt runs
    state: Mapped[str] = mapped_column(String(10), default=JobState.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    # Due time of the next attempt; while running, the end of the lease (a crashed worker's
    # job is taken up again after it). Null once done or given up.
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
