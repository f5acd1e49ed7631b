"""Saved searches in the JSON API: list, save, delete (as on /me/searches)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.saved_searches import actions, queries
from dialog.saved_searches.models import SavedSearch
from dialog.saved_searches.present import describe, list_link
from dialog.saved_searches.schemas import SavedSearchIn, SavedSearchOut
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body


def _out(search: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(
        id=search.id,
        label=search.label,
        filters=search.filters,
        url=list_link(search.filters),
        created_at=search.created_at,
    )


async def my_searches(request: Request) -> Response:
    who = actor(request)
    user_id = actions.signed_in(who)  # 401 before anything about the body
    if request.method == "POST":
        filters = await json_body(request, SavedSearchIn)
        label = await describe(request, filters)
        async with database(request).unit_of_work() as uow:
            search, new = await actions.do_save(uow, who, filters, label)
        return respond(_out(search), status=201 if new else 200)
    async with database(request).reading() as session:
        mine = await queries.of_user(session, user_id)
    return respond([_out(s) for s in mine])


async def one_search(request: Request) -> Response:
    async with database(request).unit_of_work() as uow:
        await actions.do_delete(uow, actor(request), request.path_params["search_id"])
    return Response(status_code=204)


routes: list[BaseRoute] = [
    ApiRoute(
        "/me/saved-searches",
        my_searches,
        docs={
            "GET": Doc("Your saved searches of the Vorhabenliste", list[SavedSearchOut], auth=True),
            "POST": Doc(
                "Save the Vorhabenliste's filters: a new procedure that matches them notifies you "
                "(the same filters again: 200 with the search kept before)",
                SavedSearchOut,
                request=SavedSearchIn,
                status=201,
                also=(200,),
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/me/saved-searches/{search_id:int}",
        one_search,
        docs={"DELETE": Doc("Delete one of your saved searches", None, status=204, auth=True)},
    ),
]
