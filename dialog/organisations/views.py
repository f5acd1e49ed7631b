"""Organisation pages and JSON: public profiles; the office creates them and confirms members."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.errors import InvalidInput
from dialog.organisations import actions, policy, queries
from dialog.organisations.models import Organisation
from dialog.organisations.schemas import OrganisationIn, OrganisationOut
from dialog.procedures import queries as procedure_queries
from dialog.procedures.schemas import DistrictOut
from dialog.proposals import queries as proposal_queries
from dialog.proposals.labels import KINDS
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render


def organisation_out(o: Organisation) -> OrganisationOut:
    return OrganisationOut(
        slug=o.slug,
        name=o.name,
        kind=o.kind,
        districts=[DistrictOut(slug=d.slug, name=d.name) for d in o.districts],
        contact=o.contact,
        description_html=o.description_html,
        url=f"/organisations/{o.slug}",
    )


async def organisation_list(request: Request) -> Response:
    async with database(request).reading() as session:
        rows = await queries.organisations(session)
    return render(
        request,
        "organisations/list.html",
        {"items": rows, "can_manage": policy.can_manage(actor(request))},
    )


async def organisation_detail(request: Request) -> Response:
    who = actor(request)
    slug: str = request.path_params["slug"]
    async with database(request).reading() as session:
        found = actions.access_organisation(await queries.organisation(session, slug))
        context: dict[str, Any] = {
            "o": found,
            "proposals": await proposal_queries.of_organisation(session, found.id),
            "membership": await queries.membership(session, found.id, who.user_id)
            if who.user_id
            else None,
            "can_manage": policy.can_manage(who),
            "members": await queries.members(session, found.id)
            if policy.can_see_members(who)
            else [],
        }
    return render(request, "organisations/detail.html", context)


async def organisation_new(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    async with database(request).reading() as session:
        context: dict[str, Any] = {
            "districts": await procedure_queries.districts(session),
            "kinds": list(KINDS),
            "errors": {},
            "values": {},
        }
    if request.method == "POST":
        form = await form_data(request)
        if isinstance(form.get("districts"), str):
            form["districts"] = [form["districts"]]
        context["values"] = form
        try:
            data = validate(OrganisationIn, form)
            async with database(request).unit_of_work() as uow:
                created = await actions.do_create_organisation(uow, who, data)
            return RedirectResponse(f"/organisations/{created.slug}", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "organisations/form.html", context, status_code=422)
    return render(request, "organisations/form.html", context)


async def join(request: Request) -> Response:
    slug: str = request.path_params["slug"]
    async with database(request).unit_of_work() as uow:
        await actions.do_ask_to_join(uow, actor(request), slug)
    return RedirectResponse(f"/organisations/{slug}", status_code=303)


async def member(request: Request) -> Response:
    slug: str = request.path_params["slug"]
    user_id: int = request.path_params["user_id"]
    form = await form_data(request)
    async with database(request).unit_of_work() as uow:
        if form.get("action") == "remove":
            await actions.do_remove_member(uow, actor(request), slug, user_id)
        else:
            await actions.do_confirm_member(uow, actor(request), slug, user_id)
    return RedirectResponse(f"/organisations/{slug}#members", status_code=303)


routes: list[BaseRoute] = [
    Route("/organisations", organisation_list),
    Route("/organisations/new", organisation_new, methods=["GET", "POST"]),
    Route("/organisations/{slug:str}", organisation_detail),
    Route("/organisations/{slug:str}/join", join, methods=["POST"]),
    Route("/organisations/{slug:str}/members/{user_id:int}", member, methods=["POST"]),
]
