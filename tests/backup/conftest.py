"""A database of its own per test (a file, or a PostgreSQL database made and dropped here), and
the `dialog` command run as an operator runs it."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from dialog import migrate
from dialog.backup import backup
from dialog.settings import Settings
from tests import backends

_numbers = itertools.count()


def dialog(
    var: Path, database_url: str, *args: str, path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"] if path is None else path,
        "DIALOG_VAR_DIR": str(var),
        "DIALOG_DATABASE_URL": database_url,
        "DIALOG_SECRET_KEY": "c" * 40,
    }
    return subprocess.run(
        [sys.executable, "-m", "dialog", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def settings_for(database_url: str, var: Path) -> Settings:
    return Settings(database_url=database_url, var_dir=var, secret_key="c" * 40)


async def migrated(database_url: str, var: Path) -> None:
    """Setting up in this process (the command under test runs as its own process)."""
    await asyncio.to_thread(migrate.upgrade, settings_for(database_url, var))


async def backed_up(database_url: str, var: Path, target: Path) -> None:
    await asyncio.to_thread(backup, settings_for(database_url, var), target)


def admin_url(database_url: str) -> str:
    return (
        make_url(database_url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
    )


async def wipe(database_url: str) -> None:
    """Nothing left: the SQLite file gone, or every table of the PostgreSQL schema dropped."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        return
    conn = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


@pytest.fixture
async def own_database(backend: backends.Backend, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database that only this test uses."""
    if backend.name == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/backup-source.db"
        return
    name = f"dialog_backup_{os.getpid()}_{next(_numbers)}"
    admin = await asyncpg.connect(admin_url(backend.template))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(backend.template).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
