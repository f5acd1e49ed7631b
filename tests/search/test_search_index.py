"""What the search reads, per engine: PostgreSQL a stored tsvector column through its partial GIN
index (nothing computed per query and row), SQLite its FTS5 table of stems."""

from __future__ import annotations

from sqlalchemy import text

from dialog.db import Database
from dialog.procedures.models import Thread
from dialog.search.queries import POSTGRES_MATCH, SQLITE_MATCH
from tests import factories
from tests.backends import Backend
from tests.discussion.helpers import post
from tests.feeds.helpers import MakeUser


async def test_postgres_reads_the_stored_vector_and_sqlite_its_stems(
    backend: Backend, db: Database, api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    comment = await post(api, author, thread.id, "Die Radwege an der Havel sind zu schmal.")
    async with db.reading() as session:
        if backend.name == "postgres":
            stored = await session.scalar(
                text("SELECT search_vector::text FROM comments WHERE id = :id"),
                {"id": comment["id"]},
            )
            assert stored is not None and "'radweg'" in stored  # stemmed when written
            index = await session.scalar(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_comments_search_vector'"
                )
            )
            assert index is not None and "gin (search_vector)" in index
            assert "WHERE ((status)::text = 'published'::text)" in index
            plan = "\n".join(
                await session.scalars(
                    text(f"EXPLAIN SELECT c.id {POSTGRES_MATCH.format(joins='')}"),
                    {"q": "Radweg"},
                )
            )
            assert "search_vector @@" in plan and "to_tsvector" not in plan, plan
        else:
            stems = await session.scalar(
                text("SELECT stems FROM comment_search WHERE rowid = :id"), {"id": comment["id"]}
            )
            assert stems is not None and "radweg" in stems
            plan = "\n".join(
                str(row[-1])
                for row in await session.execute(
                    text("EXPLAIN QUERY PLAN SELECT c.id " + SQLITE_MATCH.format(joins="")),
                    {"q": "radweg"},
                )
            )
            assert "SCAN s VIRTUAL TABLE INDEX" in plan, plan  # s: the FTS5 table
