"""Sign in (password or the city's single sign-on), sign out, register, verify, reset."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import actions, admin, mails, oidc, profile, queries
from dialog.accounts.forms import EmailForm, NewPasswordForm, RegisterForm
from dialog.accounts.passwords import verify_password
from dialog.accounts.web import client_ip, notice, safe_next, signed_in_redirect, signed_out
from dialog.errors import InvalidInput
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render


class LoginForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    next: str = ""


WRONG_LOGIN = lazy("E-mail or password is wrong.")


def templates_env(request: Request) -> Environment:
    env: Environment = services(request).templates.env
    return env


async def login(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    context: dict[str, Any] = {
        "errors": {},
        "values": {},
        "next": target,
        "oidc": services(request).settings.oidc_enabled,
    }
    if request.method == "GET":
        return render(request, "accounts/login.html", context)
    form = await form_data(request)
    context["values"] = {"email": form.get("email", "")}
    context["next"] = target = safe_next(form.get("next"))
    limiter = services(request).limiter
    keys = (f"ip:{client_ip(request)}", f"account:{str(form.get('email', '')).lower()[:254]}")
    # Refuse before checking the password, and count only failures: an office behind one
    # address can still sign in, but guessing stops after five tries a minute.
    for key in keys:
        await limiter.check("login", key)
    try:
        data = validate(LoginForm, form)
        async with database(request).unit_of_work() as uow:
            user = await queries.user_by_email(uow.session, data.email)
            if not verify_password(user.password_hash if user else None, data.password) or not user:
                raise InvalidInput(WRONG_LOGIN, {"password": WRONG_LOGIN})
            previous = actor(request).session_id
            if previous is not None:
                await actions.do_end_session(uow, previous)
            token = await actions.do_start_session(uow, user, request.headers.get("user-agent", ""))
    except InvalidInput as error:
        for key in keys:
            await limiter.hit("login", key)
        context["errors"] = {k: _(v) for k, v in error.fields.items()}
        return render(request, "accounts/login.html", context, status_code=422)
    return signed_in_redirect(request, token, target)


async def logout(request: Request) -> Response:
    who = actor(request)
    if who.session_id is not None:
        async with database(request).unit_of_work() as uow:
            await actions.do_end_session(uow, who.session_id)
    return signed_out(request)


async def register(request: Request) -> Response:
    context: dict[str, Any] = {"errors": {}, "values": {}}
    if request.method == "GET":
        return render(request, "accounts/register.html", context)
    form = await form_data(request)
    context["values"] = {k: form.get(k, "") for k in ("email", "display_name")}
    await services(request).limiter.hit("register", f"ip:{client_ip(request)}")
    settings = services(request).settings
    try:
        data = validate(RegisterForm, form)
        async with database(request).unit_of_work() as uow:
            done = await actions.do_register(
                uow,
                email=str(data.email),
                password=data.password,
                display_name=data.display_name,
                locale=request.scope["state"].get("locale", "de"),
            )
            await mails.queue_registration(uow, settings, templates_env(request), done)
    except InvalidInput as error:
        context["errors"] = {k: _(v) for k, v in error.fields.items()}
        return render(request, "accounts/register.html", context, status_code=422)
    return notice(
        request,
        _("Please check your mail"),
        _("We sent a link to %(email)s. Open it within 24 hours to confirm your address.")
        % {"email": str(data.email)},
    )


async def verify(request: Request) -> Response:
    try:
        async with database(request).unit_of_work() as uow:
            await actions.do_verify_email(uow, request.query_params.get("token", ""))
    except InvalidInput as error:
        return notice(request, _("The link does not work"), _(error.message), 400)
    return notice(
        request, _("E-mail address confirmed"), _("Thank you. Your e-mail address is confirmed.")
    )


async def confirm_email(request: Request) -> Response:
    try:
        async with database(request).unit_of_work() as uow:
            await actions.do_confirm_email_change(uow, request.query_params.get("token", ""))
    except InvalidInput as error:
        message = next(iter(error.fields.values()), error.message)
        return notice(request, _("The link does not work"), _(message), 400)
    return notice(
        request, _("E-mail address changed"), _("Your account now uses the new e-mail address.")
    )


async def reset_request(request: Request) -> Response:
    context: dict[str, Any] = {"errors": {}, "values": {}}
    if request.method == "GET":
        return render(request, "accounts/reset_request.html", context)
    form = await form_data(request)
    context["values"] = {"email": form.get("email", "")}
    limiter = services(request).limiter
    await limiter.hit("password-reset", f"ip:{client_ip(request)}")
    await limiter.hit("password-reset", f"account:{str(form.get('email', '')).lower()[:254]}")
    try:
        data = validate(EmailForm, form)
    except InvalidInput as error:
        context["errors"] = {k: _(v) for k, v in error.fields.items()}
        return render(request, "accounts/reset_request.html", context, status_code=422)
    settings = services(request).settings
    async with database(request).unit_of_work() as uow:
        user = await queries.user_by_email(uow.session, str(data.email))
        if user is not None and not user.is_deleted:
            token = await actions.do_issue_link(uow, user, "reset")
            link = f"{settings.base_url}/password/reset/confirm?token={token}"
            await mails.queue(uow, settings, templates_env(request), "reset", user, link=link)
    # The same answer whether or not the account exists.
    return notice(
        request,
        _("Please check your mail"),
        _(
            "If an account uses this address, we sent it a link to choose a new password. "
            "The link is valid for 6 hours."
        ),
    )


async def reset_confirm(request: Request) -> Response:
    token = request.query_params.get("token", "")
    context: dict[str, Any] = {"errors": {}, "token": token}
    if request.method == "GET":
        return render(request, "accounts/reset_confirm.html", context)
    form = await form_data(request)
    context["token"] = form.get("token", "")
    try:
        data = validate(NewPasswordForm, form)
        async with database(request).unit_of_work() as uow:
            await actions.do_reset_password(uow, data.token, data.password)
    except InvalidInput as error:
        context["errors"] = {k: _(v) for k, v in error.fields.items()}
        return render(request, "accounts/reset_confirm.html", context, status_code=422)
    return notice(
        request,
        _("Password changed"),
        _("Your new password is set. Please sign in with it."),
    )


routes: list[BaseRoute] = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/register", register, methods=["GET", "POST"]),
    Route("/verify", verify, methods=["GET"]),
    Route("/email/confirm", confirm_email, methods=["GET"]),
    Route("/password/reset", reset_request, methods=["GET", "POST"]),
    Route("/password/reset/confirm", reset_confirm, methods=["GET", "POST"]),
    *oidc.routes,
    *profile.routes,
    *admin.routes,
]
