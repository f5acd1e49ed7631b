"""The toolkit page with its guide (a GET form, no JavaScript), and the office's method form."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import policy as roles
from dialog.errors import InvalidInput
from dialog.methods import actions, queries
from dialog.methods.schemas import Guide, MethodIn
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render

FIELDS = ("name", "purpose", "when_to_use", "effort", "level", "audience", "duration")


async def toolkit(request: Request) -> Response:
    raw = {k: v for k, v in request.query_params.items() if k in Guide.model_fields}
    try:
        guide = validate(Guide, raw)
    except InvalidInput:
        guide = Guide()  # a hand-edited address shows the whole toolkit
    async with database(request).reading() as session:
        context: dict[str, Any] = {
            "methods": await queries.methods(session, guide),
            "guide": guide,
            "asked": bool(raw and any(raw.values())),
            "used_by": await queries.procedures_by_method(session),
            "can_edit": roles.is_office(actor(request)),
        }
    return render(request, "procedures/methods.html", context)


async def _form(request: Request, slug: str | None) -> Response:
    who = actor(request)
    actions.check_office(who)
    values: dict[str, Any] = {"effort": "medium", "level": "consultation"}
    if slug is not None:
        async with database(request).reading() as session:
            found = actions.access_method(await queries.method(session, slug))
        values = {name: getattr(found, name) for name in FIELDS}
    context: dict[str, Any] = {"values": values, "errors": {}, "slug": slug}
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data = validate(MethodIn, form)
            async with database(request).unit_of_work() as uow:
                if slug is None:
                    saved = await actions.do_add_method(uow, who, data)
                else:
                    saved = await actions.do_change_method(uow, who, slug, data)
            return RedirectResponse(f"/methods#{saved.slug}", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "methods/form.html", context, status_code=422)
    return render(request, "methods/form.html", context)


async def method_new(request: Request) -> Response:
    return await _form(request, None)


async def method_edit(request: Request) -> Response:
    return await _form(request, request.path_params["slug"])


routes: list[BaseRoute] = [
    Route("/methods", toolkit),
    Route("/methods/new", method_new, methods=["GET", "POST"]),
    Route("/methods/{slug:str}/edit", method_edit, methods=["GET", "POST"]),
]
