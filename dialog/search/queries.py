"""Reads of the search: published comments whose text matches, newest first.

PostgreSQL matches `to_tsvector('german', body)` (GIN index of migration 0016) against
`websearch_to_tsquery('german', q)`; SQLite matches the stems in its FTS5 table. Both join the
comment's thread and procedure and read only comments that are published now: a hidden,
pending, rejected or withdrawn one is never a result, whatever an index still holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.search.terms import fts5_match, query_stems

MAX_COUNTED = 1_000

_COLUMNS = (
    "c.id, c.html, c.created_at, c.author_id, u.display_name, u.deleted_at, "
    "t.id AS thread_id, t.title AS thread_title, p.id AS procedure_id, p.title AS procedure_title"
)
_JOINS = (
    "JOIN threads AS t ON t.id = c.thread_id "
    "JOIN procedures AS p ON p.id = t.procedure_id "
    "LEFT JOIN users AS u ON u.id = c.author_id "
)
# 'published' is written into the statement, not bound: PostgreSQL then uses the partial index.
POSTGRES_MATCH = (
    "FROM comments AS c {joins}WHERE c.status = 'published' AND "
    "to_tsvector('german'::regconfig, c.body) @@ websearch_to_tsquery('german'::regconfig, :q)"
)
SQLITE_MATCH = (
    "FROM comment_search AS s JOIN comments AS c ON c.id = s.rowid {joins}"
    "WHERE comment_search MATCH :q AND c.status = 'published'"
)


@dataclass(frozen=True)
class Found:
    id: int
    html: str
    created_at: datetime
    author_name: str | None  # None: the account is gone
    thread_id: int
    thread_title: str
    procedure_id: int
    procedure_title: str


async def comments(
    session: AsyncSession, query: str, limit: int, offset: int
) -> tuple[list[Found], int]:
    """A page of matching comments and how many match (up to MAX_COUNTED + 1)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        match, order, value = POSTGRES_MATCH, "c.id DESC", query
    else:
        stems = query_stems(query)
        if not stems:
            return [], 0
        match, order, value = SQLITE_MATCH, "s.rowid DESC", fts5_match(stems)
    # The statements are put together from the constants above only; values are bound.
    counted = await session.scalar(
        text(f"SELECT count(*) FROM (SELECT 1 {match.format(joins='')} LIMIT :cap) AS m"),  # noqa: S608
        {"q": value, "cap": MAX_COUNTED + 1},
    )
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} {match.format(joins=_JOINS)} "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset"
        ),
        {"q": value, "limit": limit, "offset": offset},
    )
    found = [
        Found(
            row.id,
            row.html,
            _aware(row.created_at),
            row.display_name if row.author_id is not None and row.deleted_at is None else None,
            row.thread_id,
            row.thread_title,
            row.procedure_id,
            row.procedure_title,
        )
        for row in rows
    ]
    return found, int(counted or 0)


def _aware(value: datetime | str) -> datetime:
    """Raw SQL skips the UTC column type: SQLite hands back text, PostgreSQL an aware value."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
