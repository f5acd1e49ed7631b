"""Departments, districts, the methods toolkit, procedures and their threads."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialog.db import Base, utcnow


class Phase(StrEnum):
    planned = "planned"
    active = "active"
    evaluation = "evaluation"
    completed = "completed"


class Level(StrEnum):
    information = "information"
    consultation = "consultation"
    codecision = "co-decision"


class Initiator(StrEnum):
    administration = "administration"
    council = "city-council"
    residents = "residents"
    district_council = "district-council"


class Status(StrEnum):
    """Who sees a procedure: the office reviews a department's draft before it goes public."""

    draft = "draft"  # the department works on it
    review = "review"  # sent to the office for review
    public = "public"  # in the Vorhabenliste
    hidden = "hidden"  # not listed, its threads public: the one that carries proposals' threads


class ModerationMode(StrEnum):
    pre = "pre"
    post = "post"


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    # Where results are handed over (added by the results migration 0005): email | webhook.
    handover_channel: Mapped[str | None] = mapped_column(String(10))
    handover_email: Mapped[str | None] = mapped_column(String(254))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    # A trusted department publishes its procedures without the office's review (0014).
    trusted: Mapped[bool] = mapped_column(default=False, server_default="0")


class District(Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The district's contact person, shown on its page (0014).
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")


class Method(Base):
    __tablename__ = "methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    when_to_use: Mapped[str] = mapped_column(Text)
    effort: Mapped[str] = mapped_column(String(20))  # low | medium | high
    level: Mapped[str] = mapped_column(String(20))
    # When the method fits, beyond its level and effort (0014): who it reaches, how long it takes.
    audience: Mapped[str] = mapped_column(String(200), default="", server_default="")
    duration: Mapped[str] = mapped_column(String(20), default="", server_default="")


procedure_districts = Table(
    "procedure_districts",
    Base.metadata,
    Column("procedure_id", ForeignKey("procedures.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_procedure_districts_district", "district_id"),
)


class Procedure(Base):
    __tablename__ = "procedures"
    __table_args__ = (Index("ix_procedures_phase_updated", "phase", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    initiator: Mapped[str] = mapped_column(String(20))
    method_id: Mapped[int | None] = mapped_column(ForeignKey("methods.id"))
    phase: Mapped[str] = mapped_column(String(20), default=Phase.planned)
    status: Mapped[str] = mapped_column(String(10), default=Status.public, server_default="public")
    # The department asked the office for process support ("Prozessbegleitung anfragen").
    support_requested_at: Mapped[datetime | None]
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    cost: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The optional image (0017): its size and text alternative live here, so that pages and
    # cards need not load the bytes (ProcedureImage); the version is part of its address.
    image_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    image_width: Mapped[int | None]
    image_height: Mapped[int | None]
    image_version: Mapped[int] = mapped_column(default=0, server_default="0")

    districts: Mapped[list[District]] = relationship(
        secondary=procedure_districts, lazy="raise", order_by="District.name"
    )
    department: Mapped[Department] = relationship(lazy="raise")
    method: Mapped[Method | None] = relationship(lazy="raise")
    phases: Mapped[list[ProcedurePhase]] = relationship(
        lazy="raise", order_by="ProcedurePhase.position", cascade="all, delete-orphan"
    )
    links: Mapped[list[ProcedureLink]] = relationship(
        lazy="raise", order_by="ProcedureLink.position", cascade="all, delete-orphan"
    )
    threads: Mapped[list[Thread]] = relationship(
        lazy="raise", order_by="Thread.id", back_populates="procedure"
    )


class ProcedureImage(Base):
    """The procedure's image: a re-encoded JPEG without metadata (dialog.concerns.photos)."""

    __tablename__ = "procedure_images"

    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcedurePhase(Base):
    """The dated timeline: one row per phase of the procedure."""

    __tablename__ = "procedure_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]


class ProcedureLink(Base):
    """Documents and further links shown on the procedure page."""

    __tablename__ = "procedure_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    is_document: Mapped[bool] = mapped_column(default=False)


class Thread(Base):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text, default="")
    moderation: Mapped[str] = mapped_column(String(10), default=ModerationMode.post)
    is_open: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    comment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    procedure: Mapped[Procedure] = relationship(lazy="raise", back_populates="threads")
