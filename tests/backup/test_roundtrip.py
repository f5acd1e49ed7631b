"""dialog backup, a wiped database, dialog restore: every row of every table is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import column, inspect, select, table
from sqlalchemy.engine import Connection

from dialog.db import Base, Database
from dialog.procedures.models import Department
from tests.backup.conftest import backed_up, dialog, migrated, wipe
from tests.backup.fill import fill_what_the_demo_left_empty

Rows = dict[str, list[tuple[Any, ...]]]


def _read_all(connection: Connection) -> Rows:
    """Every table the database holds, its rows as the driver returns them, in key order."""
    inspector = inspect(connection)
    found: Rows = {}
    for name in inspector.get_table_names():
        names = [c["name"] for c in inspector.get_columns(name)]
        key = inspector.get_pk_constraint(name)["constrained_columns"] or names
        rows = table(name, *(column(n) for n in names))
        query = select(rows).order_by(*(rows.c[k] for k in key))
        found[name] = [tuple(r) for r in connection.execute(query)]
    return found


async def every_row(database_url: str) -> Rows:
    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            return await connection.run_sync(_read_all)
    finally:
        await db.dispose()


async def test_a_restored_backup_holds_every_row_of_every_table(
    tmp_path: Path, own_database: str
) -> None:
    for command in ("migrate", "demo"):
        done = dialog(tmp_path, own_database, command)
        assert done.returncode == 0, done.stderr
    db = Database(own_database)
    try:
        await fill_what_the_demo_left_empty(db)
    finally:
        await db.dispose()
    before = await every_row(own_database)
    assert {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"} <= before.keys()
    empty = sorted(name for name, rows in before.items() if not rows)
    assert empty == [], f"give these tables a row in tests/backup/fill.py: {empty}"
    backup = tmp_path / "dialog.backup"
    saved = dialog(tmp_path, own_database, "backup", str(backup))
    assert saved.returncode == 0, saved.stderr

    await wipe(own_database)
    restored = dialog(tmp_path, own_database, "restore", str(backup))

    assert restored.returncode == 0, restored.stderr
    assert await every_row(own_database) == before


async def test_rows_added_after_a_restore_get_ids_after_the_restored_ones(
    tmp_path: Path, own_database: str
) -> None:
    await migrated(own_database, tmp_path)
    db = Database(own_database)
    try:
        async with db.unit_of_work() as uow:
            uow.session.add(Department(slug="kultur", name="Kultur", email="k@example.org"))
        backup = tmp_path / "dialog.backup"
        await backed_up(own_database, tmp_path, backup)
        await db.dispose()
        await wipe(own_database)
        assert dialog(tmp_path, own_database, "restore", str(backup)).returncode == 0
        async with db.unit_of_work() as uow:
            later = Department(slug="bau", name="Bau", email="b@example.org")
            uow.session.add(later)
            await uow.session.flush()
        assert later.id == 2
    finally:
        await db.dispose()
