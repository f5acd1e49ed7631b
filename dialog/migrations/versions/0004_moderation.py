"""moderation: rules, decisions, claims, appeals, blocks, audit log

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dialog.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = dialog.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "moderation_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_audit")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_moderation_audit_prev_hash")),
    )
    op.create_table(
        "moderation_rules",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_moderation_rules_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_moderation_rules")),
    )
    op.create_table(
        "moderation_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("status_before", sa.String(length=12), nullable=False),
        sa.Column("status_after", sa.String(length=12), nullable=False),
        sa.Column("queue_reason", sa.String(length=40), nullable=True),
        sa.Column("waited_seconds", sa.Integer(), nullable=True),
        sa.Column("on_appeal", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_moderation_decisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_moderation_decisions_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["users.id"],
            name=op.f("fk_moderation_decisions_moderator_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_moderation_decisions_procedure_id_procedures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_decisions")),
    )
    with op.batch_alter_table("moderation_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_decisions_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index("ix_moderation_decisions_comment", ["comment_id", "id"], unique=False)
        batch_op.create_index(
            "ix_moderation_decisions_procedure", ["procedure_id", "created_at"], unique=False
        )
    op.create_table(
        "moderation_items",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("open_since", UTC, nullable=True),
        sa.Column("open_reason", sa.String(length=20), nullable=True),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("claim_expires_at", UTC, nullable=True),
        sa.Column("excluded_moderator_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["users.id"],
            name=op.f("fk_moderation_items_claimed_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_moderation_items_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["excluded_moderator_id"],
            ["users.id"],
            name=op.f("fk_moderation_items_excluded_moderator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_moderation_items")),
    )
    with op.batch_alter_table("moderation_items", schema=None) as batch_op:
        batch_op.create_index("ix_moderation_items_open_since", ["open_since"], unique=False)
    op.create_table(
        "moderation_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("resolved_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_moderation_appeals_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["moderation_decisions.id"],
            name=op.f("fk_moderation_appeals_decision_id_moderation_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_appeals")),
        sa.UniqueConstraint("comment_id", name=op.f("uq_moderation_appeals_comment_id")),
    )


def downgrade() -> None:
    op.drop_table("moderation_appeals")
    with op.batch_alter_table("moderation_items", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_items_open_since")
    op.drop_table("moderation_items")
    with op.batch_alter_table("moderation_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_decisions_procedure")
        batch_op.drop_index("ix_moderation_decisions_comment")
        batch_op.drop_index(batch_op.f("ix_moderation_decisions_author_id"))
    op.drop_table("moderation_decisions")
    op.drop_table("moderation_rules")
    op.drop_table("moderation_audit")
