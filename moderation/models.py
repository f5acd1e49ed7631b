"""Moderation tables: per-comment review state, rules, decisions, appeals and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class ReviewItem(Base):
    """A comment's place in the queue. `version` rises with every decision (optimistic lock).

    Pending comments are in the queue without a row; the row is created when a flag, a claim,
    an appeal or a decision first touches the comment.
    """

    __tablename__ = "moderation_items"
    __table_args__ = (Index("ix_moderation_items_open_since", "open_since"),)

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=0)
    # Set while the comment waits for a moderator because of flags or an appeal.
    open_since: Mapped[datetime | None]
    open_reason: Mapped[str | None] = mapped_column(String(20))  # flags | appeal
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claim_expires_at: Mapped[datetime | None]
    # Who may not decide the open appeal: the moderator whose decision is appealed.
    excluded_moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class Rule(Base):
    """An admin's setting for one hold rule; rules without a row use their defaults."""

    __tablename__ = "moderation_rules"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Decision(Base):
    __tablename__ = "moderation_decisions"
    __table_args__ = (
        Index("ix_moderation_decisions_comment", "comment_id", "id"),
        Index("ix_moderation_decisions_procedure", "procedure_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    procedure_id: Mapped[int | None] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))  # approve | reject | hide | restore
    reason: Mapped[str] = mapped_column(String(20))  # the netiquette catalogue
    note: Mapped[str] = mapped_column(String(1000), default="")
    status_before: Mapped[str] = mapped_column(String(12))
    status_after: Mapped[str] = mapped_column(String(12))
    queue_reason: Mapped[str | None] = mapped_column(String(40))  # why it was in the queue
    waited_seconds: Mapped[int | None]  # from entering the queue to this decision
    on_appeal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Appeal(Base):
    """An author's one request for a second review of a decision."""

    __tablename__ = "moderation_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_decisions.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Append-only; each row carries the SHA-256 of the previous one, so tampering shows.

    `actor_id` is a plain number on purpose: a foreign key with ON DELETE SET NULL would
    rewrite old rows and break the chain.
    """

    __tablename__ = "moderation_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(30))  # decision | block | unblock | rule
    subject: Mapped[str] = mapped_column(String(60))  # comment:12, user:4, rule:links
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Unique: two writers can never both extend the same row, the chain stays a line.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
