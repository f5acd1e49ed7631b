"""Which database and hub the suite runs on: SQLite + in-process hub, or PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

import dialog.models  # noqa: F401  (every table, for TRUNCATE)
import moderation.models  # noqa: F401
from dialog import migrate
from dialog.backup.check import SEEDED_ROWS
from dialog.db import Base
from dialog.settings import Settings

IN_CI = os.environ.get("CI") == "true"
BACKEND = os.environ.get("DIALOG_TEST_BACKEND", "sqlite")


@dataclass
class Backend:
    name: str
    redis_url: str | None
    template: str  # a migrated SQLite file, or the PostgreSQL URL of the test database

    def database_url(self, tmp: Path) -> str:
        if self.name == "sqlite":
            target = tmp / "dialog.db"
            shutil.copyfile(self.template, target)
            return f"sqlite+aiosqlite:///{target}"
        return self.template


def _settings(url: str, var_dir: Path, redis_url: str | None = None) -> Settings:
    return Settings(database_url=url, var_dir=var_dir, secret_key="t" * 40, redis_url=redis_url)


def prepare(root: Path) -> Backend:
    if BACKEND == "sqlite":
        path = root / "template.db"
        migrate.upgrade(_settings(f"sqlite+aiosqlite:///{path}", root))
        return Backend("sqlite", None, str(path))
    if BACKEND != "postgres":
        raise RuntimeError(f"DIALOG_TEST_BACKEND must be sqlite or postgres, not {BACKEND!r}")
    base = os.environ.get("DIALOG_TEST_DATABASE_URL")
    redis_url = os.environ.get("DIALOG_TEST_REDIS_URL")
    if not base or not redis_url:
        raise RuntimeError(
            "DIALOG_TEST_BACKEND=postgres needs DIALOG_TEST_DATABASE_URL and DIALOG_TEST_REDIS_URL"
        )
    url = make_url(base).set(database=f"dialog_test_{os.getpid()}")
    asyncio.run(recreate(url.set(drivername="postgresql").render_as_string(False), url.database))
    rendered = url.render_as_string(hide_password=False)
    migrate.upgrade(_settings(rendered, root))
    return Backend("postgres", redis_url, rendered)


async def recreate(url: str, name: str | None) -> None:
    """Drop and create the PostgreSQL database `name` on the server of `url`."""
    admin = make_url(url).set(database="postgres").render_as_string(False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def clean(backend: Backend) -> None:
    """Empty every table after a PostgreSQL test (SQLite tests get a fresh file instead)."""
    if backend.name != "postgres":
        return
    url = make_url(backend.template).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(url)
    try:
        # Rows a migration seeds (dialog/backup/check.py) stay: they have the first ids.
        tables = ", ".join(
            f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name not in SEEDED_ROWS
        )
        await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        for name, rows in SEEDED_ROWS.items():
            await conn.execute(f'DELETE FROM "{name}" WHERE id > {rows}')  # noqa: S608
    finally:
        await conn.close()
