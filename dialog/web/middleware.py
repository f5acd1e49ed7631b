"""Pure ASGI middleware: request id and access log, security headers, locale, and the answer to
any exception that nothing else handled (so error responses carry the same headers)."""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialog import i18n, logs
from dialog.web.errors import database_outage, unexpected_error_response

log = logging.getLogger("dialog.http")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def security_headers(image_origin: str | None = None) -> dict[str, str]:
    """The headers of every answer; `image_origin` (the city's own map tiles) is the one other
    origin pages may load images from."""
    if image_origin is None:
        return SECURITY_HEADERS
    csp = CSP.replace("img-src 'self' data:;", f"img-src 'self' data: {image_origin};")
    return {**SECURITY_HEADERS, "content-security-policy": csp}


SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
LOCALE_COOKIE = "dialog_lang"


def request_cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is treated as no cookies
                return {}
            return {key: morsel.value for key, morsel in jar.items()}
    return {}


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    """Request id (kept from X-Request-ID when sane), access log line, locale negotiation.

    It is the outermost of our middleware and answers any exception from inside it (routes and
    the other middleware) itself: Starlette's own error middleware sits outside all of ours, so
    its answer would lack the security headers, the request id and the reader's language.
    """

    def __init__(self, app: ASGIApp, hsts: bool = False, image_origin: str | None = None) -> None:
        self.app = app
        self.hsts = hsts
        self.headers = security_headers(image_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = header(scope, b"x-request-id") or ""
        rid = incoming if incoming.isalnum() and len(incoming) <= 64 else secrets.token_hex(8)
        rid_token = logs.request_id.set(rid)
        locale = i18n.negotiate(
            request_cookies(scope).get(LOCALE_COOKIE), header(scope, b"accept-language")
        )
        locale_token = i18n.current_locale.set(locale)
        scope.setdefault("state", {})["locale"] = locale
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = rid
                for key, value in self.headers.items():
                    headers.setdefault(key, value)
                if self.hsts:
                    headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
                headers.setdefault("content-language", locale)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:
            if scope["type"] == "websocket" and database_outage(scope, error):
                # 1013 "try again later"; before the handshake's answer it refuses the socket.
                with contextlib.suppress(Exception):  # the socket may be gone already
                    await send({"type": "websocket.close", "code": 1013})
                return
            if scope["type"] != "http" or status:
                raise  # a socket, or a response already begun: there is nothing left to answer
            response = unexpected_error_response(Request(scope, receive), error)
            await response(scope, receive, send_with_headers)
        finally:
            if scope["type"] == "http" and not scope["path"].startswith("/static/"):
                log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            i18n.current_locale.reset(locale_token)
            logs.request_id.reset(rid_token)
