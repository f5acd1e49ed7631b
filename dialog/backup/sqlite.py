"""SQLite: the online backup API of the sqlite3 module, in both directions."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from dialog.backup.check import BackupError

MAGIC = b"SQLite format 3\x00"


def database_path(database_url: str) -> Path:
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupError("DIALOG_DATABASE_URL names no SQLite file to back up or restore")
    return Path(name)


def backup(database_url: str, target: Path) -> None:
    """Copy the live database page by page (writers may go on meanwhile), into a partial file
    first, so FILE is either the whole backup or untouched."""
    path = database_path(database_url)
    if not path.is_file():
        raise BackupError(f"{path}: the SQLite database does not exist")
    partial = target.with_name(f".{target.name}.partial")
    try:
        with (
            contextlib.closing(sqlite3.connect(path)) as source,
            contextlib.closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            # One self-contained file: no -wal beside it to forget when copying it away.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup to {target} failed: {error}") from None


def check_backup(source: Path) -> None:
    with source.open("rb") as file:
        if file.read(len(MAGIC)) != MAGIC:
            raise BackupError(
                f"{source}: not an SQLite backup (DIALOG_DATABASE_URL names an SQLite database)"
            )
    try:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
            checked = backup.execute("PRAGMA quick_check").fetchone()
            known = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
    except sqlite3.Error as error:
        raise BackupError(f"{source}: unreadable SQLite file: {error}") from None
    if checked != ("ok",):
        raise BackupError(f"{source}: the SQLite file is damaged ({checked[0] if checked else ''})")
    if known is None:
        raise BackupError(f"{source}: not a backup of dialog (no schema version in it)")


def restore(database_url: str, source: Path) -> None:
    """Write the backup over the configured file in one transaction of the backup API."""
    path = database_path(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup,
            contextlib.closing(sqlite3.connect(path)) as database,
        ):
            backup.backup(database)
    except sqlite3.Error as error:
        raise BackupError(f"restore into {path} failed: {error}") from None
