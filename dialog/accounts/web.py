"""Helpers shared by the account pages: redirects that set or clear the session cookie."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dialog.accounts.middleware import csrf_cookie, session_cookie
from dialog.accounts.secrets import new_token
from dialog.web.services import services
from dialog.web.templating import render


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def signed_in_redirect(request: Request, session_token: str, target: str) -> Response:
    """Set the new session cookie and a fresh CSRF token: both rotate at every login."""
    response = RedirectResponse(target, status_code=303)
    secure = services(request).settings.base_url.startswith("https://")
    for name, value in (
        session_cookie(session_token, secure=secure),
        csrf_cookie(new_token(), secure=secure),
    ):
        response.raw_headers.append((name, value))
    request.scope["state"]["csrf_cookie_set"] = True
    request.scope["state"]["session_cookie_set"] = True
    return response


def signed_out(request: Request, target: str = "/") -> Response:
    response = RedirectResponse(target, status_code=303)
    secure = services(request).settings.base_url.startswith("https://")
    name, value = session_cookie("", secure=secure)
    response.raw_headers.append((name, value + b"; Max-Age=0"))
    request.scope["state"]["session_cookie_set"] = True
    return response


def notice(request: Request, title: str, message: str, status_code: int = 200) -> Response:
    return render(
        request, "accounts/notice.html", {"title": title, "message": message}, status_code
    )
