"""comments posted as an organisation: comments.organisation_id

The person stays the author (moderators see them; they edit and withdraw as their own); the
public sees the organisation. SQLite adds the column with its named reference in one ALTER
TABLE: a batch copy of `comments` would drop the search triggers of 0016.

Revision ID: 0017_orgs_comment_organisation
Revises: 0017_staffside
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_orgs_comment_organisation"
down_revision: str | None = "0017_staffside"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_comments_organisation_id_organisations"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE comments ADD COLUMN organisation_id INTEGER "
            f"CONSTRAINT {FK} REFERENCES organisations (id)"
        )
    else:
        op.add_column("comments", sa.Column("organisation_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "comments", "organisations", ["organisation_id"], ["id"])
    op.create_index("ix_comments_organisation", "comments", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_comments_organisation", table_name="comments")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE comments DROP COLUMN organisation_id")
    else:
        op.drop_constraint(FK, "comments", type_="foreignkey")
        op.drop_column("comments", "organisation_id")
