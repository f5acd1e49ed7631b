"""The `dialog` command: serve | migrate | demo | users | tokens | export | audit | backup |
restore."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from dialog.settings import Settings, SettingsError

Handler = Callable[[Settings, argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialog", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser("demo", help="load demo data (idempotent)")
    users = commands.add_parser("users", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    add = users.add_parser("add", help="add an account")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--role", choices=["resident", "moderator", "office", "staff", "admin"], default="resident"
    )
    add.add_argument("--department", help="department slug (staff)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    tokens = commands.add_parser("tokens", help="API tokens").add_subparsers(
        dest="action", required=True
    )
    token_add = tokens.add_parser("add", help="print a new bearer token for an account")
    token_add.add_argument("email")
    token_add.add_argument("--name", default="cli")
    export = commands.add_parser("export", help="export a procedure's published contributions")
    export.add_argument("procedure", help="procedure id or slug")
    export.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    backup = commands.add_parser(
        "backup",
        help="copy the whole database into FILE (SQLite: online backup; PostgreSQL: pg_dump)",
    )
    backup.add_argument("file", help="the backup file to write")
    restore = commands.add_parser(
        "restore", help="replace the configured database with the backup in FILE"
    )
    restore.add_argument("file", help="a file written by dialog backup")
    restore.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
    audit = commands.add_parser("audit", help="the moderation audit log").add_subparsers(
        dest="action", required=True
    )
    audit.add_parser("verify", help="check the hash chain; exit 3 if a row was altered")
    return parser


# Commands that reach the database through their own tools (pg_dump, SQLite's backup API) and
# report a failure in one line themselves.
OWN_CONNECTION = frozenset({"backup", "restore"})


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"dialog: configuration error: {error}", file=sys.stderr)
        return 2
    from dialog import cli

    handler: Handler = getattr(cli, f"cmd_{args.command}")
    try:
        if args.command not in OWN_CONNECTION:
            cli.check_database(settings)
        return handler(settings, args)
    except cli.CommandError as error:
        print(f"dialog: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        from dialog import unreachable

        if not unreachable.database_unreachable(error):
            raise
        # An operator's mistake or an outage, not a bug: one line that names the database.
        place = unreachable.database_place(settings.database_url)
        cause = unreachable.reason(error, settings.database_url)
        print(f"dialog: cannot reach the database ({place}): {cause}", file=sys.stderr)
        return 1


def run(coroutine: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(coroutine)


if __name__ == "__main__":
    sys.exit(main())
