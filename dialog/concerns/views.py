"""HTML pages of ideas and complaints: submit (two steps, no JavaScript needed), the public
list and page, the private tracking page, the office's and the departments' queues."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts.policy import is_office
from dialog.concerns import actions, office, policy, queries, workflow
from dialog.concerns.api import STEPS, concern_id, context, run_step
from dialog.concerns.models import Channel, Kind, State
from dialog.concerns.photos import MAX_PHOTOS, CleanPhoto, clean, refuse
from dialog.concerns.present import (
    channel_label,
    concern_out,
    concerns_out,
    kind_label,
    state_label,
)
from dialog.concerns.schemas import (
    MAX_ID,
    CategoryEditIn,
    DepartmentSettingIn,
    PhotoHideIn,
    ReopenIn,
    RouteRuleIn,
    SubmitIn,
    TemplateIn,
)
from dialog.db import utcnow
from dialog.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render

FIELDS = ("kind", "category", "district", "text", "place", "lat", "lon")
LABELS = {
    "state_label": state_label,
    "kind_label": kind_label,
    "channel_label": channel_label,
    "KINDS": list(Kind),
    "CHANNELS": list(Channel),
    "STATES": [s for s in State if s != State.unconfirmed],
}


def page(request: Request, name: str, values: dict[str, Any], status: int = 200) -> Response:
    return render(request, f"concerns/{name}.html", {**LABELS, **values}, status_code=status)


async def choices(request: Request) -> dict[str, Any]:
    """What the form offers: categories, districts and, where the city has tiles of its own,
    the map to mark a point on."""
    settings = services(request).settings
    async with database(request).reading() as session:
        return {
            "categories": await queries.categories(session),
            "districts": await queries.districts(session),
            "map": {
                "tiles": settings.map_tiles,
                "attribution": settings.map_attribution,
                "centre": settings.map_centre,
            }
            if settings.map_tiles
            else None,
        }


async def public_list(request: Request) -> Response:
    before = _int_param(request, "before")
    async with database(request).reading() as session:
        items = await queries.public_items(session, before=before)
        shown = await concerns_out(session, items)
    older = shown[-1].id if len(shown) == queries.PAGE else None
    return page(request, "list", {"items": shown, "older": older})


async def new(request: Request) -> Response:
    """Step 1 (what and where), step 2 (similar items, photos, who you are), then send."""
    who = actor(request)
    base = await choices(request)
    if request.method == "GET":
        return page(request, "new", {**base, "values": {"kind": "idea"}, "errors": {}})
    form = await request.form(max_files=MAX_PHOTOS + 1, max_fields=40)
    values: dict[str, Any] = {
        k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
    }
    values["public"] = "public" in form
    values["show_name"] = "show_name" in form
    uploads = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    try:
        data = validate(SubmitIn, values)
        if values.get("step") != "send":
            return await confirm_step(request, base, values, data)
        photos = await read_photos(uploads)
        async with database(request).unit_of_work() as uow:
            done = await actions.do_submit(uow, context(request), who, data, photos)
        tracking = None
        if done.token is not None:
            tracking = f"{str(request.base_url).rstrip('/')}/concerns/track/{done.token}"
        return page(
            request,
            "created",
            {"item": done.item, "tracking": tracking, "mail_sent": done.mail_sent},
            201,
        )
    except InvalidInput as error:
        step = "confirm" if values.get("step") == "send" else "new"
        extra: dict[str, Any] = {}
        if step == "confirm":
            extra["similar"] = []
        return page(request, step, {**base, **extra, "values": values, "errors": error.fields}, 422)
    finally:
        await form.close()


async def confirm_step(
    request: Request, base: dict[str, Any], values: dict[str, Any], data: SubmitIn
) -> Response:
    async with database(request).reading() as session:
        found = await queries.similar(
            session,
            category_id=data.category,
            district_id=data.district,
            lat=data.lat,
            lon=data.lon,
            text=data.text,
        )
        similar = await concerns_out(session, found)
    return page(request, "confirm", {**base, "values": values, "errors": {}, "similar": similar})


async def read_photos(uploads: list[UploadFile]) -> list[CleanPhoto]:
    if len(uploads) > MAX_PHOTOS:
        raise refuse("photos", lazy("Please send at most 3 photos."))
    cleaned = []
    for upload in uploads:
        raw = await upload.read()
        cleaned.append(clean(raw))
    return cleaned


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        return None
    return int(raw)


def _float_param(request: Request, name: str) -> float | None:
    try:
        value = float(request.query_params.get(name, ""))
    except ValueError:
        return None
    return value if -180 <= value <= 180 else None


async def similar_fragment(request: Request) -> Response:
    """Open public items like the one being typed (for the script on the form)."""
    text = request.query_params.get("text", "")[:5000]
    async with database(request).reading() as session:
        found = await queries.similar(
            session,
            category_id=_int_param(request, "category"),
            district_id=_int_param(request, "district"),
            lat=_float_param(request, "lat"),
            lon=_float_param(request, "lon"),
            text=text,
        )
        similar = await concerns_out(session, found)
    return page(request, "_similar", {"similar": similar})


async def detail(
    request: Request,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The item's page; after a refused step, with the message beside the step's field and
    what was typed kept in it."""
    who = actor(request)
    async with database(request).reading() as session:
        item = await actions.access_readable(session, who, concern_id(request))
        staff = policy.can_see_internals(who, item.department_id)
        author = policy.is_author(who, item.author_id)
        shown = await concern_out(session, item, staff=staff, author=author)
        values: dict[str, Any] = {
            "item": shown,
            "raw": item,
            "staff": staff,
            "office": is_office(who),
            "author": author,
            "supporting": who.user_id is not None
            and await queries.is_supporter(session, item.id, who.user_id),
            "can_support": policy.can_support(who, item.author_id, item.state),
            "can_reopen": author and policy.can_reopen(item.state, item.reopen_until, utcnow()),
            "since": await queries.latest_event_id(session),
            "errors": errors or {},
            "typed": typed or {},
        }
        if staff:
            values.update(
                {
                    "notes": await queries.notes(session, item.id),
                    "history": await queries.history(session, item.id),
                    "draft": await queries.draft_answer(session, item.id),
                    "photos": await queries.photos(session, item.id),
                    "templates": await filled_templates(session, item, shown.category),
                    "departments": await queries.departments(session),
                    "categories": await queries.categories(session),
                }
            )
    return page(request, "detail", values, status)


