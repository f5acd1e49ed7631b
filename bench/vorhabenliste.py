"""The Vorhabenliste with 5,000 procedures: server time of filtered pages and API calls.

Run: `.venv/bin/python -m bench vorhabenliste` (SQLite; PostgreSQL too when
DIALOG_BENCH_DATABASE_URL=postgresql+asyncpg://... points at an empty, disposable database).
Budget: under 50 ms server time for a filtered page.
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

from bench.machine import describe
from dialog import migrate
from dialog.app import create_app
from dialog.db import Database, utcnow
from dialog.demo import DEPARTMENTS, DISTRICTS
from dialog.procedures.actions import slugify
from dialog.procedures.models import (
    Department,
    District,
    Procedure,
    ProcedurePhase,
    procedure_districts,
)
from dialog.settings import Settings

COUNT = 5000
ROUNDS = 200
WORDS = [
    "Radweg",
    "Spielplatz",
    "Schule",
    "Park",
    "Brücke",
    "Ufer",
    "Markt",
    "Bibliothek",
    "Sporthalle",
    "Kita",
    "Platz",
    "Straße",
    "Quartier",
    "Garten",
    "Bad",
]
QUERIES = [
    "/procedures?phase=active&district=babelsberg-nord",
    "/procedures?department=mobilitaet&level=consultation&sort=title",
    "/procedures?q=radweg&phase=planned",
    "/procedures?initiator=residents&page=3",
    "/api/v1/procedures?phase=active&district=innenstadt",
    "/api/v1/procedures?q=park&department=gruen&per_page=50",
]


async def fill(database_url: str) -> None:
    rng = random.Random(7)
    db = Database(database_url)
    async with db.unit_of_work() as uow:
        departments = [Department(slug=s, name=n, email=e) for s, n, e in DEPARTMENTS]
        districts = [District(slug=slugify(n), name=n) for n in DISTRICTS]
        uow.session.add_all([*departments, *districts])
        await uow.session.flush()
        now = utcnow()
        procedures = []
        for i in range(COUNT):
            title = f"{rng.choice(WORDS)} {rng.choice(DISTRICTS)} {i}"
            procedures.append(
                Procedure(
                    slug=f"p-{i}",
                    title=title,
                    summary=f"Beteiligung zu {title}: Ideen gesucht.",
                    department_id=rng.choice(departments).id,
                    level=rng.choice(["information", "consultation", "co-decision"]),
                    initiator=rng.choice(
                        ["administration", "city-council", "residents", "district-council"]
                    ),
                    phase=rng.choice(["planned", "active", "evaluation", "completed"]),
                    created_at=now - timedelta(days=i % 700),
                    updated_at=now - timedelta(hours=i),
                )
            )
        uow.session.add_all(procedures)
        await uow.session.flush()
        links = [
            {"procedure_id": p.id, "district_id": d.id}
            for p in procedures
            for d in rng.sample(districts, rng.randint(1, 3))
        ]
        await uow.session.execute(procedure_districts.insert(), links)
        uow.session.add_all(
            [
                ProcedurePhase(procedure_id=p.id, phase=name, position=k)
                for p in procedures
                for k, name in enumerate(("planned", "active", "evaluation", "completed"))
            ]
        )
    await db.dispose()


async def measure(database_url: str, var_dir: Path) -> dict[str, list[float]]:
    settings = Settings(database_url=database_url, var_dir=var_dir, secret_key="b" * 40)
    app = create_app(settings)
    timings: dict[str, list[float]] = {q: [] for q in QUERIES}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for query in QUERIES:  # warm-up: caches, prepared statements, template compile
                assert (await client.get(query)).status_code == 200
            for _ in range(ROUNDS):
                for query in QUERIES:
                    started = time.perf_counter()
                    response = await client.get(query)
                    timings[query].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200
    return timings


def report(engine: str, timings: dict[str, list[float]]) -> None:
    print(f"\n{engine}: {COUNT} procedures, {ROUNDS} requests per query (server time, ms)")
    print(f"{'query':70} {'p50':>7} {'p95':>7} {'max':>7}")
    for query, values in timings.items():
        ordered = sorted(values)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(f"{query:70} {statistics.median(values):7.1f} {p95:7.1f} {ordered[-1]:7.1f}")


def run(database_url: str, var_dir: Path, engine: str) -> None:
    migrate.upgrade(Settings(database_url=database_url, var_dir=var_dir, secret_key="b" * 40))
    asyncio.run(fill(database_url))
    report(engine, asyncio.run(measure(database_url, var_dir)))


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
