"""Notifications, follows and how each person wants to hear of each kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        # One notice per person, event and kind: a repeated event changes nothing.
        UniqueConstraint("user_id", "event_id", "kind", name="uq_notifications_event"),
        # The mail jobs look for what is still to be mailed, by how, person after person.
        Index("ix_notifications_delivery", "delivery", "mailed_at", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # e.g. reply, answer, comment.decided
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # The outbox event it came from (None for notices written by a request).
    event_id: Mapped[int | None] = mapped_column(default=None)
    # The comment whose text `body` quotes: once it is no longer public, the text is not shown.
    comment_id: Mapped[int | None] = mapped_column(default=None)
    # How it is mailed (dialog.notifications.kinds.Mode): now, daily, weekly or none.
    delivery: Mapped[str] = mapped_column(String(10), default="none")
    mailed_at: Mapped[datetime | None] = mapped_column(default=None)


class Follow(Base):
    """Someone follows a procedure, thread, district or department. `active` False: they
    unfollowed it, and automatic follows (writing, voting) leave it so."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "target_id", name="uq_follows_target"),
        Index("ix_follows_kind_target", "kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    automatic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(Base):
    """How one person hears of one kind of notification; no row: the kind's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10))
