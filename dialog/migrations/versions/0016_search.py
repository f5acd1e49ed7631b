"""search: full-text search over published comments; saved Vorhabenliste searches

PostgreSQL indexes the comments' text itself: a GIN index on to_tsvector('german', body) of the
published ones. SQLite has no German stemmer: an FTS5 table `comment_search` holds the stems of
each published comment (rowid = comment id), kept by triggers that call german_stems, the
Python function every SQLite connection of the platform offers (dialog/search/stemming.py).

Revision ID: 0016
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialog.db import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE comment_search USING fts5(stems, tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER comment_search_insert AFTER INSERT ON comments WHEN new.status = 'published' "
    "BEGIN INSERT INTO comment_search (rowid, stems) VALUES (new.id, german_stems(new.body)); END",
    "CREATE TRIGGER comment_search_update AFTER UPDATE OF body, status ON comments BEGIN "
    "DELETE FROM comment_search WHERE rowid = old.id; "
    "INSERT INTO comment_search (rowid, stems) SELECT new.id, german_stems(new.body) "
    "WHERE new.status = 'published'; END",
    "CREATE TRIGGER comment_search_delete AFTER DELETE ON comments BEGIN "
    "DELETE FROM comment_search WHERE rowid = old.id; END",
    "INSERT INTO comment_search (rowid, stems) "
    "SELECT id, german_stems(body) FROM comments WHERE status = 'published'",
)
SQLITE_DOWN = (
    "DROP TRIGGER comment_search_delete",
    "DROP TRIGGER comment_search_update",
    "DROP TRIGGER comment_search_insert",
    "DROP TABLE comment_search",
)
POSTGRES_UP = (
    "CREATE INDEX ix_comments_search ON comments "
    "USING gin (to_tsvector('german'::regconfig, body)) WHERE status = 'published'",
)
POSTGRES_DOWN = ("DROP INDEX ix_comments_search",)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_UP if sqlite else POSTGRES_UP:
        op.execute(statement)
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_searches_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
    )
    op.create_index(op.f("ix_saved_searches_user_id"), "saved_searches", ["user_id"])
    op.create_table(
        "saved_search_matches",
        sa.Column("saved_search_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_search_id"],
            ["saved_searches.id"],
            name=op.f("fk_saved_search_matches_saved_search_id_saved_searches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_saved_search_matches_procedure_id_procedures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "saved_search_id", "procedure_id", name=op.f("pk_saved_search_matches")
        ),
    )
    op.create_index(
        op.f("ix_saved_search_matches_procedure_id"), "saved_search_matches", ["procedure_id"]
    )


def downgrade() -> None:
    op.drop_table("saved_search_matches")
    op.drop_table("saved_searches")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_DOWN if sqlite else POSTGRES_DOWN:
        op.execute(statement)
