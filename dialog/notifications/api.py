"""JSON routes of notifications: follows, unread count, mark all read, mail choices."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.notifications import actions, follows, queries, service
from dialog.notifications.schemas import (
    FollowOut,
    FollowState,
    PreferencesIn,
    PreferencesOut,
    UnreadOut,
)
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body


async def my_follows(request: Request) -> Response:
    user_id = service.signed_in(actor(request))
    async with database(request).reading() as session:
        found = await follows.follows_of(session, user_id)
    return respond(
        [
            FollowOut(kind=f.kind, id=f.id, title=f.title, url=f.url, automatic=f.automatic)
            for f in found
        ]
    )


async def one_follow(request: Request) -> Response:
    who = actor(request)
    service.signed_in(who)
    wanted = service.target(request.path_params["kind"], request.path_params["target_id"])
    if request.method == "GET":
        following = await service.is_following(database(request), who, wanted)
    else:
        following = request.method == "PUT"
        await service.set_following(database(request), who, wanted, following)
    return respond(FollowState(kind=wanted.kind, id=wanted.id, following=following))


async def unread(request: Request) -> Response:
    user_id = service.signed_in(actor(request))
    async with database(request).reading() as session:
        since = await queries.latest_event_id(session)
        count = await queries.unread_count(session, user_id)
    return respond(UnreadOut(unread=count, since=since))


async def read_all(request: Request) -> Response:
    user_id = service.signed_in(actor(request))
    async with database(request).unit_of_work() as uow:
        await actions.do_mark_all_read(uow, user_id)
    return Response(status_code=204)


async def preferences(request: Request) -> Response:
    who = actor(request)
    if request.method == "PUT":
        service.signed_in(who)
        body = await json_body(request, PreferencesIn)
        chosen = {k: v for k, v in body.model_dump().items() if v is not None}
        await service.set_preferences(database(request), who, chosen)
    return respond(await service.preferences(database(request), who))


routes: list[BaseRoute] = [
    ApiRoute(
        "/me/follows",
        my_follows,
        docs={"GET": Doc("What you follow", list[FollowOut], auth=True)},
    ),
    ApiRoute(
        "/me/follows/{kind:str}/{target_id:int}",
        one_follow,
        docs={
            "GET": Doc("Whether you follow it", FollowState, auth=True),
            "PUT": Doc(
                "Follow a procedure, thread, district, department or proposal",
                FollowState,
                auth=True,
            ),
            "DELETE": Doc("Stop following it", FollowState, auth=True),
        },
    ),
    ApiRoute(
        "/me/notifications/unread",
        unread,
        docs={"GET": Doc("How many of your notifications are unread", UnreadOut, auth=True)},
    ),
    ApiRoute(
        "/me/notifications/read-all",
        read_all,
        docs={"POST": Doc("Mark all your notifications as read", None, status=204, auth=True)},
    ),
    ApiRoute(
        "/me/notification-preferences",
        preferences,
        docs={
            "GET": Doc("How you hear of each kind of notification", PreferencesOut, auth=True),
            "PUT": Doc(
                "Choose per kind: now (mail after a short hold-back), daily, weekly or off",
                PreferencesOut,
                request=PreferencesIn,
                auth=True,
            ),
        },
    ),
]
