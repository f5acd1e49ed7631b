"""event refs: the record an event shows, so its owner can find the stored events with it

Events stored before this revision get their ref from their type and data.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The types as they were declared at this revision, and the kind of record they show.
REFS = {
    "comment.published": "comment",
    "comment.edited": "comment",
    "comment.queued": "comment",
    "flag.created": "flag",
    "answer.published": "answer",
}
BATCH = 1000

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("data", sa.JSON),
    sa.column("ref", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=60), nullable=True))
        batch_op.create_index("ix_events_ref", ["ref"], unique=False)
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.type, events.c.data)
            .where(events.c.id > last, events.c.type.in_(sorted(REFS)))
            .order_by(events.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for event_id, type_, data in rows:
            if isinstance(data, dict) and isinstance(data.get("id"), int):
                ref = f"{REFS[type_]}:{data['id']}"
                connection.execute(events.update().where(events.c.id == event_id).values(ref=ref))
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_ref")
        batch_op.drop_column("ref")
