"""Saved searches in the browser: save the Vorhabenliste's filters, manage them on /me/searches."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.errors import InvalidInput, NotAuthenticated
from dialog.i18n import lazy
from dialog.procedures.schemas import ProcedureFilterFields
from dialog.saved_searches import actions, queries
from dialog.saved_searches.matching import KEPT
from dialog.saved_searches.present import describe, list_link
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render


def _user_id(request: Request) -> int:
    who = actor(request)
    if not who.authenticated or who.user_id is None:
        raise NotAuthenticated(lazy("Please sign in first."))
    return who.user_id


async def saved_searches(request: Request) -> Response:
    user_id = _user_id(request)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await form_data(request)
        raw = {key: value for key, value in form.items() if key in KEPT}
        try:
            filters = validate(ProcedureFilterFields, raw)
            label = await describe(request, filters)
            async with database(request).unit_of_work() as uow:
                await actions.do_save(uow, actor(request), filters, label)
            return RedirectResponse("/me/searches?saved=1", status_code=303)
        except InvalidInput as error:
            errors, status = error.fields, 422
    async with database(request).reading() as session:
        mine = await queries.of_user(session, user_id)
    context: dict[str, Any] = {
        "searches": [(s, list_link(s.filters)) for s in mine],
        "errors": errors,
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "saved_searches/list.html", context, status_code=status)


async def delete_search(request: Request) -> Response:
    _user_id(request)
    async with database(request).unit_of_work() as uow:
        await actions.do_delete(uow, actor(request), request.path_params["search_id"])
    return RedirectResponse("/me/searches", status_code=303)


routes: list[BaseRoute] = [
    Route("/me/searches", saved_searches, methods=["GET", "POST"]),
    Route("/me/searches/{search_id:int}/delete", delete_search, methods=["POST"]),
]
