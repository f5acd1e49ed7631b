"""Ideas and complaints at city scale: 100,000 items.

Run: `.venv/bin/python -m bench concerns` (SQLite; PostgreSQL too when
DIALOG_BENCH_DATABASE_URL=postgresql+asyncpg://... points at an empty, disposable database).
Budgets: the office's filtered queue and `GET /open311/v2/requests.json` (50 per page) p95
under 50 ms server time; the annual report for a year of 50,000 items under 2 s.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select

from bench.machine import describe
from dialog import migrate
from dialog.accounts.actions import do_add_token, do_add_user
from dialog.accounts.models import Role
from dialog.app import create_app
from dialog.concerns.annual import annual_report
from dialog.concerns.models import Category, Channel, Concern, Kind, State
from dialog.db import Database
from dialog.demo import DEPARTMENTS, DISTRICTS
from dialog.procedures.actions import slugify
from dialog.procedures.models import Department, District
from dialog.settings import Settings

COUNT = 100_000
ROUNDS = 100
YEAR = 2026
CATEGORIES = [
    "Straßenbeleuchtung",
    "Müll und Sauberkeit",
    "Radwege",
    "Grünflächen",
    "Spielplätze",
    "Verkehr",
    "Lärm",
    "Schulen",
]
STATES = [
    State.received,
    State.review,
    State.progress,
    State.answered,
    State.answered,
    State.answered,
    State.not_feasible,
    State.forwarded,
    State.archived,
]
QUERIES = [
    "/office/concerns?state=received",
    "/office/concerns?state=in-progress&overdue=1",
    "/api/v1/concerns/queue?state=answered",
    "/open311/v2/requests.json",
    "/open311/v2/requests.json?status=open&service_code=radwege",
    "/open311/v2/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
]


def settings(database_url: str, var_dir: Path) -> Settings:
    return Settings(database_url=database_url, var_dir=var_dir, secret_key="b" * 40)


async def fill(database_url: str) -> str:
    """100,000 items over 2025 and 2026 (half in each year); returns an office token."""
    rng = random.Random(11)
    db = Database(database_url)
    async with db.unit_of_work() as uow:
        departments = [Department(slug=s, name=n, email=e) for s, n, e in DEPARTMENTS]
        districts = [District(slug=slugify(n), name=n) for n in DISTRICTS]
        uow.session.add_all([*departments, *districts])
        categories = [
            Category(slug=slugify(n), name_de=n, name_en=n, position=i)
            for i, n in enumerate(CATEGORIES)
        ]
        uow.session.add_all(categories)
        await uow.session.flush()
        office = await do_add_user(
            uow,
            email="office@example.org",
            display_name="WerkStadt",
            role=Role.office,
            department_id=None,
            password=None,
        )
        token = await do_add_token(uow, office, "bench")
        other = await uow.session.scalar(select(Category.id).where(Category.is_other.is_(True)))
        category_ids = [c.id for c in categories] + [other]
    rows = []
    start = datetime(YEAR - 1, 1, 1, 8, tzinfo=UTC)
    for i in range(COUNT):
        created = start + timedelta(minutes=i * 10.5)  # 100,000 items over two years
        state = rng.choice(STATES)
        answered = state in (State.answered, State.not_feasible)
        rows.append(
            {
                "kind": rng.choice(list(Kind)).value,
                "category_id": rng.choice(category_ids),
                "district_id": rng.choice(districts).id,
                "text": f"Anliegen {i}: bitte prüfen Sie die Situation vor Ort.",
                "place": f"Straße {i % 500}",
                "lat": 52.3 + rng.random() / 10,
                "lon": 13.0 + rng.random() / 10,
                "is_public": rng.random() < 0.8,
                "channel": rng.choice(list(Channel)).value,
                "state": state.value,
                "department_id": rng.choice(departments).id,
                "first_reply_due": (created + timedelta(days=4)).date(),
                "answer_due": (created + timedelta(days=28)).date(),
                "created_at": created,
                "updated_at": created + timedelta(days=2),
                "confirmed_at": created,
                "first_reply_at": created + timedelta(days=rng.randint(0, 6)),
                "answered_at": created + timedelta(days=rng.randint(2, 60)) if answered else None,
                "reopened_count": 1 if answered and rng.random() < 0.05 else 0,
                "satisfaction": rng.randint(1, 5) if answered and rng.random() < 0.3 else None,
                "solved": (rng.random() < 0.7) if answered else None,
            }
        )
    async with db.unit_of_work() as uow:
        for first in range(0, len(rows), 5000):
            await uow.session.execute(insert(Concern), rows[first : first + 5000])
    await db.dispose()
    return token


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(len(ordered) * 0.95) - 1]


async def measure(database_url: str, var_dir: Path, token: str) -> dict[str, list[float]]:
    app = create_app(settings(database_url, var_dir))
    timings: dict[str, list[float]] = {q: [] for q in QUERIES}
    headers = {"Authorization": f"Bearer {token}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers
        ) as client:
            for query in QUERIES:  # warm-up
                response = await client.get(query)
                assert response.status_code == 200, (query, response.status_code)
            for _ in range(ROUNDS):
                for query in QUERIES:
                    started = time.perf_counter()
                    response = await client.get(query)
                    timings[query].append((time.perf_counter() - started) * 1000)
        report_times = []
        db = app.state.services.db
        for _ in range(3):
            started = time.perf_counter()
            async with db.reading() as session:
                found = await annual_report(session, YEAR)
            report_times.append((time.perf_counter() - started) * 1000)
        timings[f"annual report {YEAR} ({found.total:,} items)"] = report_times
    return timings


def run(database_url: str, var_dir: Path, engine: str) -> None:
    migrate.upgrade(settings(database_url, var_dir))
    started = time.perf_counter()
    token = asyncio.run(fill(database_url))
    print(f"\n{engine}: seeded {COUNT:,} items in {time.perf_counter() - started:.0f} s")
    timings = asyncio.run(measure(database_url, var_dir, token))
    print(f"{'request (server time, ms)':78} {'p50':>7} {'p95':>7} {'max':>7}")
    for query, values in timings.items():
        print(f"{query:78} {statistics.median(values):7.1f} {p95(values):7.1f} {max(values):7.1f}")


def main() -> int:
    print(describe())
    print(f"on {date.today():%Y-%m-%d}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite+aiosqlite:///{tmp}/bench.db", Path(tmp), "SQLite")
    postgres = os.environ.get("DIALOG_BENCH_DATABASE_URL")
    if postgres:
        with tempfile.TemporaryDirectory() as tmp:
            run(postgres, Path(tmp), "PostgreSQL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
