"""Proposals, their districts and their supporters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialog.db import Base, utcnow
from dialog.procedures.models import Department, District


class State(StrEnum):
    submitted = "submitted"  # waits for the office's netiquette check; author and office only
    rejected = "rejected"  # not published (netiquette); author and office only
    collecting = "collecting"  # published: collecting support until ends_at
    threshold_reached = "threshold-reached"  # enough support: the office must decide
    forwarded = "forwarded"  # with the department for a statement
    accepted = "accepted"  # became a planned procedure
    declined = "declined"  # with public reasoning
    expired = "expired"  # the period ended below the threshold


proposal_districts = Table(
    "proposal_districts",
    Base.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_proposal_districts_district", "district_id"),
)


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_state_ends", "state", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))  # what
    reason: Mapped[str] = mapped_column(Text, default="")  # why
    reason_html: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(20), default=State.submitted)
    support_count: Mapped[int] = mapped_column(default=0)
    threshold: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    statement_html: Mapped[str] = mapped_column(Text, default="")
    statement_at: Mapped[datetime | None]
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    procedure_id: Mapped[int | None] = mapped_column(
        ForeignKey("procedures.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    districts: Mapped[list[District]] = relationship(
        secondary=proposal_districts, lazy="raise", order_by="District.name"
    )
    department: Mapped[Department | None] = relationship(lazy="raise")


class Support(Base):
    """One person's support for one proposal: the primary key makes it count once."""

    __tablename__ = "proposal_supports"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
