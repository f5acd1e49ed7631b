"""page indexes: top-level comments in each page order (new, top, controversial)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOP_LEVEL = sa.text("parent_id IS NULL")
SCORE = sa.text("(up_count - down_count)")
CONTROVERSY = sa.text("(CASE WHEN up_count < down_count THEN up_count ELSE down_count END)")
INDEXES: dict[str, list[str | sa.TextClause]] = {
    "ix_comments_top_level_new": ["thread_id", "id"],
    "ix_comments_top_level_score": ["thread_id", SCORE, "id"],
    "ix_comments_top_level_controversy": ["thread_id", CONTROVERSY, SCORE, "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(
            name, "comments", columns, sqlite_where=TOP_LEVEL, postgresql_where=TOP_LEVEL
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="comments")
