"""The review page of a procedure, and the office's overview, checklist and trusted departments."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.db import utcnow
from dialog.errors import Conflict, InvalidInput
from dialog.i18n import gettext as _
from dialog.organisations import queries as organisation_queries
from dialog.procedures import queries as procedure_queries
from dialog.procedures.models import Status
from dialog.proposals import queries as proposal_queries
from dialog.review import actions, policy, queries
from dialog.review.schemas import ChecklistItemIn, StepIn
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render


async def _review_page(
    request: Request, procedure_id: int, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    who = actor(request)
    async with database(request).reading() as session:
        found = actions.access_review(who, await procedure_queries.procedure(session, procedure_id))
        departments = await queries.departments(session)
        department = next(d for d in departments if d.id == found.department_id)
        context: dict[str, Any] = {
            "p": found,
            "checklist": await queries.checklist(session),
            "checked": await queries.checked(session, found.id),
            "history": await queries.history(session, found.id),
            "is_office": policy.can_release(who),
            "is_department": policy.can_submit(who, found.department_id),
            "trusted": policy.starts_public(who, department.trusted),
            "allowed": {step for step in policy.STEPS if policy.step_allowed(step, found.status)},
            "errors": errors or {},
        }
    return render(request, "review/procedure.html", context, status_code=status)


async def review_page(request: Request) -> Response:
    return await _review_page(request, request.path_params["procedure_id"])


async def review_step(request: Request) -> Response:
    who = actor(request)
    key: int = request.path_params["procedure_id"]
    form = await form_data(request)
    checks = form.get("checks", [])
    form["checks"] = [checks] if isinstance(checks, str) else checks
    try:
        step = validate(StepIn, form)
        async with database(request).unit_of_work() as uow:
            found = await procedure_queries.procedure(uow.session, key)
            await actions.do_step(uow, who, actions.access_review(who, found), step)
    except (InvalidInput, Conflict) as error:
        fields: dict[str, str] = getattr(error, "fields", {}) or {"action": _(error.message)}
        return await _review_page(request, key, fields, error.status)
    return RedirectResponse(f"/procedures/{key}/review#history", status_code=303)


async def office(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    async with database(request).reading() as session:
        context: dict[str, Any] = {
            "drafts": await queries.in_status(session, Status.draft),
            "reviews": await queries.in_status(session, Status.review),
            "support": [
                p for p in await queries.support_requests(session) if p.status != Status.public
            ],
            "proposals": await proposal_queries.waiting_for_office(session),
            "ending": await queries.ending_soon(session, utcnow().date()),
            "members": await organisation_queries.pending_members(session),
            "departments": await queries.departments(session),
        }
    return render(request, "review/office.html", context)


async def checklist(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await form_data(request)
        try:
            async with database(request).unit_of_work() as uow:
                if form.get("retire"):
                    await actions.do_retire_checklist_item(uow, who, int(form["retire"]))
                else:
                    await actions.do_add_checklist_item(uow, who, validate(ChecklistItemIn, form))
            return RedirectResponse("/office/checklist", status_code=303)
        except InvalidInput as error:
            errors, status = error.fields, error.status
        except ValueError:
            errors, status = {"retire": _("This checklist item does not exist.")}, 422
    async with database(request).reading() as session:
        items = await queries.checklist(session)
    return render(
        request, "review/checklist.html", {"items": items, "errors": errors}, status_code=status
    )


async def trust(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    form = await form_data(request)
    async with database(request).unit_of_work() as uow:
        await actions.do_trust(uow, who, request.path_params["slug"], form.get("trusted") == "1")
    return RedirectResponse("/office#departments", status_code=303)


routes: list[BaseRoute] = [
    Route("/procedures/{procedure_id:int}/review", review_page),
    Route("/procedures/{procedure_id:int}/review", review_step, methods=["POST"]),
    Route("/office", office),
    Route("/office/checklist", checklist, methods=["GET", "POST"]),
    Route("/office/departments/{slug:str}/trust", trust, methods=["POST"]),
]
