"""dialog restore replaces data only when told to, and only with a backup of its own engine."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from dialog.db import Database
from dialog.procedures.models import Department
from tests.backup.conftest import backed_up, dialog, migrated, wipe


async def add_department(database_url: str, slug: str) -> None:
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            uow.session.add(Department(slug=slug, name=slug.title(), email=f"{slug}@example.org"))
    finally:
        await db.dispose()


async def slugs(database_url: str) -> list[str]:
    db = Database(database_url)
    try:
        async with db.reading() as session:
            return list((await session.scalars(select(Department.slug))).all())
    finally:
        await db.dispose()


async def backed_up_with(tmp_path: Path, database_url: str, slug: str) -> Path:
    await migrated(database_url, tmp_path)
    await add_department(database_url, slug)
    backup = tmp_path / "dialog.backup"
    await backed_up(database_url, tmp_path, backup)
    return backup


async def test_a_database_that_holds_data_is_not_replaced_without_force(
    tmp_path: Path, own_database: str
) -> None:
    backup = await backed_up_with(tmp_path, own_database, "kultur")
    await add_department(own_database, "bau")
    refused = dialog(tmp_path, own_database, "restore", str(backup))
    assert refused.returncode == 1
    assert refused.stderr == (
        "dialog: the configured database already holds data; "
        "add --force to replace it with the backup\n"
    )
    assert sorted(await slugs(own_database)) == ["bau", "kultur"]


async def test_force_replaces_a_database_that_holds_data(tmp_path: Path, own_database: str) -> None:
    backup = await backed_up_with(tmp_path, own_database, "kultur")
    await add_department(own_database, "bau")
    done = dialog(tmp_path, own_database, "restore", "--force", str(backup))
    assert done.returncode == 0, done.stderr
    assert await slugs(own_database) == ["kultur"]


async def test_a_freshly_migrated_database_without_rows_is_restored_into_without_force(
    tmp_path: Path, own_database: str
) -> None:
    backup = await backed_up_with(tmp_path, own_database, "kultur")
    await wipe(own_database)
    await migrated(own_database, tmp_path)
    done = dialog(tmp_path, own_database, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert await slugs(own_database) == ["kultur"]


async def test_a_file_that_is_no_backup_of_this_engine_is_refused_in_one_line(
    tmp_path: Path, own_database: str
) -> None:
    await migrated(own_database, tmp_path)
    stray = tmp_path / "notes.txt"
    stray.write_text("Einkaufsliste\n")
    refused = dialog(tmp_path, own_database, "restore", str(stray))
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"dialog: {stray}: not a")
    assert refused.stderr.count("\n") == 1


async def test_a_missing_backup_file_is_named(tmp_path: Path, own_database: str) -> None:
    missing = tmp_path / "nowhere.backup"
    refused = dialog(tmp_path, own_database, "restore", str(missing))
    assert (refused.returncode, refused.stderr) == (1, f"dialog: {missing}: no such file\n")
