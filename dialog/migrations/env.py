"""Alembic environment: async engine, both SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from alembic import context
from sqlalchemy import Column, Index
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SAWarning

import dialog.models  # noqa: F401  (registers every table of dialog)
import moderation.models  # noqa: F401  (and of moderation)
from dialog.db import Base, make_engine

config = context.config
SEARCH_INDEX = "comment_search"
# PostgreSQL's stored search column of comments and its GIN index (0017): written by the
# database itself (a generated column), never read or written through the models.
SEARCH_VECTOR = frozenset({"search_vector", "ix_comments_search_vector"})
target_metadata = Base.metadata


def _compared(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Indexes on expressions stay out of autogenerate's comparison: SQLAlchemy cannot reflect
    them from SQLite, and compares their SQL text unreliably on PostgreSQL. Their migrations
    write them by hand (0006) and tests/discussion/test_large_thread.py checks the plans."""
    if type_ == "table" and reflected and name is not None and name.startswith(SEARCH_INDEX):
        return False  # SQLite's FTS5 search index and its shadow tables (0016), not models
    if reflected and other is None and name in SEARCH_VECTOR:
        return False
    if type_ == "index" and isinstance(obj, Index):
        return all(isinstance(expression, Column) for expression in obj.expressions)
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_compared,
    )
    with context.begin_transaction(), warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
        )
        warnings.filterwarnings(
            "ignore", "autogenerate skipping metadata-specified expression-based index"
        )
        context.run_migrations()


async def _run_async() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by dialog.migrate"
    engine = make_engine(url, writer=False)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    existing = config.attributes.get("connection")
    if existing is not None:
        _run(existing)
    else:
        asyncio.run(_run_async())
