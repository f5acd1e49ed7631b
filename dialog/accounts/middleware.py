"""Resolve the actor (session cookie or bearer token) and enforce CSRF on every unsafe request."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import timedelta
from urllib.parse import parse_qs

from sqlalchemy import update
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialog.accounts import queries
from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.accounts.models import ApiToken, LoginSession
from dialog.accounts.secrets import new_token, same, token_hash
from dialog.db import Database, utcnow
from dialog.direct import Direct, Sql
from dialog.errors import DomainError, Forbidden, NotAuthenticated
from dialog.live.events import SESSION_ENDED, NoData
from dialog.live.outbox import emit
from dialog.recent import Recent
from dialog.settings import Settings
from dialog.web.errors import send_error
from dialog.web.middleware import header, request_cookies
from dialog.web.navigation import shows_header

SESSION_COOKIE = "dialog_session"
CSRF_COOKIE = "dialog_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
SEEN_RESOLUTION = timedelta(seconds=60)
MAX_FORM_BYTES = 1_000_000
MAX_UPLOAD_FORM_BYTES = 26_000_000  # a multipart form with up to 3 photos of 8 MB
# The token field of a multipart form (photo uploads): the forms put it first.
_MULTIPART_TOKEN = re.compile(
    rb'Content-Disposition: form-data; name="csrf_token"\r\n\r\n([A-Za-z0-9_-]{20,100})\r\n',
    re.IGNORECASE,
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


class AuthMiddleware:
    """`header_column`: a column over the user `u` that a page's header shows (the unread
    notices, dialog.web.navigation), read with the credential of a request for a page, so a
    signed-in page costs one round trip for both; put into the request state as "unread".
    `recent`: where credentials read a moment ago are kept (dialog.recent)."""

    def __init__(
        self,
        app: ASGIApp,
        db: Database,
        direct: Direct,
        settings: Settings,
        recent: Recent,
        header_column: str | None = None,
    ) -> None:
        self.app = app
        self.recent = recent
        self.db = db
        self.direct = direct
        self.settings = settings
        plain = {"session": queries.SESSION_CREDENTIAL, "token": queries.TOKEN_CREDENTIAL}
        # (via, for a page) -> the statement that reads the credential
        self.statements: dict[tuple[str, bool], Sql] = {}
        for via, statement in plain.items():
            self.statements[via, False] = statement
            self.statements[via, True] = (
                queries.with_column(statement, header_column) if header_column else statement
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        cookies = request_cookies(scope)
        state = scope.setdefault("state", {})
        clear_session = False
        authorization = header(scope, b"authorization") or ""
        page = scope["type"] == "http" and shows_header(scope["path"])
        counted: int | None = None
        try:
            if authorization.lower().startswith("bearer "):
                actor, counted = await self._actor_from_token(authorization[7:].strip(), page)
            elif cookies.get(SESSION_COOKIE):
                actor, counted = await self._actor_from_session(cookies[SESSION_COOKIE], page)
                clear_session = not actor.authenticated
            else:
                actor = ANONYMOUS
        except DomainError as error:
            await send_error(scope, receive, send, error)
            return
        state["actor"] = actor
        if page and counted is not None:
            state["unread"] = counted
        csrf = cookies.get(CSRF_COOKIE, "")
        fresh_csrf = not _TOKEN_SHAPE.match(csrf)
        if fresh_csrf:
            csrf = new_token()
        state["csrf_token"] = csrf

        # Bearer requests carry no ambient credentials; anonymous API calls have none to abuse
        # and get their honest 401. Everything else that changes state needs the token.
        # One-click unsubscribe (RFC 8058): mail programs POST the signed link from a mail
        # without cookies; the link itself is the credential and it only turns mail off.
        # Open311 (dialog/open311) never acts as the person behind a cookie: it creates
        # requests with an API key or an e-mail confirmation, whoever sends them.
        exempt = (
            actor.via == "token"
            or (actor.via == "anonymous" and scope["path"].startswith("/api/"))
            or scope["path"].startswith("/unsubscribe/")
            or scope["path"].startswith("/open311/")
        )
        if scope["type"] == "http" and scope["method"] in UNSAFE and not exempt:
            problem = self._origin_problem(scope)
            if problem is None:
                receive, problem = await self._token_problem(scope, receive, csrf, fresh_csrf)
            if problem is not None:
                await send_error(scope, receive, send, Forbidden(problem))
                return

        secure = self.settings.base_url.startswith("https://")

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if fresh_csrf and not state.get("csrf_cookie_set"):
                    headers.append(_cookie(CSRF_COOKIE, csrf, secure=secure))
                if clear_session and not state.get("session_cookie_set"):
                    headers.append(_cookie(SESSION_COOKIE, "", secure=secure, max_age=0))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    async def _actor_from_token(self, raw: str, page: bool) -> tuple[Actor, int | None]:
        """Read-only, like every request of a busy client: `last_used_at` is written at most
        once a minute per token (SEEN_RESOLUTION), in its own short transaction. With the
        header's column for a page."""
        found = await self._credential("token", page, raw)
        if found is None:
            raise NotAuthenticated("The bearer token is unknown or revoked.")
        now = utcnow()
        if found.last_seen_at is None or now - found.last_seen_at > SEEN_RESOLUTION:
            async with self.db.unit_of_work() as uow:
                await uow.session.execute(
                    update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now)
                )
        return _actor(found, "token", None), found.counted

    async def _actor_from_session(self, raw: str, page: bool) -> tuple[Actor, int | None]:
        if not _TOKEN_SHAPE.match(raw):
            return ANONYMOUS, None
        found = await self._credential("session", page, raw)
        if found is None:
            return ANONYMOUS, None
        now = utcnow()
        last_seen = found.last_seen_at or found.created_at
        if now - found.created_at > ABSOLUTE_TIMEOUT or now - last_seen > IDLE_TIMEOUT:
            await self._touch(found.id, revoke=True)
            return ANONYMOUS, None
        if now - last_seen > SEEN_RESOLUTION:
            await self._touch(found.id, revoke=False)
        return _actor(found, "session", found.id), found.counted

    async def _credential(self, via: str, page: bool, raw: str) -> queries.Credential | None:
        """The live session or token of a raw secret: read, or kept from a read of this
        process a moment ago (dialog.recent: until its next commit, at most RECENT seconds)."""
        statement = self.statements[via, page]
        hashed = token_hash(raw)

        def read() -> Awaitable[queries.Credential | None]:
            return self.direct.read(queries.credential(statement, hashed))

        return await self.recent.read(("credential", via, page, hashed), read)

    async def _touch(self, session_id: int, *, revoke: bool) -> None:
        async with self.db.unit_of_work() as uow:
            login = await uow.session.get(LoginSession, session_id)
            if login is not None:
                login.last_seen_at = utcnow()
                if revoke and login.revoked_at is None:
                    login.revoked_at = utcnow()
                    # Sockets opened with this session close on this event.
                    await emit(uow, SESSION_ENDED, NoData(), login.id)

    def _origin_problem(self, scope: Scope) -> str | None:
        origin = header(scope, b"origin")
        if origin is None:
            if header(scope, b"sec-fetch-site") in ("cross-site", "same-site"):
                return "Cross-site request refused."
            return None
        if origin in (self.settings.origin, _own_origin(scope)):
            return None
        return "Cross-site request refused (Origin does not match)."

    async def _token_problem(
        self, scope: Scope, receive: Receive, csrf: str, fresh: bool
    ) -> tuple[Receive, str | None]:
        sent = header(scope, CSRF_HEADER)
        content_type = (header(scope, b"content-type") or "").split(";")[0].strip()
        if sent is None and content_type == "application/x-www-form-urlencoded":
            body = await _read_body(receive)
            if body is None:
                return receive, "The form is too large."
            fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            sent = (fields.get(CSRF_FIELD) or [""])[0]
            receive = _replay(body, receive)
        elif sent is None and content_type == "multipart/form-data":
            body = await _read_body(receive, MAX_UPLOAD_FORM_BYTES)
            if body is None:
                return receive, "The form is too large."
            found = _MULTIPART_TOKEN.search(body[:4096])
            sent = found.group(1).decode() if found else ""
            receive = _replay(body, receive)
        if fresh or not sent or not same(sent, csrf):
            return receive, "The form has expired or was sent from elsewhere. Please try again."
        return receive, None


def _actor(found: queries.Credential, via: str, session_id: int | None) -> Actor:
    return Actor(
        user_id=found.user_id,
        role=found.role,
        department_id=found.department_id,
        display_name=found.display_name,
        via=via,  # type: ignore[arg-type]  # "session" or "token" from the callers above
        session_id=session_id,
        blocked_until=found.blocked_until,
        email_verified=found.email_verified,
    )


def _own_origin(scope: Scope) -> str:
    host = header(scope, b"host") or ""
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    return f"{scheme}://{host}"


async def _read_body(receive: Receive, limit: int = MAX_FORM_BYTES) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """Hand the buffered body to the app once, then pass on the real channel (disconnects)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def _cookie(
    name: str, value: str, *, secure: bool, max_age: int | None = None
) -> tuple[bytes, bytes]:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return (b"set-cookie", "; ".join(parts).encode("latin-1"))


def session_cookie(value: str, *, secure: bool) -> tuple[bytes, bytes]:
    return _cookie(SESSION_COOKIE, value, secure=secure)


def csrf_cookie(value: str, *, secure: bool) -> tuple[bytes, bytes]:
    return _cookie(CSRF_COOKIE, value, secure=secure)
