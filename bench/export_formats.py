"""Exports of 100,000 published comments: CSV (budget 3 s) and XLSX (budget 15 s).

Run: `.venv/bin/python -m bench export_formats` (SQLite in a temporary directory; PostgreSQL
too when DIALOG_BENCH_DATABASE_URL=postgresql+asyncpg://... points at an empty, disposable
database). Each format is timed once plainly, then once more under tracemalloc for the peak of
Python allocations; ru_maxrss is the process peak.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update

from bench.machine import describe
from dialog import migrate
from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment
from dialog.procedures.models import Department, Procedure, Thread
from dialog.results import exports
from dialog.results.models import Answer
from dialog.settings import Settings

COUNT = 100_000
THREADS = 5
USERS = 2_000
WORDS = [
    "Radweg",
    "Baum",
    "Bank",
    "Park",
    "Ufer",
    "Schule",
    "Licht",
    "Brücke",
    "Markt",
    "Spielplatz",
    "Kita",
    "Platz",
]


async def seed(db: Database) -> int:
    rng = random.Random(7)
    now = utcnow()
    async with db.unit_of_work() as uow:
        department = Department(slug="bench", name="Fachbereich Bench", email="b@example.org")
        uow.session.add(department)
        await uow.session.flush()
        procedure = Procedure(
            slug="bench-export",
            title="Export-Benchmark",
            summary="100.000 Beiträge",
            department_id=department.id,
            level="consultation",
            initiator="administration",
            phase="evaluation",
        )
        uow.session.add(procedure)
        await uow.session.flush()
        threads = [Thread(procedure_id=procedure.id, title=f"Faden {n}") for n in range(THREADS)]
        uow.session.add_all(threads)
        await uow.session.execute(
            insert(User),
            [
                {"email": f"u{n}@example.org", "display_name": f"Person {n}", "role": "resident"}
                for n in range(USERS)
            ],
        )
        await uow.session.flush()
        thread_ids = [t.id for t in threads]
        procedure_id = procedure.id
    batch: list[dict[str, Any]] = []
    next_id = 1
    for n in range(COUNT):
        text = " ".join(rng.choices(WORDS, k=rng.randint(8, 60)))
        if n % 997 == 0:
            text = '=HYPERLINK("http://example.org") ' + text
        top_level = n % 4 == 0 or next_id == 1
        parent = None if top_level else rng.randint(max(1, next_id - 50), next_id - 1)
        batch.append(
            {
                "id": next_id,
                "thread_id": thread_ids[n % THREADS] if top_level else None,
                "parent_id": parent,
                "depth": 0 if top_level else 1,
                "author_id": rng.randint(1, USERS),
                "body": text,
                "html": f"<p>{text}</p>",
                "stance": rng.choice(["for", "against", "neutral", None]),
                "status": "published",
                "up_count": rng.randint(0, 40),
                "down_count": rng.randint(0, 20),
                "flag_count": rng.randint(0, 1),
                "created_at": now - timedelta(minutes=COUNT - n),
            }
        )
        next_id += 1
    # replies live in their parent's thread and conversation
    by_id = {row["id"]: row for row in batch}
    for row in batch:
        parent = row["parent_id"]
        if parent is None:
            row["root_id"] = row["id"]
        else:
            above = by_id[parent]
            row["thread_id"] = above["thread_id"]
            row["root_id"] = above["root_id"]
            row["depth"] = 1 if above["parent_id"] is None else 2
            row["parent_id"] = parent if row["depth"] <= 2 else above["root_id"]
    for start in range(0, COUNT, 10_000):
        async with db.unit_of_work() as uow:
            await uow.session.execute(insert(Comment), batch[start : start + 10_000])
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(Answer),
            [
                {
                    "target": f"comment:{n}",
                    "thread_id": by_id[n]["thread_id"],
                    "comment_id": n,
                    "department_id": 1,
                    "body": "Danke, wir prüfen das.",
                    "html": "<p>Danke, wir prüfen das.</p>",
                    "state": "under-consideration",
                    "reason": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(1, COUNT, 500)
            ],
        )
        await uow.session.execute(update(Thread).values(comment_count=COUNT // THREADS))
    return procedure_id


async def drain_csv(db: Database, procedure_id: int) -> int:
    size = 0
    async for chunk in exports.csv_chunks(db, procedure_id):
        size += len(chunk)
    return size


async def write_xlsx(db: Database, procedure_id: int) -> int:
    with tempfile.TemporaryFile() as handle:
        await exports.write_xlsx(db, procedure_id, handle)
        return handle.tell()


async def measure(
    name: str, run: Callable[[], Awaitable[int]]
) -> tuple[str, float, float, int, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    size = await run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    await run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return name, seconds, cpu, size, peak / 1024 / 1024, maxrss


async def bench(url: str, label: str) -> None:
    db = Database(url)
    try:
        started = time.perf_counter()
        procedure_id = await seed(db)
        print(f"{label}: seeded {COUNT:,} comments in {time.perf_counter() - started:.1f} s")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  process peak RSS after seeding: {rss_before:.0f} MiB")
        for name, run, budget in (
            ("CSV", lambda: drain_csv(db, procedure_id), 3.0),
            ("XLSX", lambda: write_xlsx(db, procedure_id), 15.0),
        ):
            _n, seconds, cpu, size, peak, maxrss = await measure(name, run)
            verdict = "within budget" if seconds < budget else "OVER BUDGET"
            print(
                f"  {name}: {seconds:.2f} s wall, {cpu:.2f} s CPU "
                f"(budget {budget:.0f} s, {verdict}), "
                f"{size / 1024 / 1024:.1f} MiB file, tracemalloc peak {peak:.1f} MiB, "
                f"process peak RSS {maxrss:.0f} MiB"
            )
    finally:
        await db.dispose()


def main() -> int:
    print(describe())
    print(f"load average before the run: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(Settings(database_url=url, var_dir=Path(tmp), secret_key="b" * 40))
        asyncio.run(bench(url, "SQLite"))
    pg = os.environ.get("DIALOG_BENCH_DATABASE_URL")
    if pg:
        migrate.upgrade(Settings(database_url=pg, var_dir=Path("var"), secret_key="b" * 40))
        asyncio.run(bench(pg, "PostgreSQL"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
