"""Cross-cutting HTTP behaviour: error pages, security headers, request ids, health, logs."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from dialog import logs
from dialog.settings import Settings
from dialog.web import errors
from dialog.web.middleware import SECURITY_HEADERS, RequestContextMiddleware
from dialog.web.templating import make_templates


async def test_unknown_pages_get_a_404_in_the_site_layout(client: httpx.AsyncClient) -> None:
    response = await client.get("/does-not-exist")
    assert response.status_code == 404
    assert '<main id="main"' in response.text and "/accessibility" in response.text


async def test_unknown_api_paths_get_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def add_crashing_routes(app: Starlette) -> None:
    """/boom and /api/v1/boom raise an error that nothing handles."""

    async def boom(request: Request) -> Response:
        raise RuntimeError("secret internals")

    app.router.routes.append(Route("/boom", boom))
    api_mount = next(r for r in app.router.routes if isinstance(r, Mount) and r.path == "/api/v1")
    api_mount.routes.append(Route("/boom", boom))


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


async def test_a_crash_shows_a_friendly_page_without_a_stack_trace(
    app: Starlette, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    add_crashing_routes(app)
    page = await client.get("/boom")
    api = await client.get("/api/v1/boom")
    assert page.status_code == api.status_code == 500
    for body in (page.text, api.text):
        assert "secret internals" not in body and "Traceback" not in body
    assert api.json()["error"]["code"] == "server_error"
    assert "secret internals" in caplog.text  # logged for the operators


@pytest.mark.parametrize("path", ["/boom", "/api/v1/boom"])
async def test_a_crash_answers_with_the_security_headers_and_the_request_id(
    app: Starlette, client: httpx.AsyncClient, path: str
) -> None:
    add_crashing_routes(app)
    response = await client.get(path, headers={"X-Request-ID": "crash42"})
    assert response.status_code == 500
    assert_security_headers(response)
    assert response.headers["x-request-id"] == "crash42"


async def test_a_crash_page_speaks_the_readers_language(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    add_crashing_routes(app)
    english = await client.get("/boom", headers={"Accept-Language": "en"})
    german = await client.get("/api/v1/boom", headers={"Accept-Language": "de"})
    assert "An unexpected error occurred" in english.text
    assert german.json()["error"]["message"].startswith("Ein unerwarteter Fehler")


class ExplodingMiddleware:
    """A middleware that fails before the app answers (as a database lookup in one might)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raise RuntimeError("secret internals")
        await self.app(scope, receive, send)


@pytest.mark.parametrize("path", ["/page", "/api/v1/page"])
async def test_an_error_raised_in_a_middleware_answers_with_the_security_headers(
    path: str,
) -> None:
    async def page(request: Request) -> Response:
        return Response("never reached")

    tiny = Starlette(
        routes=[Route("/page", page), Mount("/api/v1", routes=[Route("/page", page)])],
        middleware=[Middleware(RequestContextMiddleware), Middleware(ExplodingMiddleware)],
        exception_handlers={Exception: errors.server_error_handler},
    )
    # What error pages use: the templates, and the settings for the city's name and colour.
    tiny.state.services = SimpleNamespace(templates=make_templates(), settings=Settings())
    transport = httpx.ASGITransport(app=tiny, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(path, headers={"X-Request-ID": "mw42"})
    assert response.status_code == 500 and "secret internals" not in response.text
    assert_security_headers(response)
    assert response.headers["x-request-id"] == "mw42"
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "server_error"
    else:
        assert '<main id="main"' in response.text


async def test_every_page_carries_strict_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/procedures")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_a_request_id_is_kept_or_made(client: httpx.AsyncClient) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "abc123"})
    made = await client.get("/healthz")
    assert kept.headers["x-request-id"] == "abc123"
    assert len(made.headers["x-request-id"]) == 16


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"


async def test_the_first_visit_sets_only_the_csrf_cookie(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    cookies = response.headers.get_list("set-cookie")
    assert [c.split("=", 1)[0] for c in cookies] == ["dialog_csrf"]
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]


async def test_the_language_switch_keeps_the_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/language/en?next=/procedures%3Fphase%3Dactive")
    assert response.status_code == 303
    assert response.headers["location"] == "/procedures?phase=active"
    page = await client.get("/procedures?phase=active")
    assert '<html lang="en">' in page.text


async def test_the_language_switch_never_leaves_the_site(client: httpx.AsyncClient) -> None:
    response = await client.get("/language/en?next=//evil.example/")
    assert response.headers["location"] == "/"


def test_json_logs_carry_the_request_id() -> None:
    formatter = logs.JsonFormatter()
    token = logs.request_id.set("req42")
    try:
        record = logging.LogRecord("dialog.http", logging.INFO, __file__, 1, "GET %s", ("/",), None)
        record.status = 200
        line = json.loads(formatter.format(record))
    finally:
        logs.request_id.reset(token)
    assert line["request_id"] == "req42" and line["message"] == "GET /" and line["status"] == 200
