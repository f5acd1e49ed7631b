"""HTML pages: home, the Vorhabenliste, a procedure, its forms, the methods toolkit."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import policy
from dialog.errors import Forbidden, InvalidInput, NotFound
from dialog.i18n import TIMEZONE, lazy
from dialog.i18n import gettext as _
from dialog.notifications.follows import Target, is_following
from dialog.procedures import actions, forms, images, queries
from dialog.procedures.models import Thread
from dialog.procedures.schemas import (
    ProcedureFilters,
    ProcedureIn,
    ProcedurePatch,
    ThreadCloseIn,
    ThreadIn,
)
from dialog.proposals import queries as proposal_queries
from dialog.results import queries as results_queries
from dialog.review import policy as review_policy
from dialog.web.api import actor, database
from dialog.web.ids import parse_id
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render

M = TypeVar("M", ProcedureIn, ProcedurePatch)


async def home(request: Request) -> Response:
    async with database(request).reading() as session:
        lists = {
            phase: await queries.procedures_in_phase(session, phase, 6)
            for phase in ("active", "planned", "completed")
        }
        shown = [p for items in lists.values() for p in items]
        figures = await results_queries.card_figures(session, shown)
    return render(request, "pages/home.html", {**lists, "figures": figures})


async def procedure_list(request: Request) -> Response:
    raw = {k: v for k, v in request.query_params.items() if k in ProcedureFilters.model_fields}
    try:
        filters = validate(ProcedureFilters, raw)
    except InvalidInput:
        filters = ProcedureFilters()  # a hand-edited address falls back to the full list
    async with database(request).reading() as session:
        items, total = await queries.list_procedures(session, filters)
        context = {
            "filters": filters,
            "items": items,
            "figures": await results_queries.card_figures(session, items),
            "total": total,
            "pages": max(1, math.ceil(total / filters.per_page)),
            "departments": await queries.departments(session),
            "districts": await queries.districts(session),
            "can_create": policy.can_create_procedures(actor(request)),
        }

    def query_for(page: int) -> str:
        kept = filters.model_dump(exclude_defaults=True, exclude={"page"})
        return urlencode({**kept, "page": page})

    context["query_for"] = query_for
    # The feed takes the same filters (not the page or the order: it shows the newest first).
    chosen = filters.model_dump(exclude_defaults=True, exclude={"page", "sort", "per_page"})
    context["feed_query"] = "?" + urlencode(chosen) if chosen else ""
    context["saved_filters"] = {k: v for k, v in chosen.items() if k != "sort"}
    return render(request, "procedures/list.html", context)


def procedure_key(key: str) -> int | str:
    """/procedures/12 or /procedures/a-slug."""
    return parse_id(key, "key") if key.isascii() and key.isdigit() else key


async def procedure_detail(request: Request) -> Response:
    async with database(request).reading() as session:
        found = await queries.procedure(session, procedure_key(request.path_params["key"]))
        # The public "what became of it" section belongs to the results part.
        results = await results_queries.public_results(session, found.id) if found else None
        # An accepted proposal's procedure links back to it (dialog.proposals).
        origin = await proposal_queries.of_procedure(session, found.id) if found else None
        who = actor(request)
        following = bool(
            found
            and who.user_id is not None
            and await is_following(session, who.user_id, Target("procedure", found.id))
        )
    if found is None or not review_policy.can_see_procedure(
        actor(request), found.status, found.department_id
    ):
        raise NotFound(lazy("This procedure does not exist."))
    return render(
        request,
        "procedures/detail.html",
        {
            "p": found,
            "can_manage": policy.can_manage_procedure(actor(request), found.department_id),
            "can_export": policy.can_export_procedure(actor(request), found.department_id),
            "results": results,
            "origin": origin,
            "can_review": review_policy.can_take_part(actor(request), found.department_id),
            "following": following,
        },
    )


async def _form_context(request: Request) -> dict[str, Any]:
    async with database(request).reading() as session:
        return {
            "departments": await queries.departments(session),
            "districts": await queries.districts(session),
            "methods": await queries.methods(session),
        }


async def _checked(
    request: Request, form: dict[str, Any], model: type[M], *, has_image: bool
) -> tuple[M, images.ImageChange | None]:
    """The form as `model` and the image change it asks for; all wrong fields at once."""
    errors: dict[str, str] = {}
    change = data = None
    try:
        photo = await images.read_upload((await request.form()).get("image"))
        change = images.check_change(form, photo, has_image)
    except InvalidInput as error:
        # Shown in the page's language (the photo code and the check mark them with lazy()).
        errors.update({name: _(message) for name, message in error.fields.items()})
    try:
        data = forms.procedure_input(form, model)
    except InvalidInput as error:
        errors.update(error.fields)
    if errors or data is None:
        raise InvalidInput(lazy("Please check the marked fields."), errors)
    return data, change


async def procedure_image(request: Request) -> Response:
    """The image, to whoever may see the procedure (a draft's only to its department)."""
    async with database(request).reading() as session:
        found = await queries.procedure(session, request.path_params["procedure_id"])
        visible = found is not None and review_policy.can_see_procedure(
            actor(request), found.status, found.department_id
        )
        stored = await queries.image(session, found.id) if found and visible else None
    if found is None or stored is None:
        raise NotFound(lazy("This procedure has no image."))
    public = found.status in ("public", "hidden")
    return Response(
        stored.data,
        media_type="image/jpeg",
        headers={
            # The address carries the image's version: a new image has a new address.
            "Cache-Control": "public, max-age=86400" if public else "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def procedure_new(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    if not policy.can_create_procedures(who):
        raise Forbidden(lazy("Only department staff and administrators create procedures."))
    context = await _form_context(request)
    context.update(
        heading=_("New procedure"),
        action="/procedures/new",
        cancel="/procedures",
        errors={},
        values={"phase": "planned", "level": "consultation", "initiator": "administration"},
    )
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data, change = await _checked(request, form, ProcedureIn, has_image=False)
            async with database(request).unit_of_work() as uow:
                created = await actions.do_create_procedure(uow, who, data)
                await images.do_apply(uow, created, change)
            return RedirectResponse(f"/procedures/{created.id}", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "procedures/form.html", context, status_code=422)
    if who.department_id:
        async with database(request).reading() as session:
            own = next(
                (d for d in await queries.departments(session) if d.id == who.department_id), None
            )
        context["values"]["department"] = own.slug if own else ""
    return render(request, "procedures/form.html", context)


async def procedure_edit(request: Request) -> Response:
    who = actor(request)
    async with database(request).reading() as session:
        found = actions.access_manageable(
            who, await queries.procedure(session, request.path_params["procedure_id"])
        )
    context = await _form_context(request)
    context.update(
        heading=_("Edit procedure"),
        action=f"/procedures/{found.id}/edit",
        cancel=f"/procedures/{found.id}",
        errors={},
        values=forms.procedure_values(found),
    )
    context["p"] = found
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            has_image = found.image_width is not None
            patch, change = await _checked(request, form, ProcedurePatch, has_image=has_image)
            async with database(request).unit_of_work() as uow:
                target = actions.access_manageable(
                    who, await queries.procedure(uow.session, found.id)
                )
                await actions.do_update_procedure(uow, who, target, patch)
                await images.do_apply(uow, target, change)
            return RedirectResponse(f"/procedures/{found.id}", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "procedures/form.html", context, status_code=422)
    return render(request, "procedures/form.html", context)


async def thread_new(request: Request) -> Response:
    who = actor(request)
    async with database(request).reading() as session:
        found = actions.access_manageable(
            who, await queries.procedure(session, request.path_params["procedure_id"])
        )
    context: dict[str, Any] = {"p": found, "errors": {}, "values": {}}
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data = validate(ThreadIn, form)
            async with database(request).unit_of_work() as uow:
                target = await queries.procedure(uow.session, found.id)
                thread = await actions.do_add_thread(
                    uow, who, actions.access_manageable(who, target), data
                )
            return RedirectResponse(f"/threads/{thread.id}", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "procedures/thread_form.html", context, status_code=422)
    return render(request, "procedures/thread_form.html", context)


def local_input(moment: datetime | None) -> str:
    """A stored moment as the value of a datetime-local field (Potsdam's time, to the minute)."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%dT%H:%M")


async def _manageable_thread(request: Request) -> Thread:
    async with database(request).reading() as session:
        found = await queries.thread(session, request.path_params["thread_id"])
    return actions.access_manageable_thread(actor(request), found)


async def thread_edit(request: Request) -> Response:
    who = actor(request)
    thread = await _manageable_thread(request)
    context: dict[str, Any] = {
        "p": thread.procedure,
        "thread": thread,
        "errors": {},
        "values": {
            "title": thread.title,
            "question": thread.question,
            "moderation": thread.moderation,
            "opens_at": local_input(thread.opens_at),
            "closes_at": local_input(thread.closes_at),
        },
    }
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data = validate(ThreadIn, form)
            async with database(request).unit_of_work() as uow:
                target = actions.access_manageable_thread(
                    who, await queries.thread(uow.session, thread.id)
                )
                await actions.do_update_thread(uow, who, target, data)
            return RedirectResponse(f"/threads/{thread.id}#manage-h", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "procedures/thread_form.html", context, status_code=422)
    return render(request, "procedures/thread_form.html", context)


async def thread_close(request: Request) -> Response:
    """Close now (no time given) or at a time; errors come back on the thread's page."""
    who = actor(request)
    thread = await _manageable_thread(request)
    form = await form_data(request)
    try:
        data = validate(ThreadCloseIn, {"at": form.get("at", "")})
        async with database(request).unit_of_work() as uow:
            target = actions.access_manageable_thread(
                who, await queries.thread(uow.session, thread.id)
            )
            await actions.do_close_thread(uow, who, target, data)
    except InvalidInput as error:
        from dialog.discussion.views import thread_page  # the page belongs to the discussion

        message = next(iter(error.fields.values()), error.message)
        return await thread_page(request, thread.id, {"close_at": _(message)}, status_code=422)
    return RedirectResponse(f"/threads/{thread.id}#manage-h", status_code=303)


async def thread_reopen(request: Request) -> Response:
    who = actor(request)
    thread = await _manageable_thread(request)
    async with database(request).unit_of_work() as uow:
        target = actions.access_manageable_thread(who, await queries.thread(uow.session, thread.id))
        await actions.do_reopen_thread(uow, who, target)
    return RedirectResponse(f"/threads/{thread.id}#manage-h", status_code=303)


routes: list[BaseRoute] = [
    Route("/", home),
    Route("/procedures", procedure_list),
    Route("/procedures/new", procedure_new, methods=["GET", "POST"]),
    Route("/procedures/{procedure_id:int}/edit", procedure_edit, methods=["GET", "POST"]),
    Route("/procedures/{procedure_id:int}/image", procedure_image),
    Route("/procedures/{procedure_id:int}/threads/new", thread_new, methods=["GET", "POST"]),
    Route("/procedures/{key:str}", procedure_detail),
    Route("/threads/{thread_id:int}/edit", thread_edit, methods=["GET", "POST"]),
    Route("/threads/{thread_id:int}/close", thread_close, methods=["POST"]),
    Route("/threads/{thread_id:int}/reopen", thread_reopen, methods=["POST"]),
]
