"""JSON routes for departments, districts, methods, procedures and threads."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.errors import NotFound
from dialog.i18n import lazy
from dialog.procedures import actions, queries
from dialog.procedures.models import Thread
from dialog.procedures.present import procedure_out, summary_out, thread_out
from dialog.procedures.schemas import (
    DepartmentOut,
    DistrictOut,
    MethodOut,
    ProcedureFilters,
    ProcedureIn,
    ProcedureOut,
    ProcedurePage,
    ProcedurePatch,
    ThreadCloseIn,
    ThreadIn,
    ThreadOut,
    ThreadPatch,
)
from dialog.review import policy as review_policy
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body, query_as, validate


async def list_departments(request: Request) -> Response:
    async with database(request).reading() as session:
        rows = await queries.departments(session)
    return respond([DepartmentOut(slug=d.slug, name=d.name) for d in rows])


async def list_districts(request: Request) -> Response:
    async with database(request).reading() as session:
        rows = await queries.districts(session)
    return respond([DistrictOut(slug=d.slug, name=d.name) for d in rows])


async def list_methods(request: Request) -> Response:
    async with database(request).reading() as session:
        rows = await queries.methods(session)
    return respond(
        [
            MethodOut(
                slug=m.slug,
                name=m.name,
                purpose=m.purpose,
                when_to_use=m.when_to_use,
                effort=m.effort,
                level=m.level,
            )
            for m in rows
        ]
    )


async def procedures(request: Request) -> Response:
    if request.method == "POST":
        actions.require_signed_in(actor(request))
        data = await json_body(request, ProcedureIn)
        async with database(request).unit_of_work() as uow:
            created = await actions.do_create_procedure(uow, actor(request), data)
            loaded = await queries.procedure(uow.session, created.id)
            assert loaded is not None
            body = procedure_out(loaded)
        return respond(body, status=201)
    filters = query_as(request, ProcedureFilters)
    async with database(request).reading() as session:
        rows, total = await queries.list_procedures(session, filters)
        page = ProcedurePage(
            items=[summary_out(p) for p in rows],
            total=total,
            page=filters.page,
            per_page=filters.per_page,
        )
    return respond(page)


async def procedure(request: Request) -> Response:
    key: int = request.path_params["procedure_id"]
    if request.method == "PATCH":
        actions.require_signed_in(actor(request))
        patch = await json_body(request, ProcedurePatch)
        async with database(request).unit_of_work() as uow:
            found = actions.access_manageable(
                actor(request), await queries.procedure(uow.session, key)
            )
            await actions.do_update_procedure(uow, actor(request), found, patch)
            uow.session.expunge_all()
            reloaded = await queries.procedure(uow.session, key)
            assert reloaded is not None
            body = procedure_out(reloaded)
        return respond(body)
    async with database(request).reading() as session:
        found_or_none = await queries.procedure(session, key)
        if found_or_none is None or not review_policy.can_see_procedure(
            actor(request), found_or_none.status, found_or_none.department_id
        ):
            raise NotFound(lazy("This procedure does not exist."))
        return respond(procedure_out(found_or_none))


async def add_thread(request: Request) -> Response:
    actions.require_signed_in(actor(request))
    data = await json_body(request, ThreadIn)
    async with database(request).unit_of_work() as uow:
        found = await queries.procedure(uow.session, request.path_params["procedure_id"])
        thread = await actions.do_add_thread(
            uow, actor(request), actions.access_manageable(actor(request), found), data
        )
        body = thread_out(thread)
    return respond(body, status=201)


async def thread(request: Request) -> Response:
    if request.method == "PATCH":
        return await edit_thread(request)
    async with database(request).reading() as session:
        found = await queries.thread(session, request.path_params["thread_id"])
        if found is None or not review_policy.can_see_procedure(
            actor(request), found.procedure.status, found.procedure.department_id
        ):
            raise NotFound(lazy("This thread does not exist."))
        return respond(thread_out(found))


def merged(thread: Thread, patch: ThreadPatch) -> ThreadIn:
    """The thread's fields with the patch's given ones, checked as a whole (as the form is)."""
    data: dict[str, Any] = {
        "title": thread.title,
        "question": thread.question,
        "moderation": thread.moderation,
        "opens_at": thread.opens_at,
        "closes_at": thread.closes_at,
    }
    for name, value in patch.model_dump(exclude_unset=True).items():
        # A null title, question or moderation keeps the stored one; a null time clears it.
        if value is not None or name in ("opens_at", "closes_at"):
            data[name] = value
    return validate(ThreadIn, data)


async def edit_thread(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    patch = await json_body(request, ThreadPatch)
    async with database(request).unit_of_work() as uow:
        found = await queries.thread(uow.session, request.path_params["thread_id"])
        target = actions.access_manageable_thread(who, found)
        changed = await actions.do_update_thread(uow, who, target, merged(target, patch))
        body = thread_out(changed)
    return respond(body)


async def close_thread(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    data = await json_body(request, ThreadCloseIn)
    async with database(request).unit_of_work() as uow:
        found = await queries.thread(uow.session, request.path_params["thread_id"])
        target = actions.access_manageable_thread(who, found)
        body = thread_out(await actions.do_close_thread(uow, who, target, data))
    return respond(body)


async def reopen_thread(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    async with database(request).unit_of_work() as uow:
        found = await queries.thread(uow.session, request.path_params["thread_id"])
        target = actions.access_manageable_thread(who, found)
        body = thread_out(await actions.do_reopen_thread(uow, who, target))
    return respond(body)


routes: list[BaseRoute] = [
    ApiRoute(
        "/departments", list_departments, docs={"GET": Doc("List departments", list[DepartmentOut])}
    ),
    ApiRoute("/districts", list_districts, docs={"GET": Doc("List districts", list[DistrictOut])}),
    # GET /methods: with the office's editing in dialog.methods.api (one route per path).
    ApiRoute(
        "/procedures",
        procedures,
        docs={
            "GET": Doc(
                "The Vorhabenliste, filtered and paginated", ProcedurePage, query=ProcedureFilters
            ),
            "POST": Doc(
                "Create a procedure (staff of its department, admins)",
                ProcedureOut,
                request=ProcedureIn,
                status=201,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/procedures/{procedure_id:int}",
        procedure,
        docs={
            "GET": Doc("One procedure with timeline, links and threads", ProcedureOut),
            "PATCH": Doc(
                "Change a procedure (staff of its department, admins)",
                ProcedureOut,
                request=ProcedurePatch,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/procedures/{procedure_id:int}/threads",
        add_thread,
        docs={
            "POST": Doc(
                "Open a thread in a procedure", ThreadOut, request=ThreadIn, status=201, auth=True
            ),
        },
    ),
    ApiRoute(
        "/threads/{thread_id:int}",
        thread,
        docs={
            "GET": Doc("One thread", ThreadOut),
            "PATCH": Doc(
                "Change a thread: title, question, moderation, opening and closing time "
                "(staff of the procedure's department, admins)",
                ThreadOut,
                request=ThreadPatch,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/threads/{thread_id:int}/close",
        close_thread,
        docs={
            "POST": Doc(
                "Close a thread now (no `at`) or at a time (staff of the procedure's "
                "department, admins)",
                ThreadOut,
                request=ThreadCloseIn,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/threads/{thread_id:int}/reopen",
        reopen_thread,
        docs={
            "POST": Doc(
                "Open a closed thread again (staff of the procedure's department, admins)",
                ThreadOut,
                auth=True,
            ),
        },
    ),
]
