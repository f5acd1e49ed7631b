"""Refuse a NUL character anywhere in the address (path or query) before any handler runs:
PostgreSQL cannot store or compare text that holds one. Bodies are checked in inputs.py."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from dialog.errors import BadRequest, DomainError, InvalidInput
from dialog.i18n import lazy
from dialog.web.errors import send_error
from dialog.web.inputs import NUL_MESSAGE


def nul_in_address(scope: Scope) -> DomainError | None:
    if "\x00" in scope.get("path", ""):
        return BadRequest(NUL_MESSAGE, {"path": NUL_MESSAGE})
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" not in query and "\x00" not in query:
        return None
    for key, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in key or "\x00" in value:
            name = key.replace("\x00", "") or "query"
            return InvalidInput(lazy("Please check the marked fields."), {name: NUL_MESSAGE})
    return None


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (error := nul_in_address(scope)) is not None:
            await send_error(scope, receive, send, error)
            return
        await self.app(scope, receive, send)
