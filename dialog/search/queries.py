"""Reads of the search: published comments whose text matches, newest first.

PostgreSQL matches the stored column `search_vector` (to_tsvector('german', body), generated
by the database; GIN index of migration 0017) against `websearch_to_tsquery('german', q)`;
SQLite matches the stems in its FTS5 table. Both join the comment's thread and procedure and
read only comments that are published now: a hidden, pending, rejected or withdrawn one is
never a result, whatever an index still holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.search.terms import fts5_match, query_stems

MAX_COUNTED = 1_000
FEW_MATCHES = 2_000  # PostgreSQL: up to this many matches are fetched as ids, then ordered

_COLUMNS = (
    "c.id, c.html, c.created_at, c.author_id, u.display_name, u.deleted_at, "
    "o.name AS organisation_name, "
    "t.id AS thread_id, t.title AS thread_title, p.id AS procedure_id, p.title AS procedure_title"
)
# Drafts and procedures in the office's review are not public (dialog.review), nor their threads.
_JOINS = (
    "JOIN threads AS t ON t.id = c.thread_id "
    "JOIN procedures AS p ON p.id = t.procedure_id AND p.status NOT IN ('draft', 'review') "
    "LEFT JOIN users AS u ON u.id = c.author_id "
    "LEFT JOIN organisations AS o ON o.id = c.organisation_id "
)
# 'published' is written into the statement, not bound: PostgreSQL then uses the partial index.
POSTGRES_MATCH = (
    "FROM comments AS c {joins}WHERE c.status = 'published' AND "
    "c.search_vector @@ websearch_to_tsquery('german'::regconfig, :q)"
)
SQLITE_MATCH = (
    "FROM comment_search AS s JOIN comments AS c ON c.id = s.rowid {joins}"
    "WHERE comment_search MATCH :q AND c.status = 'published'"
)
# The FTS5 table holds exactly the published comments (its triggers drop a comment that leaves
# that state), so counting needs no join; the page's rows check the status once more.
SQLITE_COUNT = "FROM comment_search WHERE comment_search MATCH :q"


@dataclass(frozen=True)
class Found:
    id: int
    html: str
    created_at: datetime
    author_name: str | None  # None: the account is gone (or the organisation's name)
    thread_id: int
    thread_title: str
    procedure_id: int
    procedure_title: str


async def comments(
    session: AsyncSession, query: str, limit: int, offset: int
) -> tuple[list[Found], int]:
    """A page of matching comments and how many match (up to MAX_COUNTED + 1)."""
    if session.get_bind().dialect.name == "postgresql":
        return await _postgres(session, query, limit, offset)
    stems = query_stems(query)
    if not stems:
        return [], 0
    value = fts5_match(stems)
    # The statements are put together from the constants above only; values are bound.
    counted = await session.scalar(
        text(f"SELECT count(*) FROM (SELECT 1 {SQLITE_COUNT} LIMIT :cap) AS m"),  # noqa: S608
        {"q": value, "cap": MAX_COUNTED + 1},
    )
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} {SQLITE_MATCH.format(joins=_JOINS)} "
            "ORDER BY s.rowid DESC LIMIT :limit OFFSET :offset"
        ),
        {"q": value, "limit": limit, "offset": offset},
    )
    return [_found(row) for row in rows], int(counted or 0)


async def _postgres(
    session: AsyncSession, query: str, limit: int, offset: int
) -> tuple[list[Found], int]:
    """PostgreSQL estimates every word alike, so given ORDER BY id LIMIT it may walk the
    primary key backwards and test every comment until 20 match: slow for a rare word. So
    first the matching ids through the GIN index (a bitmap scan, no order), up to FEW_MATCHES;
    only a word more frequent than that takes the walk, which then meets its 20 matches within
    a few hundred rows. Both read the stored vector: nothing is computed per row."""
    matching = POSTGRES_MATCH.format(joins="")
    ids = list(
        await session.scalars(
            text(f"SELECT c.id {matching} LIMIT :cap"),
            {"q": query, "cap": FEW_MATCHES + 1},
        )
    )
    if len(ids) <= FEW_MATCHES:
        page = sorted(ids, reverse=True)[offset : offset + limit]
        if not page:
            return [], len(ids)
        rows = await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM comments AS c {_JOINS}"  # noqa: S608
                "WHERE c.id = ANY(:ids) AND c.status = 'published' ORDER BY c.id DESC"
            ),
            {"ids": page},
        )
        return [_found(row) for row in rows], len(ids)
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} {POSTGRES_MATCH.format(joins=_JOINS)} "
            "ORDER BY c.id DESC LIMIT :limit OFFSET :offset"
        ),
        {"q": query, "limit": limit, "offset": offset},
    )
    return [_found(row) for row in rows], len(ids)


def _found(row: Row[Any]) -> Found:
    return Found(
        row.id,
        row.html,
        _aware(row.created_at),
        # Posted as an organisation: its name, never the person's.
        row.organisation_name
        or (row.display_name if row.author_id is not None and row.deleted_at is None else None),
        row.thread_id,
        row.thread_title,
        row.procedure_id,
        row.procedure_title,
    )


def _aware(value: datetime | str) -> datetime:
    """Raw SQL skips the UTC column type: SQLite hands back text, PostgreSQL an aware value."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
