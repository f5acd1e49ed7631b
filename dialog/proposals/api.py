"""JSON routes for proposals, their support, the office's decisions and the statement."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork
from dialog.proposals import actions, policy, queries
from dialog.proposals.present import proposal_out
from dialog.proposals.schemas import (
    ProposalDecisionIn,
    ProposalFilters,
    ProposalIn,
    ProposalOut,
    ProposalPage,
    StatementIn,
    SupportOut,
)
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body, query_as
from dialog.web.services import services


async def _out(uow: UnitOfWork, proposal_id: int) -> ProposalOut:
    found = await queries.proposal(uow.session, proposal_id)
    assert found is not None
    names = await queries.proposers(uow.session, [found])
    return proposal_out(found, names[found.id])


async def proposals(request: Request) -> Response:
    who = actor(request)
    if request.method == "POST":
        actions.require_signed_in(who)
        data = await json_body(request, ProposalIn)
        async with database(request).unit_of_work() as uow:
            created = await actions.do_create_proposal(uow, who, data)
            body = await _out(uow, created.id)
        return respond(body, status=201)
    filters = query_as(request, ProposalFilters)
    states = policy.PUBLIC | ({"submitted", "rejected"} if policy.can_decide(who) else set())
    async with database(request).reading() as session:
        rows, total = await queries.list_proposals(session, filters, states)
        names = await queries.proposers(session, rows)
        page = ProposalPage(
            items=[proposal_out(p, names[p.id]) for p in rows],
            total=total,
            page=filters.page,
            per_page=filters.per_page,
        )
    return respond(page)


async def proposal(request: Request) -> Response:
    key: int = request.path_params["proposal_id"]
    async with database(request).reading() as session:
        found = actions.access_readable(actor(request), await queries.proposal(session, key))
        names = await queries.proposers(session, [found])
        return respond(proposal_out(found, names[found.id]))


async def support(request: Request) -> Response:
    who: Actor = actor(request)
    actions.require_signed_in(who)
    key: int = request.path_params["proposal_id"]
    settings = services(request).settings
    async with database(request).unit_of_work() as uow:
        if request.method == "PUT":
            found = await actions.do_support(uow, settings, who, key)
        else:
            found = await actions.do_withdraw_support(uow, settings, who, key)
        supported = await queries.supports(uow.session, found.id, who.user_id)
        body = SupportOut(id=found.id, support_count=found.support_count, supported=supported)
    return respond(body)


async def decision(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    data = await json_body(request, ProposalDecisionIn)
    key: int = request.path_params["proposal_id"]
    async with database(request).unit_of_work() as uow:
        await actions.do_decide(uow, services(request).settings, who, key, data)
        body = await _out(uow, key)
    return respond(body)


async def statement(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    data = await json_body(request, StatementIn)
    key: int = request.path_params["proposal_id"]
    async with database(request).unit_of_work() as uow:
        await actions.do_give_statement(uow, services(request).settings, who, key, data)
        body = await _out(uow, key)
    return respond(body)


routes: list[BaseRoute] = [
    ApiRoute(
        "/proposals",
        proposals,
        docs={
            "GET": Doc(
                "Published proposals (the office also sees submitted ones)",
                ProposalPage,
                query=ProposalFilters,
            ),
            "POST": Doc(
                "Propose a procedure or topic (signed in; members also for their organisation)",
                ProposalOut,
                request=ProposalIn,
                status=201,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/proposals/{proposal_id:int}",
        proposal,
        docs={"GET": Doc("One proposal (unpublished: its author and the office)", ProposalOut)},
    ),
    ApiRoute(
        "/proposals/{proposal_id:int}/support",
        support,
        docs={
            "PUT": Doc("Support a proposal (once per person)", SupportOut, auth=True),
            "DELETE": Doc("Withdraw one's support", SupportOut, auth=True),
        },
    ),
    ApiRoute(
        "/proposals/{proposal_id:int}/decision",
        decision,
        docs={
            "POST": Doc(
                "The office publishes, forwards, accepts or declines",
                ProposalOut,
                request=ProposalDecisionIn,
                auth=True,
            )
        },
    ),
    ApiRoute(
        "/proposals/{proposal_id:int}/statement",
        statement,
        docs={
            "POST": Doc(
                "The department's statement on a forwarded proposal",
                ProposalOut,
                request=StatementIn,
                auth=True,
            )
        },
    ),
]
