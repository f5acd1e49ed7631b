"""`dialog backup FILE` and `dialog restore FILE [--force]`: the whole database, either engine.

SQLite: SQLite's online backup API, page by page, safe while the server runs; the copy is one
self-contained file. PostgreSQL: `pg_dump` in its custom format, and `pg_restore --clean
--if-exists` in one transaction. A restore replaces a database that already holds data only with
`force`: an operator who restores into the wrong place loses nothing without saying so.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from dialog.backup import postgres, sqlite
from dialog.backup.check import BackupError, holds_data
from dialog.settings import Settings

__all__ = ["BackupError", "backup", "restore"]


def backup(settings: Settings, target: Path) -> None:
    if settings.is_sqlite:
        sqlite.backup(settings.database_url, target)
    else:
        postgres.backup(settings.database_url, target)


def restore(settings: Settings, source: Path, *, force: bool = False) -> None:
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if settings.is_sqlite:
        sqlite.check_backup(source)
    else:
        postgres.check_backup(source)
    if not force and _holds_data(settings):
        raise BackupError(
            "the configured database already holds data; add --force to replace it with the backup"
        )
    if settings.is_sqlite:
        sqlite.restore(settings.database_url, source)
    else:
        postgres.restore(settings.database_url, source)


def _holds_data(settings: Settings) -> bool:
    if settings.is_sqlite and not sqlite.database_path(settings.database_url).is_file():
        return False  # opening it would create an empty file
    return asyncio.run(holds_data(settings.database_url))
