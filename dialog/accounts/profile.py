"""/me: profile, e-mail, password, notifications, sessions and tokens, export, deletion."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import actions, mails, queries
from dialog.accounts.forms import (
    ChangePasswordForm,
    DeleteForm,
    DisplayNameForm,
    EmailForm,
    PreferencesForm,
)
from dialog.accounts.models import User
from dialog.accounts.passwords import verify_password
from dialog.accounts.web import signed_out
from dialog.db import UnitOfWork
from dialog.errors import InvalidInput, NotAuthenticated
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.notifications import queries as notification_queries
from dialog.notifications.actions import do_mark_read
from dialog.web.api import actor, database
from dialog.web.ids import parse_id
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render

SIGN_IN_FIRST = lazy("Please sign in to see your account.")
CONFIRM_WORDS = ("delete", "löschen")


def signed_in_id(request: Request) -> int:
    who = actor(request)
    if who.user_id is None:
        raise NotAuthenticated(SIGN_IN_FIRST)
    return who.user_id


async def me(request: Request) -> Response:
    return await _page(request, {}, status_code=200)


async def _page(
    request: Request, errors: dict[str, str], status_code: int, **extra: Any
) -> Response:
    user_id = signed_in_id(request)
    async with database(request).reading() as session:
        user = await queries.user_by_id(session, user_id)
        assert user is not None
        context = {
            "user": user,
            "errors": errors,
            "sessions": await queries.sessions_of(session, user_id),
            "tokens": await queries.tokens_of(session, user_id),
            "pending_email": await queries.pending_email(session, user_id),
            "notifications": await notification_queries.for_user(session, user_id),
            "unread": await notification_queries.unread_count(session, user_id),
            "done": request.query_params.get("done", ""),
            **extra,
        }
    return render(request, "accounts/me.html", context, status_code=status_code)


Change = Callable[[Request, UnitOfWork, User, dict[str, Any]], Awaitable[str | None]]


def profile_change(change: Change) -> Callable[[Request], Awaitable[Response]]:
    """One /me form: run the change in a unit of work, then back to /me (or errors beside it)."""

    async def endpoint(request: Request) -> Response:
        user_id = signed_in_id(request)
        form = await form_data(request)
        try:
            async with database(request).unit_of_work() as uow:
                user = await queries.user_by_id(uow.session, user_id)
                assert user is not None
                done = await change(request, uow, user, form)
        except InvalidInput as error:
            return await _page(request, {k: _(v) for k, v in error.fields.items()}, 422)
        return RedirectResponse(f"/me?done={done or 'saved'}", status_code=303)

    return endpoint


async def _display_name(request: Request, uow: UnitOfWork, user: User, form: dict[str, Any]) -> str:
    data = validate(DisplayNameForm, form)
    await actions.do_change_display_name(
        uow, services(request).personal_data, user, data.display_name
    )
    return "saved"


async def _email(request: Request, uow: UnitOfWork, user: User, form: dict[str, Any]) -> str:
    data = validate(EmailForm, form)
    change = await actions.do_request_email_change(uow, user, str(data.email))
    settings = services(request).settings
    env = services(request).templates.env
    if change.token is not None:
        link = f"{settings.base_url}/email/confirm?token={change.token}"
        await mails.queue(uow, settings, env, "email", user, to=str(data.email), link=link)
    elif change.owner is not None and change.owner.id != user.id:
        login, reset = f"{settings.base_url}/login", f"{settings.base_url}/password/reset"
        await mails.queue(uow, settings, env, "email_taken", change.owner, login=login, reset=reset)
    return "email"


async def _password(request: Request, uow: UnitOfWork, user: User, form: dict[str, Any]) -> str:
    data = validate(ChangePasswordForm, form)
    await actions.do_change_password(
        uow, user, data.current_password, data.new_password, actor(request).session_id
    )
    return "password"


async def _preferences(request: Request, uow: UnitOfWork, user: User, form: dict[str, Any]) -> str:
    data = validate(PreferencesForm, form)
    await actions.do_set_preferences(
        uow, user, notify_by_mail=data.notify_by_mail in (True, "on"), locale=data.locale
    )
    return "saved"


async def _read(request: Request, uow: UnitOfWork, user: User, form: dict[str, Any]) -> str:
    raw = form.get("ids", [])
    ids = [parse_id(str(v), "ids") for v in ([raw] if isinstance(raw, str) else raw)]
    if form.get("all"):
        ids = [n.id for n in await notification_queries.for_user(uow.session, user.id, 500)]
    await do_mark_read(uow, user.id, ids)
    return "read"


async def new_token(request: Request) -> Response:
    user_id = signed_in_id(request)
    form = await form_data(request)
    async with database(request).unit_of_work() as uow:
        user = await queries.user_by_id(uow.session, user_id)
        assert user is not None
        token = await actions.do_add_token(uow, user, str(form.get("name", "")).strip()[:100])
    # Shown once, on this response only; the database keeps its hash.
    return await _page(request, {}, 201, new_token=token)


async def revoke_session(request: Request) -> Response:
    user_id = signed_in_id(request)
    session_id = int(request.path_params["session_id"])
    async with database(request).unit_of_work() as uow:
        await actions.do_revoke_session(uow, user_id, session_id)
    if session_id == actor(request).session_id:
        return signed_out(request)
    return RedirectResponse("/me?done=revoked", status_code=303)


async def revoke_token(request: Request) -> Response:
    user_id = signed_in_id(request)
    async with database(request).unit_of_work() as uow:
        await actions.do_revoke_token(uow, user_id, int(request.path_params["token_id"]))
    return RedirectResponse("/me?done=revoked", status_code=303)


async def export(request: Request) -> Response:
    user_id = signed_in_id(request)
    async with database(request).reading() as session:
        user = await queries.user_by_id(session, user_id)
        assert user is not None
        data = await queries.export_data(session, user, services(request).personal_data)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="dialog-my-data.json"'},
    )


def check_delete_confirmation(user: User, data: DeleteForm) -> None:
    """Confirm with the password; accounts without one (single sign-on) type the word."""
    if user.password_hash:
        if not verify_password(user.password_hash, data.password):
            message = lazy("The password is not correct.")
            raise InvalidInput(message, {"password": message})
    elif data.confirm.strip().lower() not in CONFIRM_WORDS:
        message = lazy("Please type the word shown to confirm.")
        raise InvalidInput(message, {"confirm": message})


async def delete_page(request: Request) -> Response:
    user_id = signed_in_id(request)
    errors: dict[str, str] = {}
    async with database(request).reading() as session:
        user = await queries.user_by_id(session, user_id)
    assert user is not None
    if request.method == "POST":
        form = await form_data(request)
        try:
            data = validate(DeleteForm, form)
            async with database(request).unit_of_work() as uow:
                target = await queries.user_by_id(uow.session, user_id)
                assert target is not None
                check_delete_confirmation(target, data)
                await actions.do_delete_account(
                    uow,
                    services(request).personal_data,
                    target,
                    remove_comments=data.comments == "remove",
                )
        except InvalidInput as error:
            errors = {k: _(v) for k, v in error.fields.items()}
        else:
            return signed_out(request, "/?deleted=1")
    return render(
        request,
        "accounts/delete.html",
        {"user": user, "errors": errors},
        status_code=422 if errors else 200,
    )


routes: list[BaseRoute] = [
    Route("/me", me, methods=["GET"]),
    Route("/me/display-name", profile_change(_display_name), methods=["POST"]),
    Route("/me/email", profile_change(_email), methods=["POST"]),
    Route("/me/password", profile_change(_password), methods=["POST"]),
    Route("/me/preferences", profile_change(_preferences), methods=["POST"]),
    Route("/me/notifications/read", profile_change(_read), methods=["POST"]),
    Route("/me/tokens", new_token, methods=["POST"]),
    Route("/me/tokens/{token_id:int}/revoke", revoke_token, methods=["POST"]),
    Route("/me/sessions/{session_id:int}/revoke", revoke_session, methods=["POST"]),
    Route("/me/export", export, methods=["GET"]),
    Route("/me/delete", delete_page, methods=["GET", "POST"]),
]
