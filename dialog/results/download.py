"""Export files as HTTP responses, streamed (the XLSX through a temporary file)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import IO

from starlette.responses import Response, StreamingResponse

from dialog.db import Database, utcnow
from dialog.procedures.models import Procedure
from dialog.results import exports

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 64 * 1024


def filename(procedure: Procedure, fmt: str) -> str:
    return f"{procedure.slug}-{utcnow():%Y-%m-%d}.{fmt}"


async def _file_chunks(handle: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()


async def export_response(
    db: Database, procedure: Procedure, fmt: str, delimiter: str = ",", lang: str | None = None
) -> Response:
    if fmt == "csv":
        body: AsyncIterator[bytes] = exports.csv_chunks(db, procedure.id, delimiter, lang=lang)
    elif fmt == "json":
        body = exports.json_chunks(db, procedure.id, lang=lang)
    else:
        # A zip archive is written whole before it can be read; a temporary file keeps the
        # memory flat, and it disappears when closed.
        handle = tempfile.TemporaryFile()  # noqa: SIM115  (closed by _file_chunks)
        try:
            await exports.write_xlsx(db, procedure.id, handle, lang=lang)
        except BaseException:
            handle.close()
            raise
        body = _file_chunks(handle)
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename(procedure, fmt)}"',
            "Cache-Control": "no-store",
        },
    )
