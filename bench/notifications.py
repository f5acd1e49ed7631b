"""Notifications: an answer concerning 10,000 followers turned into notices (budget 2 s), and
the daily digest for 100,000 people following 10 items each built (budget 60 s).

Run: `.venv/bin/python -m bench notifications` (SQLite in a temporary directory; PostgreSQL
too when DIALOG_BENCH_DATABASE_URL=postgresql+asyncpg://... points at an empty, disposable
database). DIALOG_BENCH_QUICK=1 runs a tenth of the sizes.

1. The answer: 10,000 accounts follow a thread; staff answer the thread (the answer row and its
   `answer.published` event are written as `do_answer` writes them). Timed: the notification
   consumer's round that handles the event: 10,000 notices (each person's language and mail
   choice looked up), 10,000 `notifications.changed` events for the header counts, the
   consumer's position, one transaction.
2. The digest: 100,000 active accounts, each with 10 waiting notices of the daily digest (one
   per followed item: a procedure's phase change, a new thread ...) from yesterday. Timed:
   `run_digests` at 07:01: it finds them person after person, claims the notices, renders one
   mail per person in the person's language (text and HTML, unsubscribe link and headers) and
   queues it in the mail outbox, 1,000 people per transaction. Sending is the mail worker's
   (not timed).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bench import _load, _seed
from bench.machine import describe
from dialog import migrate
from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.live.consumers import run_round, start_position
from dialog.live.outbox import emit
from dialog.mail.models import OutboxMail
from dialog.notifications.consumer import NotificationConsumer
from dialog.notifications.kinds import Mode
from dialog.notifications.mailing import digest_moment, run_digests
from dialog.notifications.models import Follow, Notification
from dialog.results.events import ANSWER_PUBLISHED
from dialog.results.models import Answer
from dialog.results.present import answer_out
from dialog.settings import Settings
from dialog.web.templating import make_templates

FOLLOWERS = 10_000
PEOPLE = 100_000
ITEMS = 10
CHUNK = 20_000


def sized(full: int) -> int:
    return full // 10 if _load.quick() else full


async def seed_people(db: Database, count: int, prefix: str) -> int:
    """`count` confirmed, active accounts (half German, half English); returns the first id."""
    now = utcnow()
    async with db.reading() as session:
        first = (await session.scalar(select(func.max(User.id))) or 0) + 1
    for start in range(0, count, CHUNK):
        rows = [
            {
                "email": f"{prefix}{n}@example.org",
                "display_name": f"{prefix.title()} {n}",
                "role": "resident",
                "locale": "de" if n % 2 else "en",
                "email_verified_at": now,
                "notify_by_mail": True,
                "created_at": now,
            }
            for n in range(start, min(start + CHUNK, count))
        ]
        async with db.unit_of_work() as uow:
            await uow.session.execute(insert(User), rows)
    return first


async def seed_thread(db: Database) -> tuple[int, int]:
    """(department id, thread id) of one open thread (bench/_seed.py)."""
    department_id, procedure_id = await _seed.procedure(db)
    return department_id, (await _seed.threads_in(db, procedure_id))[0]


async def answer_to_followers(db: Database, settings: Settings) -> None:
    followers = sized(FOLLOWERS)
    department_id, thread_id = await seed_thread(db)
    first = await seed_people(db, followers, "follower")
    now = utcnow()
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(Follow),
            [
                {
                    "user_id": first + n,
                    "kind": "thread",
                    "target_id": thread_id,
                    "active": True,
                    "automatic": True,
                    "created_at": now,
                }
                for n in range(followers)
            ],
        )
    consumer = NotificationConsumer(settings)
    await start_position(db, consumer.name)
    async with db.unit_of_work() as uow:
        answer = Answer(
            target=f"thread:{thread_id}",
            thread_id=thread_id,
            department_id=department_id,
            body="Wir setzen das um.",
            html="<p>Wir setzen das um.</p>",
            state="adopted",
            reason="",
            created_at=now,
            updated_at=now,
        )
        uow.session.add(answer)
        await uow.session.flush()
        await emit(uow, ANSWER_PUBLISHED, answer_out(answer, "Fachbereich Bench"), thread_id)
    started, cpu = time.perf_counter(), time.process_time()
    handled = await run_round(db, consumer)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    async with db.reading() as session:
        notices = await session.scalar(select(func.count()).select_from(Notification))
    verdict = "within budget" if seconds < 2 else "OVER BUDGET"
    print(
        f"  answer to {followers:,} followers: {notices:,} notices in {seconds:.2f} s wall, "
        f"{cpu:.2f} s CPU (budget 2 s, {verdict}); round handled {handled.handled} event"
    )


async def daily_digest(db: Database, settings: Settings) -> None:
    people = sized(PEOPLE)
    first = await seed_people(db, people, "reader")
    moment = digest_moment(Mode.daily, utcnow())
    yesterday = moment - timedelta(hours=12)
    kinds = ("phase.changed", "thread.created")
    started = time.perf_counter()
    for start in range(0, people, CHUNK // ITEMS):
        rows: list[dict[str, Any]] = [
            {
                "user_id": first + n,
                "kind": kinds[item % 2],
                "title": f"Neues in Vorhaben {item + 1}: jetzt in der Phase Auswertung",
                "body": "Wie soll der Platz heißen?" if item % 2 else "",
                "url": f"/procedures/{item + 1}",
                "created_at": yesterday,
                "event_id": n * ITEMS + item + 1,
                "delivery": "daily",
            }
            for n in range(start, min(start + CHUNK // ITEMS, people))
            for item in range(ITEMS)
        ]
        async with db.unit_of_work() as uow:
            await uow.session.execute(insert(Notification), rows)
    print(f"  seeded {people * ITEMS:,} waiting notices in {time.perf_counter() - started:.1f} s")
    async with db.unit_of_work() as uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            # A live database has statistics (autovacuum); a bulk load has none until then, and
            # without them PostgreSQL scanned the whole table for each batch's claim.
            await uow.session.execute(text("ANALYZE notifications, users, login_sessions"))
    env = make_templates().env
    started, cpu = time.perf_counter(), time.process_time()
    mails = await run_digests(db, settings, env, moment + timedelta(minutes=1))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    async with db.reading() as session:
        queued = await session.scalar(select(func.count()).select_from(OutboxMail))
    verdict = "within budget" if seconds < 60 else "OVER BUDGET"
    print(
        f"  daily digest for {people:,} people x {ITEMS} items: {mails:,} mails queued "
        f"({queued:,} in the outbox) in {seconds:.1f} s wall, {cpu:.1f} s CPU "
        f"(budget 60 s, {verdict})"
    )


async def bench(url: str, label: str, settings: Settings) -> None:
    db = Database(url)
    try:
        print(f"{label}:")
        await answer_to_followers(db, settings)
        await daily_digest(db, settings)
    finally:
        await db.dispose()


def main() -> int:
    print(describe())
    print(f"load average before the run: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url, var_dir=Path(tmp), secret_key="b" * 40)
        migrate.upgrade(settings)
        asyncio.run(bench(url, "SQLite", settings))
    pg = os.environ.get("DIALOG_BENCH_DATABASE_URL")
    if pg:
        settings = Settings(database_url=pg, var_dir=Path("var"), secret_key="b" * 40)
        migrate.upgrade(settings)
        asyncio.run(bench(pg, "PostgreSQL", settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
