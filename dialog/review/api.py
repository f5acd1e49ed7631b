"""JSON routes of the office's review: read a procedure's review, take a step (tick the
checklist, comment, submit, ask for process support, release, return, publish), and the office's
checklist itself. The same actions as the review page (dialog.review.views)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.procedures import queries as procedure_queries
from dialog.review import actions, queries
from dialog.review.present import review_out
from dialog.review.schemas import ChecklistItemIn, ChecklistItemOut, ReviewOut, StepIn
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body


async def review(request: Request) -> Response:
    who = actor(request)
    key: int = request.path_params["procedure_id"]
    if request.method == "POST":
        actions.require_signed_in(who)
        step = await json_body(request, StepIn)
        async with database(request).unit_of_work() as uow:
            found = await procedure_queries.procedure(uow.session, key)
            await actions.do_step(uow, who, actions.access_review(who, found), step)
            return respond(await review_out(uow.session, who, actions.access_review(who, found)))
    async with database(request).reading() as session:
        found = actions.access_review(who, await procedure_queries.procedure(session, key))
        return respond(await review_out(session, who, found))


async def checklist(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    if request.method == "POST":
        data = await json_body(request, ChecklistItemIn)
        async with database(request).unit_of_work() as uow:
            await actions.do_add_checklist_item(uow, who, data)
    async with database(request).reading() as session:
        items = await queries.checklist(session)
    status = 201 if request.method == "POST" else 200
    return respond([ChecklistItemOut(id=i.id, text=i.text) for i in items], status=status)


async def checklist_item(request: Request) -> Response:
    who = actor(request)
    async with database(request).unit_of_work() as uow:
        await actions.do_retire_checklist_item(uow, who, request.path_params["item_id"])
    return Response(status_code=204)


routes: list[BaseRoute] = [
    ApiRoute(
        "/procedures/{procedure_id:int}/review",
        review,
        docs={
            "GET": Doc(
                "A procedure's review: checklist, history, the steps you may take (its "
                "department's staff, the office)",
                ReviewOut,
                auth=True,
            ),
            "POST": Doc(
                "Take a review step: checks (tick the checklist), comment, submit, support "
                "(ask for process support), release, return, publish",
                ReviewOut,
                request=StepIn,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/office/checklist",
        checklist,
        docs={
            "GET": Doc("The review checklist (the office)", list[ChecklistItemOut], auth=True),
            "POST": Doc(
                "Add a checklist question (the office)",
                list[ChecklistItemOut],
                request=ChecklistItemIn,
                status=201,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/office/checklist/{item_id:int}",
        checklist_item,
        docs={
            "DELETE": Doc("Retire a checklist question (the office)", None, status=204, auth=True)
        },
    ),
]
