"""Errors as JSON under /api, as pages in the site's layout elsewhere; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from dialog.errors import DomainError, NotFound, TooManyRequests
from dialog.i18n import gettext as _

log = logging.getLogger("dialog.errors")

TITLES = {
    400: "The request could not be understood",
    401: "Please sign in",
    403: "Access denied",
    404: "Page not found",
    405: "Not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Please check your input",
    429: "Too many requests",
    500: "Something went wrong",
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
    if isinstance(error, TooManyRequests):
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
    error = DomainError(TITLES.get(exc.status_code, "Error"))
    error.status = exc.status_code
    error.code = {404: NotFound.code, 405: "method_not_allowed"}.get(exc.status_code, "error")
    return error_response(request, error)


async def server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    error = DomainError("An unexpected error occurred. It has been logged; please try again later.")
    error.status = 500
    error.code = "server_error"
    try:
        return error_response(request, error)
    except Exception:  # the error page itself failed: answer plainly, still without a trace
        return Response("500 Internal Server Error", status_code=500, media_type="text/plain")
