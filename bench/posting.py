"""Posting comments through the real write path: `dialog serve` and the JSON API.

Run: `.venv/bin/python -m bench posting` (SQLite, then PostgreSQL in a dedicated database
`dialog_bench`; see bench/_load.py for the environment variables).

Every request is `POST /api/v1/threads/{id}/comments` with a Bearer token, a distinct text and
a `client_id`, from a separate load process with a fixed number of keep-alive connections
(closed loop). The server does all a real post does: token lookup, the per-account rate limit
(10 comments a minute, so every author posts at most 8 times here and the limit is never what
is measured), the moderation rules (repeated text, word lists), Markdown rendering and
sanitizing, the comment row, the thread counter and the outbox event in one transaction, and
the hub publish after commit. Budgets: 200 comments/s on SQLite, 500 comments/s on PostgreSQL.

On PostgreSQL the same run then lets `pgbench` run the posting path's statements
(bench/posting.pgbench: the token and retry lookups, then the thread's state, the moderation
rules, the author's recent texts, the insert, the root id, the event and the thread counter in
one transaction) with the same clients against the same database, once the server has stopped,
for authors of its own, and reports our posts/s as a share of its transactions/s (budget: at
least 80 %). The database is vacuumed before each side (`_load.vacuum`): without it pgbench
would start on the dead row versions our run left behind (every post updates the thread's
counter), where autovacuum is off.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from bench import _load, _pgbench, _seed
from dialog.db import Database

BUDGETS = {"sqlite": 200.0, "postgres": 500.0}
POSTS_PER_AUTHOR = 8
CLIENTS = 16
PGBENCH_SHARE = 0.80  # of pgbench's transactions/s, for the same statements in the same run
shares: list[str] = []  # one line per engine that ran pgbench, printed after the table


def sizes() -> tuple[int, int]:
    """(measured posts, warm-up posts) per engine."""
    return _load.measured(10_000, 400), 40 if _load.quick() else 400


async def seed(database_url: str, posts: int) -> tuple[int, list[_seed.Account]]:
    db = Database(database_url)
    try:
        thread_id = await _seed.thread(db)
        authors = await _seed.accounts(db, -(-posts // POSTS_PER_AUTHOR), "author")
        return thread_id, authors
    finally:
        await db.dispose()


def requests(thread_id: int, authors: list[_seed.Account], count: int) -> list[_load.Request]:
    """`count` distinct posts, round robin over the authors (each posts at most 8 times)."""
    rng = random.Random(11)
    made = []
    for n in range(count):
        author = authors[n % len(authors)]
        made.append(
            _load.Request(
                "POST",
                f"/api/v1/threads/{thread_id}/comments",
                {"Authorization": f"Bearer {author.token}"},
                {
                    "body": f"Beitrag {n}: {_seed.text(rng, rng.randint(15, 60))}",
                    "stance": ("for", "neutral", "against", None)[n % 4],
                    "client_id": f"bench-{n}",
                },
            )
        )
    return made


async def measure(engine: str, database_url: str, tmp: Path) -> _load.Cases:
    posts, warmup = sizes()
    # On PostgreSQL as many authors again for pgbench, so that its authors too start without
    # texts of their own (the repeated-text rule reads an author's texts of the last 24 hours).
    sides = 2 if engine == "postgres" else 1
    thread_id, everyone = await seed(database_url, sides * (posts + warmup))
    ours_end = len(everyone) // sides
    authors, pgbench_authors = everyone[:ours_end], everyone[ours_end:]
    await _load.vacuum(database_url)
    cases = await _load.load_once(
        engine, database_url, tmp, requests(thread_id, authors, posts + warmup), posts, CLIENTS
    )
    if engine != "postgres":
        return cases
    ours = cases[0][1]
    ids = sorted(a.user_id for a in pgbench_authors)
    assert ids == list(range(ids[0], ids[0] + len(ids))), "pgbench picks authors from a range"
    await _load.vacuum(database_url)  # pgbench starts from the state ours started from
    theirs = _pgbench.run(
        database_url,
        "posting.pgbench",
        posts,
        _load.clients(CLIENTS),
        {"thread_id": thread_id, "first_author": ids[0], "authors": len(ids)},
        tmp,
    )
    share = ours.per_second / theirs.per_second if theirs.per_second else 0.0
    verdict = "met" if share >= PGBENCH_SHARE else "missed"
    shares.append(
        f"| {engine} | {ours.per_second:,.0f} | {theirs.per_second:,.0f} | {share:.0%} "
        f"| {PGBENCH_SHARE:.0%} ({verdict}) |"
    )
    return [*cases, ("pgbench, the same statements (transactions/s)", theirs)]


def main() -> int:
    status = _load.run_per_engine(
        "posting",
        "POST /api/v1/threads/{id}/comments (comments/s)",
        "posts",
        BUDGETS.__getitem__,
        measure,
    )
    if shares:
        print("\nPosting against pgbench running the same statements in the same run:\n")
        print("| engine | our posts/s | pgbench transactions/s | share | budget |")
        print("| --- | --- | --- | --- | --- |")
        print("\n".join(shares))
    return status


if __name__ == "__main__":
    sys.exit(main())
