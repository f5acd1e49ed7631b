"""notifications: follows, preferences; notices keyed by event and mailed later

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialog.db import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("comment_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("delivery", sa.String(length=10), nullable=False, server_default="none")
        )
        batch_op.add_column(sa.Column("mailed_at", UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint("uq_notifications_event", ["user_id", "event_id", "kind"])
        batch_op.create_index("ix_notifications_delivery", ["delivery", "mailed_at", "user_id"])
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("delivery", server_default=None)

    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint("user_id", "kind", "target_id", name="uq_follows_target"),
    )
    op.create_index("ix_follows_kind_target", "follows", ["kind", "target_id"])

    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )


def downgrade() -> None:
    op.drop_table("notification_preferences")
    op.drop_index("ix_follows_kind_target", table_name="follows")
    op.drop_table("follows")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_delivery")
        batch_op.drop_constraint("uq_notifications_event", type_="unique")
        batch_op.drop_column("mailed_at")
        batch_op.drop_column("delivery")
        batch_op.drop_column("comment_id")
        batch_op.drop_column("event_id")
