"""The first page of a 2,000-comment thread, read by visitors and signed-in readers through
`dialog serve`.

Run: `.venv/bin/python -m bench thread_page` (SQLite, then PostgreSQL in a dedicated database
`dialog_bench`; see bench/_load.py for the environment variables).

The thread holds 500 top-level comments, each with a chain of three replies (depth 1 to 3):
2,000 published comments with texts of 20 to 60 words. The first page (newest first) shows 20
top-level comments with their 60 replies. Four cases, each with 8 concurrent keep-alive
clients in a separate load process: the HTML page GET /threads/{id} and the JSON
GET /api/v1/threads/{id}/comments, each read anonymously and by signed-in residents (bearer
tokens, cycling over READERS people, each of whom voted on VOTED comments of the first page, so
every signed-in page carries its reader's own overlay). Budgets: 500 requests/s on SQLite,
2,000 on PostgreSQL (for signed-in readers too). `DIALOG_BENCH_CASE=signed in, HTML` measures
only the cases whose name contains that text (e.g. with DIALOG_BENCH_PROFILE for a profile).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import insert

from bench import _load, _seed
from dialog.db import Database
from dialog.discussion.models import Vote

BUDGETS = {"sqlite": 500.0, "postgres": 2000.0}
CLIENTS = 8
READERS = 40
VOTED = 5
TOP_LEVEL = 500
REPLIES = 3


def sizes() -> tuple[int, int]:
    """(measured requests, warm-up requests) per case."""
    return _load.measured(10_000, 300), 50 if _load.quick() else 500


async def seed(database_url: str) -> tuple[int, list[_seed.Account]]:
    db = Database(database_url)
    try:
        thread_id = await _seed.thread(db)
        authors = await _seed.accounts(db, 200, "author")
        top = await _seed.comments(db, thread_id, [a.user_id for a in authors], TOP_LEVEL, REPLIES)
        readers = await _seed.accounts(db, READERS, "reader")
        first_page = top[-20:]  # newest first
        async with db.unit_of_work() as uow:
            await uow.session.execute(
                insert(Vote),
                [
                    {"user_id": r.user_id, "comment_id": first_page[(n + k) % 20], "value": 1}
                    for n, r in enumerate(readers)
                    for k in range(VOTED)
                ],
            )
        return thread_id, readers
    finally:
        await db.dispose()


async def measure(engine: str, database_url: str, tmp: Path) -> _load.Cases:
    total, warmup = sizes()
    thread_id, readers = await seed(database_url)
    signed_in = [{"Authorization": f"Bearer {r.token}"} for r in readers]
    html, json = f"/threads/{thread_id}", f"/api/v1/threads/{thread_id}/comments"
    cases = {
        "anonymous, HTML /threads/{id}": [_load.Request("GET", html)],
        "anonymous, JSON /api/v1/threads/{id}/comments": [_load.Request("GET", json)],
        "signed in, HTML /threads/{id}": [_load.Request("GET", html, h) for h in signed_in],
        "signed in, JSON /api/v1/threads/{id}/comments": [
            _load.Request("GET", json, h) for h in signed_in
        ],
    }
    only = os.environ.get("DIALOG_BENCH_CASE", "")
    cases = {name: requests for name, requests in cases.items() if only in name}
    results = []
    async with _load.server(database_url, tmp, _load.workers(engine)) as server:
        for name, requests in cases.items():
            result = await _load.run_load(
                server,
                requests,
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
        "First page of a 2,000-comment thread, anonymous and signed in (requests/s)",
        "requests",
        BUDGETS.__getitem__,
        measure,
    )


if __name__ == "__main__":
    sys.exit(main())
