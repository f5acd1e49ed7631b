"""A thread with 10,000 comments stays fast: the same few queries as 10 comments, on an index.

No timings: the page costs a fixed number of SQL statements whatever the thread's size and
however deep the cursor, and the database reads the page query in page order from an index and
stops after a page: SQLite's EXPLAIN QUERY PLAN shows no temporary B-tree for the ORDER BY,
PostgreSQL's plan (sequential scans turned off) no Sort; "top" and "controversial" use their own
partial indexes of top-level comments.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, insert, update

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment, Vote
from dialog.discussion.queries import encode_cursor
from dialog.procedures.models import Procedure, Thread
from tests import factories, plans
from tests.discussion.helpers import MakeUser
from tests.discussion.test_reading_cost import page_queries

REPLIES = 3  # each top-level comment carries a chain of three replies (depth 1 to 3)
INDEX_OF = {"top": "score", "controversial": "controversy"}


def _scores(n: int) -> tuple[int, int]:
    """(up, down) of the n-th top-level comment: spread so "top" differs from "new"."""
    return n % 7, n % 3


async def _insert(db: Database, rows: list[dict[str, Any]]) -> list[int]:
    async with db.unit_of_work() as uow:
        found = await uow.session.scalars(
            insert(Comment).returning(Comment.id, sort_by_parameter_order=True), rows
        )
        return list(found.all())


async def fill(db: Database, thread: Thread, author_id: int, reader_id: int, top: int) -> list[int]:
    """`top` top-level comments with three replies each, in bulk; the reader voted on some.

    Returns the top-level ids, oldest first.
    """
    now = utcnow()
    common = {"thread_id": thread.id, "author_id": author_id, "created_at": now}
    top_ids: list[int] = []
    for start in range(0, top, 1000):
        rows = []
        for n in range(start, min(top, start + 1000)):
            up, down = _scores(n)
            rows.append(
                {**common, "body": f"t{n}", "html": f"<p>t{n}</p>", "up_count": up}
                | {"down_count": down, "reply_count": 1}
            )
        top_ids += await _insert(db, rows)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Comment).where(Comment.thread_id == thread.id).values(root_id=Comment.id)
        )
    parents = top_ids
    for depth in range(1, REPLIES + 1):
        rows = [
            {**common, "parent_id": parent, "root_id": root, "depth": depth}
            | {"body": f"r{depth}", "html": f"<p>r{depth}</p>", "reply_count": int(depth < 3)}
            for parent, root in zip(parents, top_ids, strict=True)
        ]
        parents = []
        for start in range(0, len(rows), 1000):
            parents += await _insert(db, rows[start : start + 1000])
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(Vote), [{"user_id": reader_id, "comment_id": i, "value": 1} for i in top_ids]
        )
        await uow.session.execute(
            update(Thread).where(Thread.id == thread.id).values(comment_count=top * (1 + REPLIES))
        )
    return top_ids


def _deep_cursor(sort: str, top_ids: list[int], position: int) -> str:
    """The cursor after the given top-level comment (its position, oldest first)."""
    comment_id = top_ids[position]
    up, down = _scores(position)
    keys = {"new": [], "top": [up - down], "controversial": [min(up, down), up - down]}[sort]
    return encode_cursor([*keys, comment_id])


@pytest.mark.usefixtures("reads_each_time")
async def test_10000_comments_cost_the_queries_of_10_on_the_first_and_a_deep_page(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    author, reader = await make_user(), await make_user()
    small, large = await factories.thread(db, procedure), await factories.thread(db, procedure)
    await fill(db, small, author.id, reader.id, 3)  # 12 comments
    top_ids = await fill(db, large, author.id, reader.id, 2500)  # 10,000 comments
    await api.headers(reader)
    for sort in ("new", "top"):
        few = await page_queries(
            api, db, reader, f"/api/v1/threads/{small.id}/comments?sort={sort}"
        )
        first = await page_queries(
            api, db, reader, f"/api/v1/threads/{large.id}/comments?sort={sort}"
        )
        cursor = _deep_cursor(sort, top_ids, 2000)
        deep = await page_queries(
            api, db, reader, f"/api/v1/threads/{large.id}/comments?sort={sort}&cursor={cursor}"
        )
        assert 0 < len(few) == len(first) == len(deep) <= 5, deep
    # The deep page really is deep: the 20 top-level comments just older than the cursor,
    # each with its whole chain of replies and the reader's vote.
    cursor = _deep_cursor("new", top_ids, 2000)
    response = await api.request(
        reader, "GET", f"/api/v1/threads/{large.id}/comments?cursor={cursor}"
    )
    items = response.json()["items"]
    shown_top = [item["id"] for item in items if item["parent_id"] is None]
    assert shown_top == top_ids[1999:1979:-1]
    assert len(items) == 20 * (1 + REPLIES)
    assert all(item["my_vote"] == 1 for item in items if item["parent_id"] is None)


async def _page_statement(
    api: factories.ApiAs, db: Database, reader: User, url: str
) -> tuple[str, Any]:
    """The SQL and parameters of the top-level page query behind the URL."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "parent_id IS NULL" in statement:
            seen.append((statement, parameters))

    engines = db.sync_engines
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        response = await api.request(reader, "GET", url)
        assert response.status_code == 200, response.text
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == 1, seen
    return seen[0]


async def test_the_page_query_of_a_10000_comment_thread_is_answered_from_an_index(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    author, reader = await make_user(), await make_user()
    large = await factories.thread(db, procedure)
    top_ids = await fill(db, large, author.id, reader.id, 2500)
    await api.headers(reader)
    for sort in ("new", "top", "controversial"):
        cursor = _deep_cursor(sort, top_ids, 2000)
        for url in (
            f"/api/v1/threads/{large.id}/comments?sort={sort}",
            f"/api/v1/threads/{large.id}/comments?sort={sort}&cursor={cursor}",
        ):
            statement, parameters = await _page_statement(api, db, reader, url)
            async with db.engine.connect() as conn:
                plan = await plans.plan(conn, statement, parameters)
                await conn.rollback()
            text = "\n".join(plan)
            assert "comments" in text, plan
            # Read in page order from an index (for "top" and "controversial": the sort's own
            # partial index): the database stops after a page, never sorts the whole thread.
            if sort != "new":
                assert f"ix_comments_top_level_{INDEX_OF[sort]}" in text, plan
            if db.engine.dialect.name == "sqlite":
                assert "TEMP B-TREE" not in text, plan
            else:
                assert "Seq Scan on comments" not in text and " Sort " not in f" {text} ", plan
