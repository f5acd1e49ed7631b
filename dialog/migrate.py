"""Run Alembic from inside the package, for `dialog migrate`, `make run` and the tests."""

from __future__ import annotations

import contextlib

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from dialog.settings import Settings


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "dialog:migrations")
    # ConfigParser interpolation would eat a "%" in a password.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "heads") -> None:
    ensure_sqlite_dir(settings)
    command.upgrade(alembic_config(settings.database_url), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings.database_url), revision)


def ensure_sqlite_dir(settings: Settings) -> None:
    if settings.is_sqlite:
        database = make_url(settings.database_url).database
        if database and database != ":memory:":
            from pathlib import Path

            # A directory that cannot be made is reported by SQLite itself, as unable to open
            # the file, which `dialog` turns into one line naming it.
            with contextlib.suppress(OSError):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
