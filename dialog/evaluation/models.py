"""Codebooks (themes per procedure), codings, offline sources and stored opinion groups."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class OfflineKind(StrEnum):
    workshop = "workshop"
    walk = "walk"
    letter = "letter"
    phone = "phone"
    other = "other"


class Theme(Base):
    """One theme of a procedure's codebook."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("procedure_id", "name", name="uq_themes_procedure_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Coding(Base):
    """A theme given to a contribution; a contribution can carry several."""

    __tablename__ = "codings"
    __table_args__ = (Index("ix_codings_theme", "theme_id"),)

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    # Who coded it: staff work, not personal data of the contribution's author.
    coded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfflineSource(Base):
    """Marks a comment as input from a workshop, walk, letter or call, entered by staff."""

    __tablename__ = "offline_sources"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    people: Mapped[int] = mapped_column(default=1)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class OpinionGroups(Base):
    """The latest opinion-group analysis of a thread, and what it was computed from.

    The consumer of the outbox notes a change (`changed_event`, `changed_at`); the periodic job
    recomputes once the thread has been quiet for a while and stores `computed_event`.
    """

    __tablename__ = "opinion_groups"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    changed_event: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    computed_event: Mapped[int] = mapped_column(default=-1)
    computed_at: Mapped[datetime | None]
