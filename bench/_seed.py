"""Seeding for the HTTP benchmarks: a thread, many accounts with API tokens, many comments.

Bulk inserts through SQLAlchemy Core (the benchmarks measure the server, not the seeding);
tokens are made and hashed exactly as `dialog tokens add` does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import ApiToken, User
from dialog.accounts.secrets import new_token, token_hash
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment
from dialog.markup import render_markdown
from dialog.procedures.models import Department, Procedure, Thread

WORDS = [
    *("Radweg", "Spielplatz", "Schule", "Park", "Brücke", "Ufer", "Markt", "Bibliothek"),
    *("Sporthalle", "Kita", "Platz", "Straße", "Quartier", "Garten", "Bänke", "Schatten"),
    *("Havel", "Bäume", "Licht", "Gehweg", "Bus", "Tram", "Parkplatz", "Lärm", "Wasser"),
    *("sicher", "breiter", "ruhiger", "schöner", "besser", "wichtig", "gut", "leider"),
    *("endlich", "bitte", "mehr", "weniger"),
]


@dataclass(frozen=True)
class Account:
    user_id: int
    token: str


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


async def procedure(db: Database) -> tuple[int, int]:
    """One department with one active procedure; returns (department id, procedure id)."""
    async with db.unit_of_work() as uow:
        department = Department(slug="bench", name="Benchmark", email="bench@example.org")
        uow.session.add(department)
        await uow.session.flush()
        found = Procedure(
            slug="bench",
            title="Benchmark-Vorhaben",
            summary="Ein Vorhaben für Messungen.",
            department_id=department.id,
            level="consultation",
            initiator="administration",
            phase="active",
        )
        uow.session.add(found)
        await uow.session.flush()
        return department.id, found.id


async def threads_in(db: Database, procedure_id: int, count: int = 1) -> list[int]:
    """`count` open threads in a procedure; returns their ids."""
    async with db.unit_of_work() as uow:
        made = [
            Thread(procedure_id=procedure_id, title=f"Ihre Meinung {n}", question="Was fehlt?")
            for n in range(count)
        ]
        uow.session.add_all(made)
        await uow.session.flush()
        return [t.id for t in made]


async def thread(db: Database) -> int:
    """One department, one active procedure, one open thread; returns the thread id."""
    _department, procedure_id = await procedure(db)
    return (await threads_in(db, procedure_id))[0]


async def accounts(db: Database, count: int, prefix: str) -> list[Account]:
    """`count` verified residents, each with one API token."""
    now = utcnow()
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(User),
            [
                {
                    "email": f"{prefix}{n}@example.org",
                    "display_name": f"{prefix.title()} {n}",
                    "role": "resident",
                    "email_verified_at": now,
                }
                for n in range(count)
            ],
        )
        ids = (
            await uow.session.scalars(
                select(User.id).where(User.email.like(f"{prefix}%")).order_by(User.id)
            )
        ).all()
        tokens = [new_token("dlg_") for _ in ids]
        await uow.session.execute(
            insert(ApiToken),
            [
                {"user_id": user_id, "token_hash": token_hash(token), "name": "bench"}
                for user_id, token in zip(ids, tokens, strict=True)
            ],
        )
    return [Account(user_id, token) for user_id, token in zip(ids, tokens, strict=True)]


async def comments(
    db: Database, thread_id: int, author_ids: list[int], top_level: int, replies_each: int
) -> list[int]:
    """`top_level` published comments, each with a chain of `replies_each` (0-3) replies.

    Returns the ids of the top-level comments, oldest first. Vote counts are spread so the
    "top" and "controversial" orders differ from "new".
    """
    rng = random.Random(4)
    samples = [text(rng, rng.randint(20, 60)) for _ in range(50)]
    rendered = [render_markdown(body) for body in samples]
    now = utcnow()
    top_ids: list[int] = []
    async with db.unit_of_work() as uow:
        for start in range(0, top_level, 500):
            batch = range(start, min(top_level, start + 500))
            rows = []
            for n in batch:
                k = n % len(samples)
                rows.append(
                    {
                        "thread_id": thread_id,
                        "author_id": author_ids[n % len(author_ids)],
                        "body": samples[k],
                        "html": rendered[k],
                        "stance": ("for", "neutral", "against", None)[n % 4],
                        "status": "published",
                        "up_count": rng.randint(0, 40),
                        "down_count": rng.randint(0, 15),
                        "reply_count": 1 if replies_each else 0,
                        "created_at": now,
                    }
                )
            top_ids.extend(await _insert(uow.session, rows))
        await uow.session.execute(
            update(Comment).where(Comment.thread_id == thread_id).values(root_id=Comment.id)
        )
        parents = {top: top for top in top_ids}
        for depth in range(1, min(replies_each, 3) + 1):
            rows = []
            for n, top in enumerate(top_ids):
                k = (n + depth) % len(samples)
                rows.append(
                    {
                        "thread_id": thread_id,
                        "parent_id": parents[top],
                        "root_id": top,
                        "depth": depth,
                        "author_id": author_ids[(n + depth) % len(author_ids)],
                        "body": samples[k],
                        "html": rendered[k],
                        "status": "published",
                        "up_count": rng.randint(0, 10),
                        "down_count": rng.randint(0, 5),
                        "reply_count": 1 if depth < replies_each else 0,
                        "created_at": now,
                    }
                )
            ids = await _insert(uow.session, rows)
            parents = dict(zip(top_ids, ids, strict=True))  # the next reply answers this one
        await uow.session.execute(
            update(Thread)
            .where(Thread.id == thread_id)
            .values(comment_count=top_level * (1 + min(replies_each, 3)))
        )
    return top_ids


async def _insert(session: AsyncSession, rows: list[dict[str, object]]) -> list[int]:
    ids = await session.scalars(
        insert(Comment).returning(Comment.id, sort_by_parameter_order=True), rows
    )
    return list(ids.all())
