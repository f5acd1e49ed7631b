"""Search over 100,000 published comments: server time of GET /api/v1/search and /search.

Run: `.venv/bin/python -m bench search` (SQLite; PostgreSQL too when
DIALOG_BENCH_DATABASE_URL=postgresql+asyncpg://... points at an empty, disposable database).
Budget: p95 under 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, text

from bench import _seed
from bench.machine import describe
from dialog import migrate
from dialog.app import create_app
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment
from dialog.settings import Settings

COUNT = int(os.environ.get("DIALOG_BENCH_COMMENTS", "100000"))
THREADS = 200
ROUNDS = 200
CHUNK = 5_000
# Real words in several forms (each in about 2 % of the comments), among invented filler words
# drawn with a long tail, as in real text: a few words everywhere, most words rare.
TOPICS = [
    ["Radweg", "Radwege", "Radwegen", "Radwegs"],
    ["Baum", "Bäume", "Bäumen"],
    ["Spielplatz", "Spielplätze", "Spielplätzen"],
    ["Schule", "Schulen"],
    ["Brücke", "Brücken"],
    ["Parkplatz", "Parkplätze"],
    ["Straßenbahn", "Straßenbahnen"],
    ["Bank", "Bänke", "Bänken"],
    ["Ampel", "Ampeln"],
    ["Bibliothek", "Bibliotheken"],
]
QUERIES = [
    "/api/v1/search?q=Radwege",
    "/api/v1/search?q=B%C3%A4ume+Schule",
    "/api/v1/search?q=Spielpl%C3%A4tzen&page=5",
    "/api/v1/search?q={rare}",
    "/api/v1/search?q=Seilbahn",
    "/search?q=Br%C3%BCcken",
]


def filler(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mir", "ten", "sa", "ber", "un", "gel", "da", "rin", "to", "wes"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20_000)]


def body(rng: random.Random, words: list[str], weights: list[float]) -> str:
    chosen = rng.choices(words, weights, k=rng.randint(12, 40))
    for _ in range(rng.randint(0, 1) + (rng.random() < 0.2)):
        chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(rng.choice(TOPICS)))
    return " ".join(chosen).capitalize() + "."


async def fill(database_url: str) -> str:
    """Write the comments; returns a rare filler word to search for."""
    rng = random.Random(11)
    words = filler(rng)
    weights = [1 / (rank + 10) for rank in range(len(words))]
    db = Database(database_url)
    _department, procedure_id = await _seed.procedure(db)
    thread_ids = await _seed.threads_in(db, procedure_id, THREADS)
    now = utcnow()
    for start in range(0, COUNT, CHUNK):
        rows = []
        for i in range(start, min(COUNT, start + CHUNK)):
            text_ = body(rng, words, weights)
            status = "published" if i % 20 else rng.choice(["pending", "hidden", "withdrawn"])
            rows.append(
                {
                    "thread_id": thread_ids[i % THREADS],
                    "body": text_,
                    "html": f"<p>{text_}</p>",
                    "status": status,
                    "created_at": now - timedelta(seconds=COUNT - i),
                }
            )
        async with db.unit_of_work() as uow:
            await uow.session.execute(insert(Comment), rows)
    async with db.unit_of_work() as uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            await uow.session.execute(text("ANALYZE comments"))
    await db.dispose()
    return words[-1]


async def measure(database_url: str, var_dir: Path, rare: str) -> dict[str, list[float]]:
    settings = Settings(database_url=database_url, var_dir=var_dir, secret_key="b" * 40)
    app = create_app(settings)
    queries = [q.format(rare=rare) for q in QUERIES]
    timings: dict[str, list[float]] = {q: [] for q in queries}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for query in queries:  # warm-up
                response = await client.get(query)
                assert response.status_code == 200, response.text
            for _ in range(ROUNDS):
                for query in queries:
                    started = time.perf_counter()
                    response = await client.get(query)
                    timings[query].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200
            for query in queries[:4]:
                found = (await client.get(query)).json()
                print(f"  {query}: {found['total']}{'+' if found['more'] else ''} results")
    return timings


def report(engine: str, timings: dict[str, list[float]]) -> None:
    print(f"\n{engine}: {COUNT} comments, {ROUNDS} requests per query (server time, ms)")
    print(f"{'query':50} {'p50':>7} {'p95':>7} {'max':>7}")
    for query, values in timings.items():
        ordered = sorted(values)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(f"{query:50} {statistics.median(values):7.1f} {p95:7.1f} {ordered[-1]:7.1f}")


def run(database_url: str, var_dir: Path, engine: str) -> None:
    migrate.upgrade(Settings(database_url=database_url, var_dir=var_dir, secret_key="b" * 40))
    started = time.perf_counter()
    rare = asyncio.run(fill(database_url))
    print(f"{engine}: filled in {time.perf_counter() - started:.0f} s (index kept while writing)")
    report(engine, asyncio.run(measure(database_url, var_dir, rare)))


def main() -> int:
    print("machine:", describe())
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite+aiosqlite:///{tmp}/bench.db", Path(tmp), "SQLite")
        postgres = os.environ.get("DIALOG_BENCH_DATABASE_URL")
        if postgres:
            run(postgres, Path(tmp), "PostgreSQL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
