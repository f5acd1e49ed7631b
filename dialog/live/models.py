"""The outbox: every change that others should see live is a row here, in id order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dialog.db import Base, utcnow


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_topic_id", "topic", "id"),
        # Redaction finds every event that shows a record (dialog.live.events.Ref) by this.
        Index("ix_events_ref", "ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # "comment:12" when the event shows a record that its owner may have to redact.
    ref: Mapped[str | None] = mapped_column(String(60), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ConsumerPosition(Base):
    """How far one durable consumer of the outbox has come: every event id up to `position`
    is handled, except the ids in `gaps` (taken by a transaction that had not committed when
    later ones were handled; they are looked for a while longer)."""

    __tablename__ = "consumer_positions"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int]
    gaps: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    failures: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
