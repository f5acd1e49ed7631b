"""JSON routes of organisations: profiles, creating one (office), memberships.

A person asks to act for an organisation; the office confirms or removes members (a member may
also leave). Who acts for an organisation is visible to the office and moderators only.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.organisations import actions, queries
from dialog.organisations.models import Membership
from dialog.organisations.schemas import MemberOut, MembershipOut, OrganisationIn, OrganisationOut
from dialog.organisations.views import organisation_out
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body


def membership_out(found: Membership, slug: str) -> MembershipOut:
    return MembershipOut(
        organisation=slug,
        user_id=found.user_id,
        confirmed=found.confirmed_at is not None,
        confirmed_at=found.confirmed_at,
        created_at=found.created_at,
    )


async def organisations(request: Request) -> Response:
    if request.method == "POST":
        who = actor(request)
        actions.check_office(who)
        data = await json_body(request, OrganisationIn)
        async with database(request).unit_of_work() as uow:
            created = await actions.do_create_organisation(uow, who, data)
            found = await queries.organisation(uow.session, created.slug)
            return respond(organisation_out(actions.access_organisation(found)), status=201)
    async with database(request).reading() as session:
        rows = await queries.organisations(session)
        return respond([organisation_out(o) for o in rows])


async def detail(request: Request) -> Response:
    async with database(request).reading() as session:
        found = actions.access_organisation(
            await queries.organisation(session, request.path_params["slug"])
        )
        return respond(organisation_out(found))


async def members(request: Request) -> Response:
    who = actor(request)
    slug: str = request.path_params["slug"]
    if request.method == "POST":  # asking to act for it
        async with database(request).unit_of_work() as uow:
            before = (
                await queries.membership(
                    uow.session,
                    actions.access_organisation(await queries.organisation(uow.session, slug)).id,
                    who.user_id,
                )
                if who.user_id is not None
                else None
            )
            found = await actions.do_ask_to_join(uow, who, slug)
            return respond(membership_out(found, slug), status=200 if before else 201)
    actions.check_members_visible(who)
    async with database(request).reading() as session:
        organisation = actions.access_organisation(await queries.organisation(session, slug))
        rows = await queries.members(session, organisation.id)
    return respond([MemberOut(**dict(membership_out(m, slug)), name=name) for m, name in rows])


async def member(request: Request) -> Response:
    who = actor(request)
    slug: str = request.path_params["slug"]
    user_id: int = request.path_params["user_id"]
    async with database(request).unit_of_work() as uow:
        if request.method == "DELETE":
            await actions.do_remove_member(uow, who, slug, user_id)
            return Response(status_code=204)
        found = await actions.do_confirm_member(uow, who, slug, user_id)
        return respond(membership_out(found, slug))


routes: list[BaseRoute] = [
    ApiRoute(
        "/organisations",
        organisations,
        docs={
            "GET": Doc("Organisations: initiatives, associations, councils", list[OrganisationOut]),
            "POST": Doc(
                "Create an organisation (the office)",
                OrganisationOut,
                request=OrganisationIn,
                status=201,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/organisations/{slug:str}",
        detail,
        docs={"GET": Doc("One organisation's public profile", OrganisationOut)},
    ),
    ApiRoute(
        "/organisations/{slug:str}/members",
        members,
        docs={
            "GET": Doc(
                "Its members, confirmed or waiting (the office and moderators)",
                list[MemberOut],
                auth=True,
            ),
            "POST": Doc(
                "Ask to act for the organisation (201; asked before: 200); the office confirms",
                MembershipOut,
                status=201,
                also=(200,),
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/organisations/{slug:str}/members/{user_id:int}",
        member,
        docs={
            "PUT": Doc("Confirm a member (the office)", MembershipOut, auth=True),
            "DELETE": Doc(
                "End a membership (the office, or the member leaving)", None, status=204, auth=True
            ),
        },
    ),
]
