"""JSON routes of the methods toolkit: everyone reads it; the participation office adds and
changes methods (the same actions as the office's form, dialog.methods.views)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.methods import actions, queries
from dialog.methods.schemas import MethodIn
from dialog.procedures.api import list_methods
from dialog.procedures.models import Method
from dialog.procedures.schemas import MethodOut
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body


def method_out(m: Method) -> MethodOut:
    return MethodOut(
        slug=m.slug,
        name=m.name,
        purpose=m.purpose,
        when_to_use=m.when_to_use,
        effort=m.effort,
        level=m.level,
    )


async def methods(request: Request) -> Response:
    if request.method == "GET":
        return await list_methods(request)
    who = actor(request)
    actions.check_office(who)
    data = await json_body(request, MethodIn)
    async with database(request).unit_of_work() as uow:
        created = await actions.do_add_method(uow, who, data)
        return respond(method_out(created), status=201)


async def method(request: Request) -> Response:
    slug: str = request.path_params["slug"]
    if request.method == "GET":
        async with database(request).reading() as session:
            return respond(method_out(actions.access_method(await queries.method(session, slug))))
    who = actor(request)
    actions.check_office(who)
    data = await json_body(request, MethodIn)
    async with database(request).unit_of_work() as uow:
        return respond(method_out(await actions.do_change_method(uow, who, slug, data)))


routes: list[BaseRoute] = [
    ApiRoute(
        "/methods",
        methods,
        docs={
            "GET": Doc("The participation methods toolkit", list[MethodOut]),
            "POST": Doc(
                "Add a method to the toolkit (the office)",
                MethodOut,
                request=MethodIn,
                status=201,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/methods/{slug:str}",
        method,
        docs={
            "GET": Doc("One method of the toolkit", MethodOut),
            "PUT": Doc("Change a method (the office)", MethodOut, request=MethodIn, auth=True),
        },
    ),
]
