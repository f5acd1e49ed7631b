"""What each `dialog` sub-command does."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sqlite3
import sys
from collections.abc import MutableMapping
from pathlib import Path

from sqlalchemy.engine import make_url

from dialog import logs, migrate
from dialog.accounts import actions as account_actions
from dialog.accounts import queries as account_queries
from dialog.accounts.models import Role
from dialog.db import Database
from dialog.errors import DomainError
from dialog.procedures import queries as procedure_queries
from dialog.settings import Settings, local_base_url


class CommandError(Exception):
    pass


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from dialog.live.transport import uvicorn_websocket_options

    if args.workers > 1 and not settings.redis_url:
        raise CommandError(
            "--workers > 1 needs DIALOG_REDIS_URL: processes share live events through Redis"
        )
    if args.workers > 1 and settings.is_sqlite:
        raise CommandError("--workers > 1 needs PostgreSQL (DIALOG_DATABASE_URL)")
    logs.configure(settings.log_format, settings.log_level)
    follow_port(os.environ, args.host, args.port)
    uvicorn.run(
        "dialog.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,  # each worker runs create_app: its own hub subscription
        **uvicorn_websocket_options(),
        proxy_headers=True,
        log_config=None,
        access_log=False,
    )
    return 0


def follow_port(environ: MutableMapping[str, str], host: str, port: int) -> None:
    """In development without DIALOG_BASE_URL, links in mails and the WebSocket's Origin check
    follow the port the server runs on (`PORT=8321 make run`), not a fixed 8000. The workers
    read their settings from the environment (dialog.asgi), so the address goes there."""
    if environ.get("DIALOG_BASE_URL") or environ.get("DIALOG_ENV") == "production":
        return
    environ["DIALOG_BASE_URL"] = local_base_url(host, port)


def check_database(settings: Settings) -> None:
    """Before any command: reach the database or raise, so that `dialog` stops with one line
    naming it (dialog.__main__) instead of a traceback from deep inside, or from each worker."""
    if not settings.is_sqlite:
        asyncio.run(_ping(settings))
        return
    migrate.ensure_sqlite_dir(settings)
    path = make_url(settings.database_url).database
    if path and path != ":memory:":
        # Plain sqlite3: aiosqlite's thread outlives a failed connect and may print a
        # traceback of its own after the event loop has closed.
        sqlite3.connect(path, timeout=30).close()


async def _ping(settings: Settings) -> None:
    db = Database.for_settings(settings)
    try:
        await db.ping()
    finally:
        await db.dispose()


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    migrate.upgrade(settings)
    print("dialog: database is up to date")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from dialog import demo

    created = asyncio.run(demo.load(settings))
    print("dialog: demo data loaded" if created else "dialog: demo data present already")
    return 0


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None

    async def add() -> int:
        db = Database.for_settings(settings)
        try:
            async with db.unit_of_work() as uow:
                department_id = None
                if args.department:
                    department = await procedure_queries.department_by_slug(
                        uow.session, args.department
                    )
                    if department is None:
                        raise CommandError(f"--department: no department {args.department!r}")
                    department_id = department.id
                user = await account_actions.do_add_user(
                    uow,
                    email=args.email,
                    display_name=args.name,
                    role=Role(args.role),
                    department_id=department_id,
                    password=password,
                )
            print(f"dialog: added {user.email} ({user.role}) as #{user.id}")
            return 0
        except DomainError as error:
            detail = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
            raise CommandError(f"{error.message} {detail}".strip()) from None
        finally:
            await db.dispose()

    return asyncio.run(add())


def cmd_tokens(settings: Settings, args: argparse.Namespace) -> int:
    async def add() -> int:
        db = Database.for_settings(settings)
        try:
            async with db.unit_of_work() as uow:
                user = await account_queries.user_by_email(uow.session, args.email)
                if user is None:
                    raise CommandError(f"no account with e-mail {args.email!r}")
                token = await account_actions.do_add_token(uow, user, args.name)
            print(token)
            return 0
        finally:
            await db.dispose()

    return asyncio.run(add())


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    # The results package owns exports; it is looked up here so the CLI stays a thin layer.
    module = importlib.import_module("dialog.results.cli")
    status: int = module.export(settings, args)
    return status


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    # Moderation owns the audit log; app.py is the one place where dialog meets moderation.
    from dialog.app import cli_commands

    return cli_commands["audit"](settings, args)


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from dialog.backup import BackupError, backup

    target = Path(args.file)
    try:
        backup(settings, target)
    except BackupError as error:
        raise CommandError(str(error)) from None
    print(f"dialog: backed up the database to {target} ({target.stat().st_size:,} bytes)")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from dialog.backup import BackupError, restore

    source = Path(args.file)
    try:
        restore(settings, source, force=args.force)
    except BackupError as error:
        raise CommandError(str(error)) from None
    print(f"dialog: restored {source}; run 'dialog migrate' if it came from an older version")
    return 0