async def filled_templates(session: Any, item: Any, category: str) -> list[dict[str, str]]:
    """Answer templates with the item's number, category, department and date filled in."""
    department = ""
    for found in await queries.departments(session):
        if found.id == item.department_id:
            department = found.name
    return [
        {"name": t.name, "body": workflow.fill_template(t.body, item, category, department)}
        for t in await queries.templates(session)
    ]


async def support(request: Request) -> Response:
    who = actor(request)
    async with database(request).unit_of_work() as uow:
        item = await actions.access_readable(uow.session, who, concern_id(request))
        if request.url.path.endswith("/unsupport"):
            await actions.do_unsupport(uow, context(request), who, item)
        else:
            await actions.do_support(uow, context(request), who, item)
    return RedirectResponse(f"/concerns/{item.id}#support", status_code=303)


# The id of each step form's field on the item's page: (step, field) -> id.
STEP_FIELDS: dict[tuple[str, str], str] = {
    ("route", "department"): "route-department",
    ("category", "category"): "change-category",
    ("forward", "to"): "forward-to",
    ("merge", "original"): "merge-original",
    ("unpublish", "reason"): "unpublish-reason",
    ("accept", "promised_on"): "promised-on",
    ("return", "reason"): "return-reason",
    ("answer", "outcome"): "answer-outcome",
    ("answer", "body"): "answer-body",
    ("notes", "body"): "note-body",
}


def step_errors(name: str, error: InvalidInput) -> dict[str, str]:
    """The messages of a refused step under the ids of its form's fields (a message about the
    step as a whole goes to its first field)."""
    own = [field_id for (step, _field), field_id in STEP_FIELDS.items() if step == name]
    fallback = own[0] if own else "staff"
    fields = error.fields or {"": error.message}
    return {STEP_FIELDS.get((name, field), fallback): _(text) for field, text in fields.items()}


