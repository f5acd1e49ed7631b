"""PostgreSQL: pg_dump in its custom format and pg_restore, with the connection in PG* variables.

The password goes to the tools only through PGPASSWORD in their environment: a command line is
visible to every user of the machine (ps, /proc).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from dialog.backup.check import BackupError

MAGIC = b"PGDMP"  # the first bytes of pg_dump's custom format
SSL_MODES = {"true": "require", "false": "disable"}  # asyncpg's ssl=true|false


def environment(database_url: str) -> dict[str, str]:
    """The tools' environment: ours, with the connection of DIALOG_DATABASE_URL."""
    url = make_url(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", str(url.port) if url.port else None),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value:
            env[name] = value
    ssl = url.query.get("ssl") or url.query.get("sslmode")
    if isinstance(ssl, str):
        env["PGSSLMODE"] = SSL_MODES.get(ssl.lower(), ssl)
    return env


def run(tool: str, arguments: list[str], database_url: str) -> None:
    found = shutil.which(tool)
    if found is None:
        raise BackupError(
            f"{tool} not found: install the PostgreSQL client tools of the server's major "
            "version or newer (Debian: apt-get install postgresql-client)"
        )
    # No shell; the program is the one on PATH, the arguments are ours and the file's name.
    done = subprocess.run(  # noqa: S603
        [found, *arguments],
        env=environment(database_url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = lines[0].removeprefix(f"{tool}: ").removeprefix("error: ") if lines else ""
        raise BackupError(f"{tool} failed (exit {done.returncode}): {reason}")


def backup(database_url: str, target: Path) -> None:
    """pg_dump writes a partial file first, so FILE is either the whole dump or untouched."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        run("pg_dump", ["--format=custom", f"--file={partial}"], database_url)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_backup(source: Path) -> None:
    with source.open("rb") as file:
        if file.read(len(MAGIC)) != MAGIC:
            raise BackupError(
                f"{source}: not a pg_dump custom-format backup "
                "(DIALOG_DATABASE_URL names a PostgreSQL database)"
            )


def restore(database_url: str, source: Path) -> None:
    """Drop what the backup holds, then create it again, all in one transaction. Objects end
    up owned by the configured user, whoever owned them where the backup was made."""
    database = make_url(database_url).database or ""
    run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={database}",
            str(source),
        ],
        database_url,
    )
