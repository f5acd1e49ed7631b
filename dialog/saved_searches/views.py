"""Saved searches in the browser: save the Vorhabenliste's filters, manage them on /me/searches."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.errors import InvalidInput, NotAuthenticated
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.labels import initiator_label, level_label, phase_label
from dialog.procedures import queries as procedure_queries
from dialog.procedures.schemas import ProcedureFilters
from dialog.saved_searches import actions, queries
from dialog.saved_searches.matching import KEPT
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render


def _user_id(request: Request) -> int:
    who = actor(request)
    if not who.authenticated or who.user_id is None:
        raise NotAuthenticated(lazy("Please sign in first."))
    return who.user_id


def list_link(filters: dict[str, str]) -> str:
    return "/procedures?" + urlencode(filters)


async def describe(request: Request, filters: ProcedureFilters) -> str:
    """The filters in words, in the saver's language: "Phase: Active · District: Babelsberg"."""
    async with database(request).reading() as session:
        districts = {d.slug: d.name for d in await procedure_queries.districts(session)}
        departments = {d.slug: d.name for d in await procedure_queries.departments(session)}
    parts = []
    if filters.q:
        parts.append(_("Text: “%(q)s”") % {"q": filters.q})
    if filters.phase:
        parts.append(_("Phase: %(value)s") % {"value": phase_label(filters.phase)})
    if filters.district:
        name = districts.get(filters.district, filters.district)
        parts.append(_("District: %(value)s") % {"value": name})
    if filters.department:
        name = departments.get(filters.department, filters.department)
        parts.append(_("Department: %(value)s") % {"value": name})
    if filters.level:
        parts.append(_("Participation level: %(value)s") % {"value": level_label(filters.level)})
    if filters.initiator:
        value = initiator_label(filters.initiator)
        parts.append(_("Initiated by: %(value)s") % {"value": value})
    return " · ".join(parts)


async def saved_searches(request: Request) -> Response:
    user_id = _user_id(request)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await form_data(request)
        raw = {key: value for key, value in form.items() if key in KEPT}
        try:
            filters = validate(ProcedureFilters, raw)
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
