"""results: official answers, notifications, hand-over jobs

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dialog.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("handover_channel", sa.String(10), nullable=True))
        batch.add_column(sa.Column("handover_email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("webhook_url", sa.String(500), nullable=True))
        batch.add_column(sa.Column("webhook_secret", sa.String(200), nullable=True))
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", dialog.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", dialog.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name="fk_answers_thread_id_threads", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_answers_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name="fk_answers_department_id_departments"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_answers_author_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.UniqueConstraint("target", name="uq_answers_target"),
        sa.UniqueConstraint("comment_id", name="uq_answers_comment_id"),
    )
    op.create_index("ix_answers_thread", "answers", ["thread_id", "comment_id"])
    op.create_table(
        "procedure_decisions",
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("updated_at", dialog.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name="fk_procedure_decisions_procedure_id_procedures",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name="fk_procedure_decisions_updated_by_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("procedure_id", name="pk_procedure_decisions"),
    )
    op.create_table(
        "handover_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(36), nullable=False),
        sa.Column("trigger", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(10), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", dialog.db.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", dialog.db.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", dialog.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name="fk_handover_jobs_thread_id_threads",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name="fk_handover_jobs_procedure_id_procedures",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handover_jobs"),
        sa.UniqueConstraint("thread_id", name="uq_handover_jobs_thread_id"),
        sa.UniqueConstraint("delivery_id", name="uq_handover_jobs_delivery_id"),
    )
    op.create_index("ix_handover_jobs_due", "handover_jobs", ["state", "next_attempt_at"])
    op.create_index("ix_handover_jobs_procedure_id", "handover_jobs", ["procedure_id"])


def downgrade() -> None:
    op.drop_index("ix_handover_jobs_procedure_id", table_name="handover_jobs")
    op.drop_index("ix_handover_jobs_due", table_name="handover_jobs")
    op.drop_table("handover_jobs")
    op.drop_table("procedure_decisions")
    op.drop_index("ix_answers_thread", table_name="answers")
    op.drop_table("answers")
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("webhook_secret")
        batch.drop_column("webhook_url")
        batch.drop_column("handover_email")
        batch.drop_column("handover_channel")
