"""Votes through the real write path: `dialog serve` and PUT /api/v1/comments/{id}/vote.

Run: `.venv/bin/python -m bench votes` (SQLite, then PostgreSQL in a dedicated database
`dialog_bench`; see bench/_load.py for the environment variables).

Every request is a first vote (+1 or -1) of a distinct voter on a distinct comment: each voter
votes once on each of 50 comments, in an order where consecutive requests hit different
comments, so the per-comment row lock is contended only as much as in a busy thread. The
per-account limit is 120 votes a minute, so no voter comes near it. The server does all a real
vote does: token lookup, rate limit, access checks, the comment row lock, the vote row and the
counters in one transaction, the coalesced `votes.changed` event after commit, and the answer
with the comment as the voter sees it. Budget: 1,000 votes/s.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench import _load, _seed
from dialog.db import Database

BUDGET = 1000.0
COMMENTS = 50
CLIENTS = 16


def sizes() -> tuple[int, int]:
    """(measured votes, warm-up votes) per engine."""
    return _load.measured(20_000, 500), 100 if _load.quick() else 1_000


async def seed(database_url: str, votes: int) -> tuple[list[int], list[_seed.Account]]:
    db = Database(database_url)
    try:
        thread_id = await _seed.thread(db)
        (author,) = await _seed.accounts(db, 1, "author")
        comment_ids = await _seed.comments(db, thread_id, [author.user_id], COMMENTS, 0)
        voters = await _seed.accounts(db, -(-votes // COMMENTS), "voter")
        return comment_ids, voters
    finally:
        await db.dispose()


def requests(
    comment_ids: list[int], voters: list[_seed.Account], count: int
) -> list[_load.Request]:
    """`count` distinct (voter, comment) pairs: round r, voter v votes on comment (v + r) % K."""
    made = []
    for n in range(count):
        round_, v = divmod(n, len(voters))
        comment_id = comment_ids[(v + round_) % len(comment_ids)]
        made.append(
            _load.Request(
                "PUT",
                f"/api/v1/comments/{comment_id}/vote",
                {"Authorization": f"Bearer {voters[v].token}"},
                {"value": 1 if (v + round_) % 3 else -1},
            )
        )
    return made


async def measure(engine: str, database_url: str, tmp: Path) -> _load.Cases:
    votes, warmup = sizes()
    comment_ids, voters = await seed(database_url, votes + warmup)
    return await _load.load_once(
        engine, database_url, tmp, requests(comment_ids, voters, votes + warmup), votes, CLIENTS
    )


def main() -> int:
    return _load.run_per_engine(
        "votes",
        "PUT /api/v1/comments/{id}/vote (votes/s)",
        "votes",
        lambda engine: BUDGET,
        measure,
    )


if __name__ == "__main__":
    sys.exit(main())
