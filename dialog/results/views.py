"""HTML pages of the results: department workspace, answer and decision forms, the report."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.db import utcnow
from dialog.errors import InvalidInput, NotFound
from dialog.evaluation import policy as evaluation_policy
from dialog.evaluation.schemas import offline_label
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.results import actions, jobs, policy, queries, report
from dialog.results.models import AnswerState, JobState
from dialog.results.present import answer_url, state_label
from dialog.results.schemas import AnswerIn, DecisionIn, HandoverSettingsIn
from dialog.web.api import actor, database
from dialog.web.ids import is_id
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render

JOB_STATES = {
    JobState.pending: lazy("waiting"),
    JobState.running: lazy("being delivered"),
    JobState.done: lazy("delivered"),
    JobState.failed: lazy("failed, given up"),
}


def _states() -> list[tuple[str, str]]:
    return [(state.value, state_label(state.value)) for state in AnswerState]


def _job_states() -> dict[str, str]:
    return {state: _(label) for state, label in JOB_STATES.items()}


async def workspace(request: Request) -> Response:
    who = actor(request)
    async with database(request).reading() as session:
        department = await actions.access_department(session, who, request.path_params["slug"])
        data = await queries.workspace(session, department, utcnow())
    return render(request, "results/workspace.html", {"w": data, "job_states": _job_states()})


async def handover_settings(request: Request) -> Response:
    who = actor(request)
    slug = request.path_params["slug"]
    async with database(request).reading() as session:
        department = await actions.access_department(session, who, slug)
    values: dict[str, Any] = {
        "handover_channel": department.handover_channel or "",
        "handover_email": department.handover_email or "",
        "webhook_url": department.webhook_url or "",
    }
    context: dict[str, Any] = {"department": department, "values": values, "errors": {}}
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data = validate(HandoverSettingsIn, form)
            if data.webhook_url:
                allow = services(request).settings.webhook_allow_private
                await actions.check_webhook_target(data.webhook_url, allow_private=allow)
            async with database(request).unit_of_work() as uow:
                target = await actions.access_department(uow.session, who, slug)
                await actions.do_set_handover(uow, who, target, data)
            return RedirectResponse(f"/departments/{slug}#handover-h", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "results/settings.html", context, status_code=422)
    return render(request, "results/settings.html", context)


async def hand_over(request: Request) -> Response:
    who = actor(request)
    back = (await form_data(request)).get("back")
    async with database(request).unit_of_work() as uow:
        job = await jobs.do_request_handover(uow, who, request.path_params["thread_id"])
    if back == "thread":  # pressed on the thread's own page
        return RedirectResponse(
            f"/threads/{job.thread_id}?handover=requested#manage-h", status_code=303
        )
    async with database(request).reading() as session:
        slug = await queries.department_slug_of_thread(session, job.thread_id)
    return RedirectResponse(f"/departments/{slug}#handover-h", status_code=303)


async def answer_form(request: Request) -> Response:
    """Answer a comment (comment_id in the path) or a whole thread (thread_id)."""
    who = actor(request)
    comment_id = request.path_params.get("comment_id")
    thread_id: int = request.path_params.get("thread_id", 0)
    async with database(request).reading() as session:
        if comment_id is not None:
            comment, thread, procedure = await actions.access_comment_to_answer(
                session, who, comment_id
            )
        else:
            comment = None
            thread, procedure = await actions.access_thread_to_answer(session, who, thread_id)
        existing = (await queries.answers_for_thread(session, thread.id)).get(
            comment.id if comment else None
        )
    values: dict[str, Any] = {"state": "received", "body": "", "reason": ""}
    if existing is not None:
        values = {"state": existing.state, "body": "", "reason": existing.reason}
    context: dict[str, Any] = {
        "comment": comment,
        "thread": thread,
        "procedure": procedure,
        "existing": existing,
        "states": _states(),
        "values": values,
        "errors": {},
        "action": request.url.path,
    }
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data = validate(AnswerIn, form)
            async with database(request).unit_of_work() as uow:
                if comment_id is not None:
                    comment, thread, procedure = await actions.access_comment_to_answer(
                        uow.session, who, comment_id
                    )
                else:
                    thread, procedure = await actions.access_thread_to_answer(
                        uow.session, who, thread_id
                    )
                answer, _created = await actions.do_answer(
                    uow, services(request).settings, who, thread, procedure, comment, data
                )
            return RedirectResponse(answer_url(answer), status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "results/answer_form.html", context, status_code=422)
    return render(request, "results/answer_form.html", context)


async def decision_form(request: Request) -> Response:
    who = actor(request)
    procedure_id = request.path_params["procedure_id"]
    async with database(request).reading() as session:
        procedure = await actions.access_procedure_for(
            session, who, procedure_id, policy.can_hand_over
        )
        current = await queries.decision(session, procedure_id)
    values: dict[str, Any] = {
        "text": current.text if current else "",
        "decided_on": current.decided_on.isoformat() if current and current.decided_on else "",
    }
    context: dict[str, Any] = {"procedure": procedure, "values": values, "errors": {}}
    if request.method == "POST":
        form = await form_data(request)
        context["values"] = form
        try:
            data = validate(DecisionIn, form)
            async with database(request).unit_of_work() as uow:
                target = await actions.access_procedure_for(
                    uow.session, who, procedure_id, policy.can_hand_over
                )
                await actions.do_set_decision(uow, who, target, data)
            return RedirectResponse(f"/procedures/{procedure_id}#results-h", status_code=303)
        except InvalidInput as error:
            context["errors"] = error.fields
            return render(request, "results/decision_form.html", context, status_code=422)
    return render(request, "results/decision_form.html", context)


async def report_page(request: Request) -> Response:
    who = actor(request)
    raw_top = request.query_params.get("top", "")
    top = min(int(raw_top), 500) if is_id(raw_top) else report.TOP
    async with database(request).reading() as session:
        procedure = await actions.access_procedure_for(
            session, who, request.path_params["procedure_id"], policy.can_read_report
        )
        found = await report.build(session, request.path_params["procedure_id"], top)
    if found is None:
        raise NotFound(lazy("This procedure does not exist."))
    return render(
        request,
        "results/report.html",
        {
            "r": found,
            "charts": report.charts(found),
            "now": utcnow(),
            "can_code": evaluation_policy.can_code(who, procedure.department_id),
            "offline_label": offline_label,
        },
    )


routes: list[BaseRoute] = [
    Route("/departments/{slug:str}", workspace),
    Route("/departments/{slug:str}/settings", handover_settings, methods=["GET", "POST"]),
    Route("/threads/{thread_id:int}/handover", hand_over, methods=["POST"]),
    Route("/comments/{comment_id:int}/answer", answer_form, methods=["GET", "POST"]),
    Route("/threads/{thread_id:int}/answer", answer_form, methods=["GET", "POST"]),
    Route("/procedures/{procedure_id:int}/decision", decision_form, methods=["GET", "POST"]),
    Route("/procedures/{procedure_id:int}/report", report_page),
]
