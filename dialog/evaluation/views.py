"""HTML pages of the workbench: the coding page, the codebook, offline input. All work
without JavaScript (POST, then redirect); static/js/coding.js adds keyboard shortcuts."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.discussion.partial import STANCES
from dialog.errors import InvalidInput
from dialog.evaluation import actions, queries
from dialog.evaluation.schemas import (
    OFFLINE_KINDS,
    CodingIn,
    MergeIn,
    OfflineIn,
    ThemeIn,
    offline_label,
)
from dialog.procedures.models import Procedure
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.templating import render

PAGE = 20
MAX_ID = 2**31 - 1


def _number(raw: object, default: int = 0) -> int:
    text = raw if isinstance(raw, str) else ""
    return (
        int(text) if (text.isascii() and text.isdigit()) and 0 <= int(text) <= MAX_ID else default
    )


def _ids(raw: object) -> list[int]:
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [n for n in (_number(v, -1) for v in values) if n > 0]


async def coding_page(request: Request) -> Response:
    who = actor(request)
    procedure_id: int = request.path_params["procedure_id"]
    params = request.query_params
    after = _number(params.get("after"))
    uncoded = params.get("uncoded") == "1"
    errors: dict[str, str] = {}
    status_code = 200
    if request.method == "POST":
        form = await form_data(request)
        after = _number(form.get("after"))
        uncoded = form.get("uncoded") == "1"
        listed = _ids(form.get("listed"))
        try:
            raw = actions.coding_from_form(form, listed)
            coding = {cid: validate(CodingIn, {"themes": themes}) for cid, themes in raw.items()}
            async with database(request).unit_of_work() as uow:
                procedure = await actions.access_procedure(uow.session, who, procedure_id)
                changed = await actions.do_code(uow, who, procedure, coding)
            following = max(listed, default=after)
            query = f"after={following}&saved={len(listed)}&changed={changed}"
            if uncoded:
                query += "&uncoded=1"
            return RedirectResponse(
                f"/procedures/{procedure_id}/coding?{query}#coding-status", status_code=303
            )
        except InvalidInput as error:
            errors = error.fields
            status_code = 422
    async with database(request).reading() as session:
        procedure = await actions.access_procedure(session, who, procedure_id)
        themes = await queries.themes_of(session, procedure_id)
        items = await queries.coding_items(
            session, procedure_id, after=after, limit=PAGE, uncoded_only=uncoded
        )
        progress = await queries.coding_progress(session, procedure_id)
    return render(
        request,
        "evaluation/coding.html",
        {
            "procedure": procedure,
            "themes": themes,
            "items": items,
            "progress": progress,
            "after": after,
            "uncoded": uncoded,
            "saved": _number(params.get("saved"), -1),
            "changed": _number(params.get("changed"), -1),
            "errors": errors,
            "offline_label": offline_label,
            "stances": STANCES,
        },
        status_code=status_code,
    )


async def _codebook(
    request: Request,
    procedure: Procedure,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    async with database(request).reading() as session:
        counts = await queries.theme_counts(session, procedure.id)
    return render(
        request,
        "evaluation/codebook.html",
        {"procedure": procedure, "counts": counts, "errors": errors or {}, "values": values or {}},
        status_code=status_code,
    )


async def codebook_page(request: Request) -> Response:
    who = actor(request)
    procedure_id: int = request.path_params["procedure_id"]
    async with database(request).reading() as session:
        procedure = await actions.access_procedure(session, who, procedure_id)
    if request.method == "POST":
        form = await form_data(request)
        try:
            data = validate(ThemeIn, form)
            async with database(request).unit_of_work() as uow:
                target = await actions.access_procedure(uow.session, who, procedure_id)
                await actions.do_create_theme(uow, target, data)
            return RedirectResponse(f"/procedures/{procedure_id}/themes#themes-h", status_code=303)
        except InvalidInput as error:
            return await _codebook(request, procedure, error.fields, form, 422)
    return await _codebook(request, procedure)


async def theme_change(request: Request) -> Response:
    """POST /themes/{id}/rename or /themes/{id}/merge."""
    who = actor(request)
    theme_id: int = request.path_params["theme_id"]
    merging = request.url.path.endswith("/merge")
    async with database(request).reading() as session:
        theme = await actions.access_theme(session, who, theme_id)
        procedure = await actions.access_procedure(session, who, theme.procedure_id)
    form = await form_data(request)
    try:
        async with database(request).unit_of_work() as uow:
            stored = await actions.access_theme(uow.session, who, theme_id)
            if merging:
                await actions.do_merge_theme(uow, stored, validate(MergeIn, form))
            else:
                await actions.do_rename_theme(uow, stored, validate(ThemeIn, form))
    except InvalidInput as error:
        prefix = f"theme-{theme_id}-"
        fields = {prefix + name: text for name, text in error.fields.items()}
        values = {prefix + name: value for name, value in form.items()}
        return await _codebook(request, procedure, fields, values, 422)
    return RedirectResponse(f"/procedures/{procedure.id}/themes#themes-h", status_code=303)


async def offline_page(request: Request) -> Response:
    who = actor(request)
    procedure_id: int = request.path_params["procedure_id"]
    async with database(request).reading() as session:
        procedure = await actions.access_procedure(session, who, procedure_id)
        threads = await queries.threads_of(session, procedure_id)
    values: dict[str, Any] = {"kind": "workshop", "people": "1"}
    if threads:
        values["thread_id"] = str(threads[0].id)
    context: dict[str, Any] = {
        "procedure": procedure,
        "threads": threads,
        "kinds": OFFLINE_KINDS,
        "stances": STANCES,
        "values": values,
        "errors": {},
    }
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data = validate(OfflineIn, form)
            async with database(request).unit_of_work() as uow:
                target = await actions.access_procedure(uow.session, who, procedure_id)
                comment = await actions.do_enter_offline(uow, who, target, data)
            return RedirectResponse(f"/comments/{comment.id}", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "evaluation/offline.html", context, status_code=422)
    return render(request, "evaluation/offline.html", context)


routes: list[BaseRoute] = [
    Route("/procedures/{procedure_id:int}/coding", coding_page, methods=["GET", "POST"]),
    Route("/procedures/{procedure_id:int}/themes", codebook_page, methods=["GET", "POST"]),
    Route("/themes/{theme_id:int}/rename", theme_change, methods=["POST"]),
    Route("/themes/{theme_id:int}/merge", theme_change, methods=["POST"]),
    Route("/procedures/{procedure_id:int}/offline", offline_page, methods=["GET", "POST"]),
]
