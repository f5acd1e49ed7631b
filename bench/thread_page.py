"""The first page of a 2,000-comment thread, read by anonymous readers through `dialog serve`.

Run: `.venv/bin/python -m bench thread_page` (SQLite, then PostgreSQL in a dedicated database
`dialog_bench`; see bench/_load.py for the environment variables).

The thread holds 500 top-level comments, each with a chain of three replies (depth 1 to 3):
2,000 published comments with texts of 20 to 60 words. The first page (newest first) shows 20
top-level comments with their 60 replies. Two cases, each with 8 concurrent keep-alive
clients in a separate load process: the HTML page GET /threads/{id} and the JSON
GET /api/v1/threads/{id}/comments. Budget: 500 requests/s.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench import _load, _seed
from dialog.db import Database

BUDGET = 500.0
CLIENTS = 8
TOP_LEVEL = 500
REPLIES = 3


def sizes() -> tuple[int, int]:
    """(measured requests, warm-up requests) per case."""
    return _load.measured(10_000, 300), 50 if _load.quick() else 500


async def seed(database_url: str) -> int:
    db = Database(database_url)
    try:
        thread_id = await _seed.thread(db)
        authors = await _seed.accounts(db, 200, "author")
        await _seed.comments(db, thread_id, [a.user_id for a in authors], TOP_LEVEL, REPLIES)
        return thread_id
    finally:
        await db.dispose()


async def measure(engine: str, database_url: str, tmp: Path) -> _load.Cases:
    total, warmup = sizes()
    thread_id = await seed(database_url)
    cases = {
        "HTML /threads/{id}": f"/threads/{thread_id}",
        "JSON /api/v1/threads/{id}/comments": f"/api/v1/threads/{thread_id}/comments",
    }
    results = []
    async with _load.server(database_url, tmp, _load.workers(engine)) as server:
        for name, path in cases.items():
            result = await _load.run_load(
                server,
                [_load.Request("GET", path)],
                total=total,
                warmup=warmup,
                concurrency=_load.clients(CLIENTS),
                work=tmp,
            )
            results.append((name, result))
    return results


def main() -> int:
    print(f"thread: {TOP_LEVEL * (1 + REPLIES):,} comments; first page: 20 top level + replies")
    return _load.run_per_engine(
        "thread-page",
        "First page of a 2,000-comment thread, anonymous (requests/s)",
        "requests",
        lambda engine: BUDGET,
        measure,
    )


if __name__ == "__main__":
    sys.exit(main())
