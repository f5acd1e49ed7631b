"""The office's review: an editable checklist, checks per procedure, comments and history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class EntryKind(StrEnum):
    comment = "comment"  # a note between office and department
    submitted = "submitted"  # the department sent the draft for review
    support_requested = "support-requested"  # "Prozessbegleitung anfragen"
    returned = "returned"  # the office sent it back to the draft
    released = "released"  # the office made it public
    published = "published"  # a trusted department published it directly


class ChecklistItem(Base):
    """One question of the review checklist; the office edits the list."""

    __tablename__ = "review_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)


class Check(Base):
    """A checklist item the office ticked for a procedure."""

    __tablename__ = "review_checks"

    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("review_checklist.id", ondelete="CASCADE"), primary_key=True
    )
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Entry(Base):
    """The review's history: comments and every step, in order."""

    __tablename__ = "review_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
