"""`dialog export PROCEDURE --format csv|xlsx|json [-o FILE]`: the same files as the API."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import IO

from dialog.db import Database
from dialog.procedures import queries as procedure_queries
from dialog.results import exports
from dialog.settings import Settings

CHUNK = 64 * 1024


class ExportError(Exception):
    pass


async def _export(settings: Settings, key: str, fmt: str, target: IO[bytes]) -> None:
    db = Database.for_settings(settings)
    try:
        async with db.reading() as session:
            procedure = await procedure_queries.procedure(
                session, int(key) if (key.isascii() and key.isdigit()) else key
            )
        if procedure is None:
            raise ExportError(f"no procedure {key!r} (give its number or slug)")
        if fmt == "xlsx":
            with tempfile.TemporaryFile() as scratch:
                await exports.write_xlsx(db, procedure.id, scratch)
                scratch.seek(0)
                while chunk := scratch.read(CHUNK):
                    target.write(chunk)
            return
        chunks = (
            exports.csv_chunks(db, procedure.id)
            if fmt == "csv"
            else exports.json_chunks(db, procedure.id)
        )
        async for chunk in chunks:
            target.write(chunk)
    finally:
        await db.dispose()


def export(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.output:
            with open(args.output, "wb") as handle:
                asyncio.run(_export(settings, args.procedure, args.format, handle))
            print(f"dialog: wrote {args.output}", file=sys.stderr)
        else:
            asyncio.run(_export(settings, args.procedure, args.format, sys.stdout.buffer))
            sys.stdout.buffer.flush()
    except ExportError as error:
        if args.output:
            Path(args.output).unlink(missing_ok=True)
        print(f"dialog: {error}", file=sys.stderr)
        return 2
    return 0
