"""staffside: an optional image per procedure; PostgreSQL search reads a stored tsvector

A procedure may carry one image (a re-encoded JPEG in `procedure_images`) with its text
alternative, size and version on the procedure's row.

PostgreSQL: comments get a stored generated column `search_vector`
(to_tsvector('german', body)) with a partial GIN index over the published ones, in place of
0016's expression index: a query no longer computes to_tsvector for the rows it reads (the
recheck of a lossy bitmap, the walk of a frequent word). SQLite keeps its FTS5 table.

Revision ID: 0017_staffside
Revises: 0017
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialog.db import UTCDateTime

revision: str = "0017_staffside"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_UP = (
    "ALTER TABLE comments ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('german'::regconfig, body)) STORED",
    "CREATE INDEX ix_comments_search_vector ON comments USING gin (search_vector) "
    "WHERE status = 'published'",
    "DROP INDEX ix_comments_search",
)
POSTGRES_DOWN = (
    "CREATE INDEX ix_comments_search ON comments "
    "USING gin (to_tsvector('german'::regconfig, body)) WHERE status = 'published'",
    "DROP INDEX ix_comments_search_vector",
    "ALTER TABLE comments DROP COLUMN search_vector",
)


def upgrade() -> None:
    with op.batch_alter_table("procedures") as batch:
        batch.add_column(
            sa.Column("image_alt", sa.String(length=300), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("image_width", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("image_height", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("image_version", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "procedure_images",
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_procedure_images_procedure_id_procedures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("procedure_id", name=op.f("pk_procedure_images")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
    op.drop_table("procedure_images")
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL), as 0014: a batch copy of procedures would
    # drop a table that threads still reference (and cascade).
    for column in ("image_version", "image_height", "image_width", "image_alt"):
        op.execute(f"ALTER TABLE procedures DROP COLUMN {column}")
