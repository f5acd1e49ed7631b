"""evaluation: codebook themes, codings, offline sources, stored opinion groups

Revision ID: 0015
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialog.db import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_themes_procedure_id_procedures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("procedure_id", "name", name="uq_themes_procedure_name"),
    )
    op.create_index(op.f("ix_themes_procedure_id"), "themes", ["procedure_id"])
    op.create_table(
        "codings",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("coded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coded_by"], ["users.id"], name=op.f("fk_codings_coded_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_codings_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_codings_theme_id_themes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("comment_id", "theme_id", name=op.f("pk_codings")),
    )
    op.create_index("ix_codings_theme", "codings", ["theme_id"])
    op.create_table(
        "offline_sources",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_offline_sources_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"],
            ["users.id"],
            name=op.f("fk_offline_sources_entered_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_offline_sources")),
    )
    op.create_table(
        "opinion_groups",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("analysis", sa.JSON(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.Column("changed_event", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("computed_event", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_opinion_groups_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_opinion_groups")),
    )


def downgrade() -> None:
    op.drop_table("opinion_groups")
    op.drop_table("offline_sources")
    op.drop_index("ix_codings_theme", table_name="codings")
    op.drop_table("codings")
    op.drop_index(op.f("ix_themes_procedure_id"), table_name="themes")
    op.drop_table("themes")
