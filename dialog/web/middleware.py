"""Pure ASGI middleware: request id and access log, security headers, locale."""

from __future__ import annotations

import logging
import secrets
import time
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialog import i18n, logs

log = logging.getLogger("dialog.http")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
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
    """Request id (kept from X-Request-ID when sane), access log line, locale negotiation."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

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
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                if self.hsts:
                    headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
                headers.setdefault("content-language", locale)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
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