def step_form(name: str) -> Any:
    async def endpoint(request: Request) -> Response:
        form = await form_data(request)
        try:
            item = await run_step(request, name, form)
        except InvalidInput as error:
            typed = {
                field_id: str(form.get(field, ""))
                for (step, field), field_id in STEP_FIELDS.items()
                if step == name
            }
            return await detail(request, step_errors(name, error), typed, 422)
        return RedirectResponse(f"/concerns/{item.id}#staff", status_code=303)

    return endpoint


async def hide_photo(request: Request) -> Response:
    who = actor(request)
    form = await form_data(request)
    photo_id = int(request.path_params["photo_id"])
    if not 1 <= photo_id <= MAX_ID:
        raise NotFound(lazy("This photo does not exist."))
    async with database(request).unit_of_work() as uow:
        item = await actions.access_office(uow.session, who, concern_id(request))
        data = validate(PhotoHideIn, form)
        photo = await queries.photo(uow.session, photo_id)
        if photo is None or photo.concern_id != item.id:
            raise NotFound(lazy("This photo does not exist."))
        await workflow.do_hide_photo(uow, context(request), who, photo, data.reason)
    return RedirectResponse(f"/concerns/{item.id}#staff", status_code=303)


async def photo_file(request: Request) -> Response:
    who = actor(request)
    photo_id = int(request.path_params["photo_id"])
    if not 1 <= photo_id <= MAX_ID:
        raise NotFound(lazy("This photo does not exist."))
    async with database(request).reading() as session:
        photo = await queries.photo(session, photo_id)
        if photo is None:
            raise NotFound(lazy("This photo does not exist."))
        item = await actions.access_readable(session, who, photo.concern_id)
        if photo.hidden and not policy.can_see_internals(who, item.department_id):
            raise NotFound(lazy("This photo does not exist."))
        data = photo.data
    return Response(
        data,
        media_type="image/jpeg",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


async def track(request: Request) -> Response:
    """The private page of an e-mail or anonymous author: state, answer, confirm, reopen."""
    token = request.path_params["token"]
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await form_data(request)
        try:
            async with database(request).unit_of_work() as uow:
                item = await actions.access_by_token(uow.session, token)
                if form.get("action") == "confirm":
                    await actions.do_confirm(uow, context(request), item)
                else:
                    await reopen_with(uow, request, item, form)
            return RedirectResponse(f"/concerns/track/{token}", status_code=303)
        except InvalidInput as error:
            errors, status = error.fields, 422
    async with database(request).reading() as session:
        item = await actions.access_by_token(session, token)
        shown = await concern_out(session, item, author=True)
        if not policy.is_public(item.state, item.is_public):
            shown.photos = []  # served to readers of public items only
    return page(
        request,
        "track",
        {
            "item": shown,
            "raw": item,
            "token": token,
            "errors": errors,
            "can_reopen": policy.can_reopen(item.state, item.reopen_until, utcnow()),
        },
        status,
    )


async def reopen_with(uow: Any, request: Request, item: Any, form: dict[str, Any]) -> None:
    values = {**form, "reopen": form.get("reopen") == "yes", "solved": form.get("solved", "")}
    data = validate(ReopenIn, values)
    await workflow.do_reopen(
        uow,
        context(request),
        item,
        solved=data.solved,
        satisfaction=data.satisfaction,
        reason=data.reason,
        reopen=data.reopen,
    )


async def reopen(request: Request) -> Response:
    who = actor(request)
    form = await form_data(request)
    async with database(request).unit_of_work() as uow:
        item = await actions.access_readable(uow.session, who, concern_id(request))
        if not policy.is_author(who, item.author_id):
            raise Forbidden(lazy("Only the author may answer this."))
        await reopen_with(uow, request, item, form)
    return RedirectResponse(f"/concerns/{item.id}", status_code=303)


def require_signed_in(request: Request) -> None:
    if not actor(request).authenticated:
        raise NotAuthenticated(lazy("Please sign in."))


async def office_queue(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    state = request.query_params.get("state", "")
    spec = queries.QueueFilter(
        states=(state,) if state in State.__members__.values() else tuple(policy.OPEN),
        department_id=_int_param(request, "department"),
        category_id=_int_param(request, "category"),
        district_id=_int_param(request, "district"),
        overdue_on=utcnow().date() if request.query_params.get("overdue") else None,
    )
    async with database(request).reading() as session:
        items = await queries.queue(session, spec)
        values = {
            "items": items,
            "filters": dict(request.query_params),
            "departments": await queries.departments(session),
            "categories": await queries.categories(session, active_only=False),
            "districts": await queries.districts(session),
            "routes": await queries.routes(session),
            "today": utcnow().date(),
            "errors": {},
            "since": await queries.latest_event_id(session),
        }
    return page(request, "office", values)


async def set_route(request: Request) -> Response:
    who = actor(request)
    actions.check_office(who)
    data = validate(RouteRuleIn, await form_data(request))
    async with database(request).unit_of_work() as uow:
        await workflow.do_set_route(
            uow, context(request), who, data.category, data.district, data.department
        )
    return RedirectResponse("/office/concerns#routing", status_code=303)


async def office_settings(request: Request) -> Response:
    """Categories, departments and answer templates, kept by the office."""
    who = actor(request)
    actions.check_office(who)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await form_data(request)
        kind = request.path_params.get("part", "")
        try:
            async with database(request).unit_of_work() as uow:
                if kind == "categories":
                    form["active"] = "active" in form
                    data = validate(CategoryEditIn, form)
                    await office.do_save_category(uow, context(request), who, data)
                elif kind == "departments":
                    form["publishes_directly"] = "publishes_directly" in form
                    setting = validate(DepartmentSettingIn, form)
                    await office.do_save_department_setting(uow, context(request), who, setting)
                elif kind == "templates":
                    template = validate(TemplateIn, form)
                    await office.do_add_template(uow, context(request), who, template)
                else:
                    raise NotFound(lazy("This page does not exist."))
            return RedirectResponse(f"/office/concerns/settings#{kind}", status_code=303)
        except InvalidInput as error:
            errors, status = error.fields, 422
    async with database(request).reading() as session:
        values = {
            "categories": await queries.categories(session, active_only=False),
            "departments": await queries.departments(session),
            "settings": await queries.department_settings(session),
            "templates": await queries.templates(session),
            "errors": errors,
        }
    return page(request, "settings", values, status)


async def department_queue(request: Request) -> Response:
    who = actor(request)
    require_signed_in(request)
    if who.role != "staff" or who.department_id is None:
        raise Forbidden(lazy("This queue is for department staff."))
    spec = queries.QueueFilter(
        states=(State.review, State.progress), department_id=who.department_id
    )
    async with database(request).reading() as session:
        items = await queries.queue(session, spec)
        since = await queries.latest_event_id(session)
    return page(
        request,
        "department",
        {
            "items": items,
            "department_id": who.department_id,
            "today": utcnow().date(),
            "since": since,
        },
    )


async def mine(request: Request) -> Response:
    who = actor(request)
    require_signed_in(request)
    assert who.user_id is not None
    async with database(request).reading() as session:
        own = await queries.own_items(session, who.user_id)
        supported = await queries.supported_items(session, who.user_id)
    return page(request, "mine", {"own": own, "supported": supported})


routes: list[BaseRoute] = [
    Route("/concerns", public_list),
    Route("/concerns/new", new, methods=["GET", "POST"]),
    Route("/concerns/similar", similar_fragment),
    Route("/concerns/department", department_queue),
    Route("/concerns/photos/{photo_id:int}", photo_file),
    Route("/concerns/track/{token}", track, methods=["GET", "POST"]),
    Route("/concerns/{concern_id:int}", detail),
    Route("/concerns/{concern_id:int}/support", support, methods=["POST"]),
    Route("/concerns/{concern_id:int}/unsupport", support, methods=["POST"]),
    Route("/concerns/{concern_id:int}/reopen", reopen, methods=["POST"]),
    Route("/concerns/{concern_id:int}/photos/{photo_id:int}/hide", hide_photo, methods=["POST"]),
    *(
        Route(f"/concerns/{{concern_id:int}}/{name}", step_form(name), methods=["POST"])
        for name in STEPS
    ),
    Route("/office/concerns", office_queue),
    Route("/office/concerns/routes", set_route, methods=["POST"]),
    Route("/office/concerns/settings", office_settings),
    Route("/office/concerns/settings/{part}", office_settings, methods=["POST"]),
    Route("/me/concerns", mine),
]
