"""HTML pages for proposals: the list, the form, a proposal with its support and decisions."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import policy as roles
from dialog.errors import Conflict, InvalidInput
from dialog.i18n import gettext as _
from dialog.live import queries as live_queries
from dialog.notifications.follows import Target, is_following
from dialog.organisations import queries as organisation_queries
from dialog.procedures import queries as procedure_queries
from dialog.proposals import actions, policy, queries
from dialog.proposals.labels import STATES
from dialog.proposals.schemas import ProposalDecisionIn, ProposalFilters, ProposalIn, StatementIn
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render


async def proposal_list(request: Request) -> Response:
    raw = {k: v for k, v in request.query_params.items() if k in ProposalFilters.model_fields}
    try:
        filters = validate(ProposalFilters, raw)
    except InvalidInput:
        filters = ProposalFilters()  # a hand-edited address falls back to the full list
    who = actor(request)
    async with database(request).reading() as session:
        items, total = await queries.list_proposals(session, filters)
        context: dict[str, Any] = {
            "filters": filters,
            "items": items,
            "total": total,
            "names": await queries.proposers(session, items),
            "pages": max(1, math.ceil(total / filters.per_page)),
            "districts": await procedure_queries.districts(session),
            "states": [s for s in STATES if policy.is_public(s)],
            "mine": await queries.of_author(session, who.user_id) if who.user_id else [],
        }

    def query_for(page: int) -> str:
        kept = filters.model_dump(exclude_defaults=True, exclude={"page"})
        return urlencode({**kept, "page": page})

    context["query_for"] = query_for
    return render(request, "proposals/list.html", context)


async def proposal_new(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    async with database(request).reading() as session:
        context: dict[str, Any] = {
            "districts": await procedure_queries.districts(session),
            "departments": await procedure_queries.departments(session),
            "organisations": await organisation_queries.confirmed_of(session, who.user_id),
            "errors": {},
            "values": {},
        }
    if request.method == "POST":
        form = await form_data(request)
        if isinstance(form.get("districts"), str):
            form["districts"] = [form["districts"]]
        context["values"] = form
        try:
            data = validate(ProposalIn, form)
            async with database(request).unit_of_work() as uow:
                created = await actions.do_create_proposal(uow, who, data)
            return RedirectResponse(f"/proposals/{created.id}", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "proposals/form.html", context, status_code=422)
    return render(request, "proposals/form.html", context)


async def _detail(
    request: Request, proposal_id: int, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    who = actor(request)
    async with database(request).reading() as session:
        found = actions.access_readable(who, await queries.proposal(session, proposal_id))
        names = await queries.proposers(session, [found])
        context: dict[str, Any] = {
            "p": found,
            "proposer": names[found.id],
            "supported": await queries.supports(session, found.id, who.user_id),
            "can_support": policy.can_support(who, found.state),
            "can_decide": policy.can_decide(who),
            "can_state": policy.can_state(who, found.department_id, found.state),
            "departments": await procedure_queries.departments(session),
            "errors": errors or {},
            "actions": [a for a in policy.DECISIONS if policy.next_state(a, found.state)],
            "since": await live_queries.latest_event_id(session),
            "default_threshold": services(request).settings.proposal_threshold,
            "default_days": services(request).settings.proposal_days,
            "following": who.user_id is not None
            and await is_following(session, who.user_id, Target("proposal", found.id)),
            "followable": policy.is_public(found.state),
        }
        if roles.is_moderator(who) or roles.is_office(who):
            context["author"] = await queries.author_name(session, found)
        if found.procedure_id:
            context["procedure"] = await procedure_queries.procedure(session, found.procedure_id)
    return render(request, "proposals/detail.html", context, status_code=status)


async def proposal_detail(request: Request) -> Response:
    return await _detail(request, request.path_params["proposal_id"])


async def support(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    key: int = request.path_params["proposal_id"]
    form = await form_data(request)
    settings = services(request).settings
    try:
        async with database(request).unit_of_work() as uow:
            if form.get("action") == "withdraw":
                await actions.do_withdraw_support(uow, settings, who, key)
            else:
                await actions.do_support(uow, settings, who, key)
    except Conflict as error:
        return await _detail(request, key, {"support": _(error.message)}, error.status)
    return RedirectResponse(f"/proposals/{key}#support", status_code=303)


async def decision(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    key: int = request.path_params["proposal_id"]
    form = await form_data(request)
    try:
        data = validate(ProposalDecisionIn, form)
        async with database(request).unit_of_work() as uow:
            await actions.do_decide(uow, services(request).settings, who, key, data)
    except (InvalidInput, Conflict) as error:
        fields = getattr(error, "fields", {}) or {"action": _(error.message)}
        return await _detail(request, key, fields, error.status)
    return RedirectResponse(f"/proposals/{key}", status_code=303)


async def statement(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    key: int = request.path_params["proposal_id"]
    form = await form_data(request)
    try:
        data = validate(StatementIn, form)
        async with database(request).unit_of_work() as uow:
            await actions.do_give_statement(uow, services(request).settings, who, key, data)
    except (InvalidInput, Conflict) as error:
        fields: dict[str, str] = getattr(error, "fields", {}) or {"body": _(error.message)}
        return await _detail(request, key, fields, error.status)
    return RedirectResponse(f"/proposals/{key}", status_code=303)


routes: list[BaseRoute] = [
    Route("/proposals", proposal_list),
    Route("/proposals/new", proposal_new, methods=["GET", "POST"]),
    Route("/proposals/{proposal_id:int}", proposal_detail),
    Route("/proposals/{proposal_id:int}/support", support, methods=["POST"]),
    Route("/proposals/{proposal_id:int}/decision", decision, methods=["POST"]),
    Route("/proposals/{proposal_id:int}/statement", statement, methods=["POST"]),
]
