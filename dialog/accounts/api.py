"""JSON routes of accounts: the profile, data export and deletion, sessions, notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.accounts import actions, policy, queries
from dialog.accounts.forms import DeleteForm
from dialog.accounts.profile import check_delete_confirmation
from dialog.db import utcnow
from dialog.errors import Forbidden, NotAuthenticated
from dialog.i18n import lazy
from dialog.notifications import queries as notification_queries
from dialog.notifications.actions import do_mark_read
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.ids import Id
from dialog.web.inputs import json_body
from dialog.web.services import services


class Profile(BaseModel):
    id: int
    email: str | None
    email_verified: bool
    display_name: str
    role: str
    department_id: int | None
    locale: str
    notify_by_mail: bool
    blocked_until: datetime | None
    created_at: datetime


class ProfileChange(BaseModel):
    display_name: str | None = Field(default=None, min_length=3, max_length=60)
    notify_by_mail: bool | None = None
    locale: Literal["de", "en"] | None = None  # the language of mails


class SessionOut(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    current: bool


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class ReadBody(BaseModel):
    ids: list[Id] = Field(max_length=500)


class Extended(BaseModel):
    expires_at: datetime
    expires_in: int


class Deletion(BaseModel):
    password: str = Field(default="", max_length=200)
    confirm: str = Field(default="", max_length=40)
    comments: Literal["keep", "remove"] = "keep"


class Export(BaseModel):
    model_config = {"extra": "allow"}
    exported_at: str
    profile: dict[str, Any]
    comments: list[dict[str, Any]]
    votes: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    consents: list[dict[str, Any]]


def _user_id(request: Request) -> int:
    who = actor(request)
    if who.user_id is None:
        raise NotAuthenticated(lazy("Please sign in."))
    return who.user_id


async def me(request: Request) -> Response:
    user_id = _user_id(request)
    if request.method == "PATCH":
        change = await json_body(request, ProfileChange)
        async with database(request).unit_of_work() as uow:
            user = await queries.user_by_id(uow.session, user_id)
            assert user is not None
            if change.display_name is not None:
                await actions.do_change_display_name(
                    uow, services(request).personal_data, user, change.display_name.strip()
                )
            await actions.do_set_preferences(
                uow, user, notify_by_mail=change.notify_by_mail, locale=change.locale
            )
    if request.method == "DELETE":
        body = await json_body(request, Deletion)
        async with database(request).unit_of_work() as uow:
            user = await queries.user_by_id(uow.session, user_id)
            assert user is not None
            check_delete_confirmation(user, DeleteForm(**body.model_dump()))
            await actions.do_delete_account(
                uow,
                services(request).personal_data,
                user,
                remove_comments=body.comments == "remove",
            )
        return Response(status_code=204)
    async with database(request).reading() as session:
        user = await queries.user_by_id(session, user_id)
    assert user is not None
    return respond(
        Profile(
            id=user.id,
            email=user.email,
            email_verified=user.email_verified_at is not None,
            display_name=user.display_name,
            role=user.role,
            department_id=user.department_id,
            locale=user.locale,
            notify_by_mail=user.notify_by_mail,
            blocked_until=user.blocked_until,
            created_at=user.created_at,
        )
    )


async def export(request: Request) -> Response:
    user_id = _user_id(request)
    async with database(request).reading() as session:
        user = await queries.user_by_id(session, user_id)
        assert user is not None
        data = await queries.export_data(session, user, services(request).personal_data)
    return respond(data)


async def sessions(request: Request) -> Response:
    user_id = _user_id(request)
    current = actor(request).session_id
    async with database(request).reading() as session:
        found = await queries.sessions_of(session, user_id)
    return respond(
        [
            SessionOut(
                id=s.id,
                created_at=s.created_at,
                last_seen_at=s.last_seen_at,
                user_agent=s.user_agent,
                current=s.id == current,
            )
            for s in found
        ]
    )


async def end_session(request: Request) -> Response:
    user_id = _user_id(request)
    async with database(request).unit_of_work() as uow:
        await actions.do_revoke_session(uow, user_id, int(request.path_params["session_id"]))
    return Response(status_code=204)


async def tokens(request: Request) -> Response:
    user_id = _user_id(request)
    async with database(request).reading() as session:
        found = await queries.tokens_of(session, user_id)
    return respond(
        [
            TokenOut(id=t.id, name=t.name, created_at=t.created_at, last_used_at=t.last_used_at)
            for t in found
        ]
    )


async def revoke_token(request: Request) -> Response:
    user_id = _user_id(request)
    async with database(request).unit_of_work() as uow:
        await actions.do_revoke_token(uow, user_id, int(request.path_params["token_id"]))
    return Response(status_code=204)


async def notifications(request: Request) -> Response:
    user_id = _user_id(request)
    async with database(request).reading() as session:
        found = await notification_queries.for_user(session, user_id)
    return respond(
        [
            NotificationOut(
                id=n.id,
                kind=n.kind,
                title=n.title,
                body=n.body,
                url=n.url,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n in found
        ]
    )


async def mark_read(request: Request) -> Response:
    user_id = _user_id(request)
    body = await json_body(request, ReadBody)
    async with database(request).unit_of_work() as uow:
        await do_mark_read(uow, user_id, body.ids)
    return Response(status_code=204)


async def extend_session(request: Request) -> Response:
    who = actor(request)
    _user_id(request)
    if not policy.can_extend_session(who) or who.session_id is None:
        raise Forbidden(lazy("Only a browser session can be extended."))
    async with database(request).unit_of_work() as uow:
        until = await actions.do_extend_session(uow, who.session_id)
    remaining = int((until - utcnow()).total_seconds())
    return respond(Extended(expires_at=until, expires_in=max(0, remaining)))


routes: list[BaseRoute] = [
    ApiRoute(
        "/me",
        me,
        docs={
            "GET": Doc("Your profile", Profile, auth=True),
            "PATCH": Doc(
                "Change display name, mail preference or language of mails",
                Profile,
                request=ProfileChange,
                auth=True,
            ),
            "DELETE": Doc(
                "Delete your account (personal data erased; comments kept under "
                '"deleted account" or removed)',
                None,
                request=Deletion,
                status=204,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/me/export",
        export,
        docs={"GET": Doc("All data stored about you, as JSON", Export, auth=True)},
    ),
    ApiRoute(
        "/me/sessions",
        sessions,
        docs={"GET": Doc("Your active sign-in sessions", list[SessionOut], auth=True)},
    ),
    ApiRoute(
        "/me/sessions/{session_id:int}",
        end_session,
        docs={"DELETE": Doc("End one of your sessions", None, status=204, auth=True)},
    ),
    ApiRoute(
        "/me/tokens",
        tokens,
        docs={"GET": Doc("Your API tokens (never the token itself)", list[TokenOut], auth=True)},
    ),
    ApiRoute(
        "/me/tokens/{token_id:int}",
        revoke_token,
        docs={"DELETE": Doc("Revoke one of your API tokens", None, status=204, auth=True)},
    ),
    ApiRoute(
        "/me/notifications",
        notifications,
        docs={"GET": Doc("Your notifications, newest first", list[NotificationOut], auth=True)},
    ),
    ApiRoute(
        "/me/notifications/read",
        mark_read,
        docs={
            "POST": Doc("Mark notifications as read", None, request=ReadBody, status=204, auth=True)
        },
    ),
    ApiRoute(
        "/session/extend",
        extend_session,
        docs={"POST": Doc("Reset the idle clock of this browser session", Extended, auth=True)},
    ),
]
