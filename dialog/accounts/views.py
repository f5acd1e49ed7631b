"""Sign in with a password, sign out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import actions, queries
from dialog.accounts.middleware import csrf_cookie, session_cookie
from dialog.accounts.passwords import verify_password
from dialog.accounts.secrets import new_token
from dialog.errors import InvalidInput
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render


class LoginForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    next: str = ""


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def login(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    context: dict[str, Any] = {"errors": {}, "values": {}, "next": target}
    if request.method == "GET":
        return render(request, "accounts/login.html", context)
    form = await form_data(request)
    context["values"] = {"email": form.get("email", "")}
    context["next"] = target = safe_next(form.get("next"))
    try:
        data = validate(LoginForm, form)
        async with database(request).unit_of_work() as uow:
            user = await queries.user_by_email(uow.session, data.email)
            if not verify_password(user.password_hash if user else None, data.password) or not user:
                raise InvalidInput(
                    lazy("E-mail or password is wrong."),
                    {"password": lazy("E-mail or password is wrong.")},
                )
            previous = actor(request).session_id
            if previous is not None:
                await actions.do_end_session(uow, previous)
            token = await actions.do_start_session(uow, user, request.headers.get("user-agent", ""))
    except InvalidInput as error:
        context["errors"] = {k: _(v) for k, v in error.fields.items()}
        return render(request, "accounts/login.html", context, status_code=422)
    return signed_in_redirect(request, token, target)


def signed_in_redirect(request: Request, session_token: str, target: str) -> Response:
    """Set the new session cookie and a fresh CSRF token: both rotate at every login."""
    response = RedirectResponse(target, status_code=303)
    secure = request.app.state.settings.base_url.startswith("https://")
    for name, value in (
        session_cookie(session_token, secure=secure),
        csrf_cookie(new_token(), secure=secure),
    ):
        response.raw_headers.append((name, value))
    request.scope["state"]["csrf_cookie_set"] = True
    request.scope["state"]["session_cookie_set"] = True
    return response


async def logout(request: Request) -> Response:
    who = actor(request)
    if who.session_id is not None:
        async with database(request).unit_of_work() as uow:
            await actions.do_end_session(uow, who.session_id)
    response = RedirectResponse("/", status_code=303)
    secure = request.app.state.settings.base_url.startswith("https://")
    name, value = session_cookie("", secure=secure)
    response.raw_headers.append((name, value + b"; Max-Age=0"))
    request.scope["state"]["session_cookie_set"] = True
    return response


routes: list[BaseRoute] = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
