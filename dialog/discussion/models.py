"""Comments (with replies), their earlier versions, votes and flags."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, case
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class CommentStatus(StrEnum):
    pending = "pending"  # waiting for review; only the author and moderators see it
    published = "published"
    rejected = "rejected"  # never published
    hidden = "hidden"  # was published, taken down by moderation or by flags
    withdrawn = "withdrawn"  # the author took it back; a placeholder keeps replies in context


class Stance(StrEnum):
    for_ = "for"
    neutral = "neutral"
    against = "against"


class FlagReason(StrEnum):
    spam = "spam"
    insult = "insult"
    discrimination = "discrimination"
    personal_data = "personal-data"
    off_topic = "off-topic"
    other = "other"


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_thread_status_id", "thread_id", "status", "id"),
        Index("ix_comments_parent", "parent_id"),
        Index("ix_comments_root", "root_id"),
        # An author's comments by time: the moderation rules read the recent ones on every post.
        Index("ix_comments_author_created", "author_id", "created_at"),
        UniqueConstraint("author_id", "client_id", name="uq_comments_author_client"),
        Index("ix_comments_organisation", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    # The top-level comment of the conversation (itself for top level): one query loads a
    # page's replies at every depth.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    depth: Mapped[int] = mapped_column(default=0)  # 0 top level, replies up to 3
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Posted as this organisation: the public sees it, moderators the author behind it. No
    # cascade: an organisation with comments is not deleted (its comments would show the person).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    stance: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=CommentStatus.published)
    held_by: Mapped[str | None] = mapped_column(String(40))  # the moderation rule, if any
    up_count: Mapped[int] = mapped_column(default=0)
    down_count: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)
    flag_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]


# The page orders of top-level comments ("top": support minus opposition; "controversial": the
# smaller side first, then the score), each answered from a partial index of top-level
# comments, so a thread of any size pages from the index without sorting.
SCORE = Comment.up_count - Comment.down_count
CONTROVERSY = case(
    (Comment.up_count < Comment.down_count, Comment.up_count), else_=Comment.down_count
)
TOP_LEVEL = Comment.parent_id.is_(None)
Index(
    "ix_comments_top_level_new",
    Comment.thread_id,
    Comment.id,
    sqlite_where=TOP_LEVEL,
    postgresql_where=TOP_LEVEL,
)
Index(
    "ix_comments_top_level_score",
    Comment.thread_id,
    SCORE,
    Comment.id,
    sqlite_where=TOP_LEVEL,
    postgresql_where=TOP_LEVEL,
)
Index(
    "ix_comments_top_level_controversy",
    Comment.thread_id,
    CONTROVERSY,
    SCORE,
    Comment.id,
    sqlite_where=TOP_LEVEL,
    postgresql_where=TOP_LEVEL,
)


class CommentRevision(Base):
    """The text before an edit, kept for moderators."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        CheckConstraint("value IN (-1, 1)", name="value"),
        Index("ix_votes_comment", "comment_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_flags_comment_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by moderation when the flag was looked at: upheld (True) or dismissed (False).
    upheld: Mapped[bool | None]
    reviewed_at: Mapped[datetime | None]
