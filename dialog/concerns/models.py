"""Tables of ideas and complaints: categories, routing, items, supporters, photos, notes,
answers, templates, state history and the departments' settings.

The timestamps kept on an item (created, first reply, answered, archived), its channel and the
author's satisfaction are what the annual report and Open311 read.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class Kind(StrEnum):
    idea = "idea"
    complaint = "complaint"
    praise = "praise"
    defect = "defect"


class Channel(StrEnum):
    online = "online"
    phone = "phone"
    letter = "letter"
    email = "email"
    in_person = "in-person"


class State(StrEnum):
    unconfirmed = "unconfirmed"  # e-mail not yet confirmed: nobody but the system sees it
    received = "received"
    review = "in-review"
    progress = "in-progress"
    answered = "answered"
    not_feasible = "not-feasible"
    forwarded = "forwarded"
    duplicate = "duplicate"
    unpublished = "not-published"
    archived = "archived"


class AnswerState(StrEnum):
    draft = "draft"  # written by the department, waiting for the office
    published = "published"


class Concern(Base):
    __tablename__ = "concerns"
    __table_args__ = (
        Index("ix_concerns_state_created", "state", "created_at"),
        # The queues: one state (or a few) in the order of their deadlines, 50 at a time.
        Index("ix_concerns_state_due", "state", "answer_due", "id"),
        Index("ix_concerns_department_state", "department_id", "state"),
        Index("ix_concerns_category_district", "category_id", "district_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    category_id: Mapped[int] = mapped_column(ForeignKey("concern_categories.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    is_public: Mapped[bool] = mapped_column(default=True)
    show_name: Mapped[bool] = mapped_column(default=False)
    # The author: an account, or a confirmed e-mail address, or nobody (anonymous). E-mail and
    # anonymous authors hold a private link whose SHA-256 is stored here.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    # Brought in without an account, an e-mail address or the office: kept when retention or an
    # account's erasure removes the author later, so the annual report still counts it right.
    anonymous: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(12), default=Channel.online)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default=State.received)
    state_reason: Mapped[str] = mapped_column(Text, default="")  # not feasible, not published
    forwarded_to: Mapped[str] = mapped_column(String(200), default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("concerns.id", ondelete="SET NULL")
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    accepted: Mapped[bool] = mapped_column(default=False)  # the department took it on
    promised_on: Mapped[date | None]
    first_reply_due: Mapped[date]
    answer_due: Mapped[date]
    supporter_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    first_reply_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]
    reopen_until: Mapped[datetime | None]
    reopened_count: Mapped[int] = mapped_column(default=0)
    solved: Mapped[bool | None]
    satisfaction: Mapped[int | None]  # 1 (not at all) .. 5 (fully)
    reminded_on: Mapped[date | None]  # the last reminder to the department
    escalated_at: Mapped[datetime | None]


class Category(Base):
    """Kept by the office in plain language; "Sonstiges" (is_other) is always there."""

    __tablename__ = "concern_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_de: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    answer_days: Mapped[int] = mapped_column(default=20)  # working days to the final answer
    is_other: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Route(Base):
    """Category × district → department; district null is the category's default."""

    __tablename__ = "concern_routes"
    __table_args__ = (UniqueConstraint("category_id", "district_id", name="uq_concern_routes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("concern_categories.id", ondelete="CASCADE")
    )
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))


class Supporter(Base):
    __tablename__ = "concern_supporters"

    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Photo(Base):
    """A re-encoded JPEG without metadata; the office may hide it before it goes public."""

    __tablename__ = "concern_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Note(Base):
    """Internal: office and departments only, never shown to residents."""

    __tablename__ = "concern_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Answer(Base):
    __tablename__ = "concern_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(16))  # answered | not-feasible
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=AnswerState.draft)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]


class Template(Base):
    """An answer template; {number}, {category}, {department}, {date} are filled in."""

    __tablename__ = "concern_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class StateChange(Base):
    """Who moved an item from which state to which, when and why."""

    __tablename__ = "concern_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[str] = mapped_column(String(16), default="")
    to_state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DepartmentSetting(Base):
    """How the office works with one department on concerns."""

    __tablename__ = "concern_department_settings"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    publishes_directly: Mapped[bool] = mapped_column(default=False)
    head_email: Mapped[str] = mapped_column(String(254), default="")  # escalation


class DailyRun(Base):
    """The deadline job ran for this working day (reminders and the office's overdue list go
    out once a day, however many processes run the job)."""

    __tablename__ = "concern_daily_runs"

    day: Mapped[date] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
