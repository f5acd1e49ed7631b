"""What both engines share: the error an operator reads, and whether a database holds data."""

from __future__ import annotations

from sqlalchemy import exists, func, inspect, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

# Alembic's own table: a freshly migrated database holds a row there.
SCHEMA_TABLES = frozenset({"alembic_version"})
# Tables a migration seeds, with the number of rows a freshly migrated database holds there
# (the ideas and complaints' "Sonstiges" category); more rows than that are data.
SEEDED_ROWS = {"concern_categories": 1}


class BackupError(Exception):
    """A backup or restore cannot go on; the message is one line."""


# A full-text index is derived from the tables it indexes (SQLite's FTS5 `comment_search` and
# its shadow tables hold rows from the moment they are created): it says nothing of data.
DERIVED_PREFIXES = ("comment_search",)


def _table_names(connection: Connection) -> list[str]:
    names = inspect(connection).get_table_names()
    return [name for name in names if not name.startswith(DERIVED_PREFIXES)]


async def holds_data(database_url: str) -> bool:
    """Whether any table beside Alembic's holds a row."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(_table_names)
            for name in sorted(set(names) - SCHEMA_TABLES):
                if name in SEEDED_ROWS:
                    rows = await connection.scalar(select(func.count()).select_from(table(name)))
                    if (rows or 0) > SEEDED_ROWS[name]:
                        return True
                elif await connection.scalar(select(exists().select_from(table(name)))):
                    return True
        return False
    except (SQLAlchemyError, OSError) as error:
        raise BackupError(f"cannot read the configured database: {one_line(error)}") from None
    finally:
        await engine.dispose()


def one_line(error: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's wrapping and links."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__
