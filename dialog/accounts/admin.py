"""Administration of people: find them, assign roles and departments, block and unblock."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import actions, policy, queries
from dialog.accounts.forms import BlockForm, PersonForm
from dialog.accounts.models import Role
from dialog.db import utcnow
from dialog.errors import Forbidden, InvalidInput, NotAuthenticated
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render

ROLES = ("resident", "moderator", "office", "staff", "admin")
ROLE_NAMES = {
    "resident": lazy("Resident"),
    "moderator": lazy("Moderator"),
    "office": lazy("Participation office"),
    "staff": lazy("Department staff"),
    "admin": lazy("Administrator"),
}


def role_name(code: str) -> str:
    return _(ROLE_NAMES.get(code, code))


def admin_id(request: Request) -> int:
    who = actor(request)
    if who.user_id is None:
        raise NotAuthenticated(lazy("Please sign in."))
    if not policy.can_administer_people(who):
        raise Forbidden(lazy("Only administrators may manage people."))
    return who.user_id


async def people(request: Request) -> Response:
    admin_id(request)
    text = request.query_params.get("q", "").strip()[:100]
    role = request.query_params.get("role", "")
    role = role if role in ROLES else ""
    async with database(request).reading() as session:
        found = await queries.find_people(session, text, role)
    return render(
        request,
        "accounts/admin_people.html",
        {"people": found, "q": text, "role": role, "roles": ROLES, "role_name": role_name},
    )


async def person(request: Request, errors: dict[str, str] | None = None) -> Response:
    admin_id(request)
    async with database(request).reading() as session:
        found = await actions.access_person(session, int(request.path_params["user_id"]))
        context = {
            "person": found,
            "departments": await queries.departments(session),
            "audit": await queries.audit_of(session, found.id),
            "roles": ROLES,
            "role_name": role_name,
            "errors": errors or {},
        }
    return render(
        request, "accounts/admin_person.html", context, status_code=422 if errors else 200
    )


async def set_role(request: Request) -> Response:
    by = admin_id(request)
    user_id = int(request.path_params["user_id"])
    form = await form_data(request)
    try:
        data = validate(PersonForm, form)
        async with database(request).unit_of_work() as uow:
            target = await actions.access_person(uow.session, user_id)
            department = (
                await queries.department_by_slug(uow.session, data.department)
                if data.department
                else None
            )
            if target.id == by and data.role != Role.admin:
                message = lazy("You cannot take away your own administrator role.")
                raise InvalidInput(message, {"role": message})
            await actions.do_update_person(
                uow,
                by,
                target,
                role=Role(data.role),
                department_id=department.id if department else None,
            )
    except InvalidInput as error:
        return await person(request, {k: _(v) for k, v in error.fields.items()})
    return RedirectResponse(f"/admin/people/{user_id}?done=saved", status_code=303)


async def block(request: Request) -> Response:
    by = admin_id(request)
    user_id = int(request.path_params["user_id"])
    form = await form_data(request)
    try:
        data = validate(BlockForm, form)
        if data.days and not data.reason:
            message = lazy("Please give a reason; the person will see it.")
            raise InvalidInput(message, {"reason": message})
        async with database(request).unit_of_work() as uow:
            target = await actions.access_person(uow.session, user_id)
            until = utcnow() + timedelta(days=data.days) if data.days else None
            await actions.do_block(uow, by, target, until=until, reason=data.reason)
    except InvalidInput as error:
        return await person(request, {k: _(v) for k, v in error.fields.items()})
    return RedirectResponse(f"/admin/people/{user_id}?done=saved", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/people", people, methods=["GET"]),
    Route("/admin/people/{user_id:int}", person, methods=["GET"]),
    Route("/admin/people/{user_id:int}/role", set_role, methods=["POST"]),
    Route("/admin/people/{user_id:int}/block", block, methods=["POST"]),
]
