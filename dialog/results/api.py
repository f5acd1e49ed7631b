"""JSON routes of the results: official answers, exports, hand-over, the decision."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.errors import NotFound
from dialog.i18n import lazy
from dialog.results import actions, jobs, policy, queries
from dialog.results.download import export_response
from dialog.results.schemas import AnswerIn, AnswerOut, DecisionIn, ExportQuery, HandoverJobOut
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body, query_as
from dialog.web.services import services


class ProcedureDecisionOut(BaseModel):
    procedure_id: int
    text: str
    html: str
    decided_on: date | None
    updated_at: datetime


def job_out(job: object) -> HandoverJobOut:
    return HandoverJobOut.model_validate(job, from_attributes=True)


async def answer_comment(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    data = await json_body(request, AnswerIn)
    async with database(request).unit_of_work() as uow:
        comment, thread, procedure = await actions.access_comment_to_answer(
            uow.session, who, request.path_params["comment_id"]
        )
        answer, created = await actions.do_answer(
            uow, services(request).settings, who, thread, procedure, comment, data
        )
    async with database(request).reading() as session:
        out = await queries.answer_by_id(session, answer.id)
    assert out is not None
    return respond(out, status=201 if created else 200)


async def answer_thread(request: Request) -> Response:
    who = actor(request)
    if request.method == "GET":
        async with database(request).reading() as session:
            if (
                await queries.thread_with_procedure(session, request.path_params["thread_id"])
                is None
            ):
                raise NotFound(lazy("This thread does not exist."))
            found = await queries.answers_for_thread(session, request.path_params["thread_id"])
        items: list[AnswerOut] = sorted(found.values(), key=lambda item: item.id)
        return respond(items)
    actions.require_signed_in(who)
    data = await json_body(request, AnswerIn)
    async with database(request).unit_of_work() as uow:
        thread, procedure = await actions.access_thread_to_answer(
            uow.session, who, request.path_params["thread_id"]
        )
        answer, created = await actions.do_answer(
            uow, services(request).settings, who, thread, procedure, None, data
        )
    async with database(request).reading() as session:
        out = await queries.answer_by_id(session, answer.id)
    assert out is not None
    return respond(out, status=201 if created else 200)


async def export(request: Request) -> Response:
    query = query_as(request, ExportQuery)
    async with database(request).reading() as session:
        procedure = await actions.access_procedure_for(
            session, actor(request), request.path_params["procedure_id"], policy.can_export
        )
    delimiter = ";" if query.delimiter == "semicolon" else ","
    return await export_response(database(request), procedure, query.format, delimiter, query.lang)


async def handover(request: Request) -> Response:
    async with database(request).unit_of_work() as uow:
        job = await jobs.do_request_handover(uow, actor(request), request.path_params["thread_id"])
    return respond(job_out(job), status=202)


async def handovers(request: Request) -> Response:
    async with database(request).reading() as session:
        procedure = await actions.access_procedure_for(
            session, actor(request), request.path_params["procedure_id"], policy.can_see_handovers
        )
        rows = await queries.handovers_of_procedure(session, procedure.id)
    return respond([job_out(row.job) for row in rows])


async def decision(request: Request) -> Response:
    who = actor(request)
    actions.require_signed_in(who)
    data = await json_body(request, DecisionIn)
    async with database(request).unit_of_work() as uow:
        procedure = await actions.access_procedure_for(
            uow.session, who, request.path_params["procedure_id"], policy.can_hand_over
        )
        saved = await actions.do_set_decision(uow, who, procedure, data)
        out = ProcedureDecisionOut.model_validate(saved, from_attributes=True)
    return respond(out)


routes: list[BaseRoute] = [
    ApiRoute(
        "/comments/{comment_id:int}/answer",
        answer_comment,
        docs={
            "POST": Doc(
                "Answer a comment officially (staff of the responsible department, admins); "
                "201 first answer, 200 update",
                AnswerOut,
                request=AnswerIn,
                status=201,
                also=(200,),
                auth=True,
            )
        },
    ),
    ApiRoute(
        "/threads/{thread_id:int}/answer",
        answer_thread,
        docs={
            "GET": Doc(
                "Official answers in a thread (the thread's own has comment_id null)",
                list[AnswerOut],
            ),
            "POST": Doc(
                "Answer a whole thread officially; 201 first answer, 200 update",
                AnswerOut,
                request=AnswerIn,
                status=201,
                also=(200,),
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/procedures/{procedure_id:int}/export",
        export,
        docs={
            "GET": Doc(
                "Export the published contributions as CSV, XLSX or JSON (department staff, "
                "moderators, admins); delimiter=semicolon for German Excel; lang=de|en for "
                "people: headers in that language, Potsdam time beside each ISO value, words "
                "for codes (without lang: the fixed machine columns)",
                None,
                query=ExportQuery,
                auth=True,
            )
        },
    ),
    ApiRoute(
        "/threads/{thread_id:int}/handover",
        handover,
        docs={
            "POST": Doc(
                "Hand a thread's results over to the department now (one job per thread)",
                HandoverJobOut,
                status=202,
                auth=True,
            )
        },
    ),
    ApiRoute(
        "/procedures/{procedure_id:int}/handovers",
        handovers,
        docs={
            "GET": Doc(
                "Hand-over jobs of a procedure and their state", list[HandoverJobOut], auth=True
            )
        },
    ),
    ApiRoute(
        "/procedures/{procedure_id:int}/decision",
        decision,
        docs={
            "PUT": Doc(
                "Record the decision taken on a procedure (shown in its public results)",
                ProcedureDecisionOut,
                request=DecisionIn,
                auth=True,
            )
        },
    ),
]
