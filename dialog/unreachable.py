"""The database out of reach: which failures say so (rather than a bug), how to name the database
without its password, and one log line per outage instead of a traceback per request."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from types import TracebackType
from typing import Any
from weakref import WeakKeyDictionary, ref

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event, exc
from sqlalchemy.engine import make_url

from dialog.db import Database
from dialog.outage import Outage

log = logging.getLogger("dialog.db")

RETRY_AFTER_SECONDS = 10  # what a 503 asks clients to wait while the database is away

# SQLite's errors that mean "the file cannot be used now", not "the statement is wrong".
SQLITE_OUTAGE = ("unable to open database", "database is locked", "disk i/o error")
# PostgreSQL's SQLSTATEs of the same kind: connection exceptions, shutdown or start-up, too many
# connections, a database that does not exist (any more), credentials refused.
POSTGRES_OUTAGE = ("08", "57P", "53300", "3D000", "28")
DRIVERS = ("asyncpg", "aiosqlite", "sqlite3", "sqlalchemy")


def database_unreachable(error: BaseException) -> bool:
    """Whether the error means the database cannot be reached or used at all right now."""
    generic = False
    for link in _chain(error):
        if isinstance(link, sqlite3.Error):
            return str(link).lower().startswith(SQLITE_OUTAGE)
        if isinstance(link, asyncpg.PostgresError):
            return str(getattr(link, "sqlstate", "") or "").startswith(POSTGRES_OUTAGE)
        if isinstance(link, asyncpg.InterfaceError):
            return "closed" in str(link)
        if isinstance(link, exc.DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, exc.TimeoutError):  # the pool had no connection to give
            return True
        if isinstance(link, OSError) and _raised_by_driver(link.__traceback__):
            return True
        generic = generic or isinstance(link, (exc.OperationalError, exc.InterfaceError))
    return generic


def database_place(url: str) -> str:
    """The database as an operator knows it: the file, or host, port and name; no password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database or ':memory:'}"
    port = parsed.port or 5432
    return f"PostgreSQL at {parsed.host or 'localhost'}:{port}, database {parsed.database}"


def reason(error: BaseException, url: str) -> str:
    """The innermost cause in one line (a password in it, however unlikely, is masked)."""
    root = list(_chain(error))[-1]
    text = (str(root).strip().splitlines() or [""])[0][:200]
    password = make_url(url).password
    if password:
        text = text.replace(str(password), "***")
    return f"{type(root).__name__}: {text}" if text else type(root).__name__


class DatabaseWatch:
    """Failures that mean the database is unreachable, as requests and background work meet
    them: one warning when the database goes, one line when a new connection succeeds again."""

    def __init__(self, db: Database) -> None:
        # Weakly: the registry below holds watches as long as their database lives, no longer.
        self._db = ref(db)
        self.url = db.url
        self.outage = Outage(f"database ({database_place(db.url)})", log)
        for engine in db.sync_engines:
            event.listen(engine, "connect", self._connected)

    def _connected(self, *_args: Any) -> None:
        self.outage.recovered()

    def noted(self, error: BaseException) -> bool:
        """True if the error means the database is unreachable; then it is counted (and
        logged if it starts an outage) and the caller need not log it."""
        if not database_unreachable(error):
            return False
        self.outage.failed(reason(error, self.url), "answering 503 meanwhile")
        return True

    async def reachable(self) -> bool:
        db = self._db()
        if db is None:
            return False
        try:
            await db.ping()
        except Exception as error:
            if not self.noted(error):
                log.exception("readiness: the database check failed")
            return False
        self.outage.recovered()
        return True


_watches: WeakKeyDictionary[Database, DatabaseWatch] = WeakKeyDictionary()


def watch(db: Database) -> DatabaseWatch:
    """The one watch of a database, shared by the error handler, readiness and workers."""
    found = _watches.get(db)
    if found is None:
        found = _watches[db] = DatabaseWatch(db)
    return found


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, then what it wraps (SQLAlchemy's `orig`) and what caused it."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        orig = getattr(link, "orig", None)
        link = orig if isinstance(orig, BaseException) else (link.__cause__ or link.__context__)


def _raised_by_driver(traceback: TracebackType | None) -> bool:
    """An OSError counts only when a database driver raised it (not a mail server, a file)."""
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(DRIVERS):
            return True
        traceback = traceback.tb_next
    return False
