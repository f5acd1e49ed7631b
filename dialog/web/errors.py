"""Errors as JSON under /api, as pages in the site's layout elsewhere; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from dialog import unreachable
from dialog.errors import DomainError, NotFound, ServiceUnavailable, TooManyRequests
from dialog.i18n import gettext as _
from dialog.i18n import lazy

log = logging.getLogger("dialog.errors")

TITLES = {
    400: lazy("The request could not be understood"),
    401: lazy("Please sign in"),
    403: lazy("Access denied"),
    404: lazy("Page not found"),
    405: lazy("Not allowed"),
    409: lazy("Conflict"),
    413: lazy("Too large"),
    422: lazy("Please check your input"),
    429: lazy("Too many requests"),
    500: lazy("Something went wrong"),
    503: lazy("Temporarily unavailable"),
}


def is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


def error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": _(error.message)}
    if error.fields:
        body["fields"] = {name: _(text) for name, text in error.fields.items()}
    return {"error": body}


def error_response(request: Request, error: DomainError) -> Response:
    headers = {}
    if isinstance(error, (TooManyRequests, ServiceUnavailable)):
        headers["Retry-After"] = str(error.retry_after)
    if is_api(request.scope):
        return JSONResponse(error_body(error), status_code=error.status, headers=headers)
    from dialog.web.templating import render

    response = render(
        request,
        "error.html",
        {
            "status": error.status,
            "title": _(TITLES.get(error.status, TITLES[400])),
            "message": _(error.message),
        },
        status_code=error.status,
    )
    response.headers.update(headers)
    return response


async def send_error(scope: Scope, receive: Receive, send: Send, error: DomainError) -> None:
    await error_response(Request(scope, receive), error)(scope, receive, send)


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_response(request, exc)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error = DomainError(TITLES.get(exc.status_code, TITLES[400]))
    error.status = exc.status_code
    error.code = {404: NotFound.code, 405: "method_not_allowed"}.get(exc.status_code, "error")
    response = error_response(request, error)
    if exc.headers:  # a 405 names the methods the resource allows (Allow, RFC 9110)
        response.headers.update(exc.headers)
    return response


async def server_error_handler(request: Request, exc: Exception) -> Response:
    return unexpected_error_response(request, exc)


def database_outage(scope: Scope, exc: BaseException) -> bool:
    """Whether the app's database is out of reach (then noted: logged once per outage)."""
    app = scope.get("app")
    found = getattr(app.state, "services", None) if app is not None else None
    db = getattr(found, "db", None)  # the error path must not fail for want of a service
    return db is not None and unreachable.watch(db).noted(exc)


def unexpected_error_response(request: Request, exc: BaseException) -> Response:
    """An exception nothing else handled: 503 with Retry-After when the database is out of
    reach (logged once per outage), else 500 with the traceback in the log."""
    if database_outage(request.scope, exc):
        error: DomainError = ServiceUnavailable(
            lazy("The service is temporarily unavailable. Please try again in a moment."),
            unreachable.RETRY_AFTER_SECONDS,
        )
    else:
        log.error("unhandled error", exc_info=exc)
        error = DomainError(
            "An unexpected error occurred. It has been logged; please try again later."
        )
        error.status = 500
        error.code = "server_error"
    try:
        return error_response(request, error)
    except Exception:  # the error page itself failed: answer plainly, still without a trace
        log.exception("the error page failed")
        retry = isinstance(error, ServiceUnavailable)
        return Response(
            f"{error.status} {TITLES[error.status]}",
            status_code=error.status,
            media_type="text/plain",
            headers={"Retry-After": str(unreachable.RETRY_AFTER_SECONDS)} if retry else None,
        )
