"""JSON routes of ideas and complaints under /api/v1/concerns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.accounts.actor import Actor
from dialog.concerns import actions, policy, queries, workflow
from dialog.concerns.actions import Context
from dialog.concerns.models import Concern
from dialog.concerns.present import ConcernOut, StaffConcernOut, concern_out, concerns_out
from dialog.concerns.schemas import (
    MAX_ID,
    AcceptIn,
    CategoryIn,
    ConcernAnswerIn,
    ForwardIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    RouteIn,
    SubmitIn,
)
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Conflict, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body, query_as, validate
from dialog.web.services import services


def context(request: Request) -> Context:
    found = services(request)
    return Context(found.settings, found.concern_hooks, found.templates.env)


def concern_id(request: Request) -> int:
    value = int(request.path_params["concern_id"])
    if not 1 <= value <= MAX_ID:
        raise NotFound(lazy("This item does not exist."))
    return value


class Created(BaseModel):
    id: int
    state: str
    tracking_token: str | None  # anonymous authors only: the private link's secret, shown once


class Supported(BaseModel):
    id: int
    supporter_count: int


class ConcernQueueQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    state: str | None = Field(default=None, max_length=20)
    department: int | None = Field(default=None, ge=1, le=MAX_ID)
    category: int | None = Field(default=None, ge=1, le=MAX_ID)
    overdue: bool = False


async def submit(request: Request) -> Response:
    who = actor(request)
    data = await json_body(request, SubmitIn)
    async with database(request).unit_of_work() as uow:
        done = await actions.do_submit(uow, context(request), who, data)
    return respond(Created(id=done.item.id, state=done.item.state, tracking_token=done.token), 201)


async def collection(request: Request) -> Response:
    if request.method == "POST":
        return await submit(request)
    return await public_list(request)


async def public_list(request: Request) -> Response:
    async with database(request).reading() as session:
        items = await queries.public_items(session)
        out = await concerns_out(session, items)
    return respond(out)


async def one(request: Request) -> Response:
    who = actor(request)
    async with database(request).reading() as session:
        item = await actions.access_readable(session, who, concern_id(request))
        staff = policy.can_see_internals(who, item.department_id)
        out = await concern_out(
            session, item, staff=staff, author=policy.is_author(who, item.author_id)
        )
    return respond(out)


async def staff_queue(request: Request) -> Response:
    who = actor(request)
    query = query_as(request, ConcernQueueQuery)
    if not policy.can_see_internals(who, query.department):
        actions.check_office(who)
    states = (query.state,) if query.state else tuple(policy.OPEN)
    spec = queries.QueueFilter(
        states=states,
        department_id=query.department,
        category_id=query.category,
        overdue_on=utcnow().date() if query.overdue else None,
    )
    async with database(request).reading() as session:
        items = await queries.queue(session, spec)
        out = await concerns_out(session, items, staff=True)
    return respond(out)


async def support(request: Request) -> Response:
    who = actor(request)
    if who.user_id is None:  # 401 before anything is looked up
        raise NotAuthenticated(lazy("Please sign in to support an item."))
    async with database(request).unit_of_work() as uow:
        item = await actions.access_readable(uow.session, who, concern_id(request))
        if request.method == "PUT":
            await actions.do_support(uow, context(request), who, item)
        else:
            await actions.do_unsupport(uow, context(request), who, item)
        count = item.supporter_count
    return respond(Supported(id=item.id, supporter_count=count))


Step = Callable[[UnitOfWork, Context, Actor, Concern, Any], Awaitable[object]]


async def _route(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: RouteIn) -> None:
    await workflow.do_route(uow, ctx, who, item, d.department)


async def _accept(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: AcceptIn) -> None:
    await workflow.do_accept(uow, ctx, who, item, d.promised_on)


async def _return(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: ReasonIn) -> None:
    await workflow.do_return(uow, ctx, who, item, d.reason)


async def _forward(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: ForwardIn) -> None:
    await workflow.do_forward(uow, ctx, who, item, d.to)


async def _merge(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: MergeIn) -> None:
    await workflow.do_merge(uow, ctx, who, item, d.original)


async def _category(
    uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: CategoryIn
) -> None:
    await workflow.do_change_category(uow, ctx, who, item, d.category)


async def _unpublish(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: ReasonIn) -> None:
    await workflow.do_unpublish(uow, ctx, who, item, d.reason)


async def _archive(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: object) -> None:
    await workflow.do_archive(uow, ctx, who, item)


async def _note(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: NoteIn) -> None:
    await workflow.do_note(uow, ctx, who, item, d.body)


async def _draft(
    uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: ConcernAnswerIn
) -> None:
    await workflow.do_draft_answer(uow, ctx, who, item, d.outcome, d.body)


async def _approve(uow: UnitOfWork, ctx: Context, who: Actor, item: Concern, d: object) -> None:
    draft = await queries.draft_answer(uow.session, item.id)
    if draft is None:
        raise Conflict(lazy("There is no draft answer to approve."))
    await workflow.do_publish_answer(uow, ctx, who, item, draft)


class NoBody(BaseModel):
    model_config = ConfigDict(extra="ignore")


# name -> (input, who: "office" or "handler", step, summary)
STEPS: dict[str, tuple[type[BaseModel], str, Step, str]] = {
    "route": (RouteIn, "office", _route, "Send the item to a department (office)"),
    "accept": (AcceptIn, "handler", _accept, "Accept the item, with a promised date"),
    "return": (ReasonIn, "handler", _return, "Give the item back to the office, with a reason"),
    "forward": (ForwardIn, "office", _forward, "Forward to an outside body (office)"),
    "merge": (MergeIn, "office", _merge, "Mark as duplicate of another item (office)"),
    "category": (CategoryIn, "office", _category, "Change the category; routes again (office)"),
    "unpublish": (ReasonIn, "office", _unpublish, "Do not publish, reason to the author only"),
    "archive": (NoBody, "office", _archive, "Archive a closed item (office)"),
    "notes": (NoteIn, "handler", _note, "Add an internal note"),
    "answer": (
        ConcernAnswerIn,
        "handler",
        _draft,
        "Draft the answer (published at once if trusted)",
    ),
    "approve": (NoBody, "office", _approve, "Approve and publish the draft answer (office)"),
}


async def run_step(request: Request, name: str, form: dict[str, Any] | None = None) -> Concern:
    """One workflow step for the JSON API and the HTML forms alike: who may, then what."""
    model, who_may, step, _summary = STEPS[name]
    who = actor(request)
    async with database(request).unit_of_work() as uow:
        if who_may == "office":
            item = await actions.access_office(uow.session, who, concern_id(request))
        else:
            item = await actions.access_handled(uow.session, who, concern_id(request))
        if form is not None:
            data: BaseModel = validate(model, form)
        elif model is NoBody:
            data = model()
        else:
            data = await json_body(request, model)
        await step(uow, context(request), who, item, data)
    return item


def step_endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        item = await run_step(request, name)
        async with database(request).reading() as session:
            found = await actions.access_concern(session, item.id)
            out = await concern_out(session, found, staff=True)
        return respond(out)

    return endpoint


routes: list[BaseRoute] = [
    ApiRoute(
        "/concerns",
        collection,
        docs={
            "GET": Doc("Public ideas and complaints, newest first", list[ConcernOut]),
            "POST": Doc(
                "Submit an idea or complaint (signed in, with an e-mail to confirm, or "
                "anonymous: then the answer carries a private tracking token)",
                Created,
                request=SubmitIn,
                status=201,
            ),
        },
    ),
    ApiRoute(
        "/concerns/queue",
        staff_queue,
        docs={
            "GET": Doc(
                "The office's queue (or a department's, for its staff), filtered",
                list[StaffConcernOut],
                query=ConcernQueueQuery,
                auth=True,
            )
        },
    ),
    ApiRoute(
        "/concerns/{concern_id:int}",
        one,
        docs={"GET": Doc("One item (public ones for everyone)", ConcernOut)},
    ),
    ApiRoute(
        "/concerns/{concern_id:int}/support",
        support,
        docs={
            "PUT": Doc('Support an item ("me too")', Supported, auth=True),
            "DELETE": Doc("Withdraw support", Supported, auth=True),
        },
    ),
    *(
        ApiRoute(
            f"/concerns/{{concern_id:int}}/{name}",
            step_endpoint(name),
            docs={"POST": Doc(summary, StaffConcernOut, request=model, auth=True)},
        )
        for name, (model, _who, _step, summary) in STEPS.items()
    ),
]
