"""Conditional GET for generated files: a strong ETag of the body, Last-Modified, 304.

A feed is built from a few indexed reads; hashing its bytes is cheap, always right (a hidden
comment changes the body even when no date moved), and spares the transfer to readers that poll.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

MAX_AGE = 60  # seconds a reader may reuse a feed unasked: hidden content must go soon


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified_since(request: Request, modified: datetime) -> bool:
    header = request.headers.get("if-modified-since")
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= since


def _matches(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    return etag in tags or "*" in tags


def conditional(
    request: Request, body: bytes, media_type: str, modified: datetime, filename: str = ""
) -> Response:
    """The body, or 304 when the reader's copy is current (If-None-Match wins over
    If-Modified-Since, RFC 9110 13.2.2)."""
    etag = etag_of(body)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified.astimezone(UTC), usegmt=True),
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Vary": "Accept-Language, Cookie",
    }
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if "if-none-match" in request.headers:
        fresh = _matches(request, etag)
    else:
        fresh = _not_modified_since(request, modified)
    if fresh:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
