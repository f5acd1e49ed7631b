"""author index: an author's comments by time, for the moderation rules read on every post

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_comments_author_created", "comments", ["author_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_comments_author_created", table_name="comments")
