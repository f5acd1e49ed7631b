"""JSON routes of the workbench: the opinion groups of a procedure."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.evaluation import actions, groups, policy
from dialog.web.api import ApiRoute, Doc, actor, database, respond


async def opinion_groups(request: Request) -> Response:
    who = actor(request)
    procedure_id: int = request.path_params["procedure_id"]
    async with database(request).reading() as session:
        await actions.access_procedure(session, who, procedure_id, policy.can_read_opinion_groups)
        threads = await groups.of_procedure(session, procedure_id)
    return respond(groups.procedure_out(threads))


routes: list[BaseRoute] = [
    ApiRoute(
        "/procedures/{procedure_id:int}/opinion-groups",
        opinion_groups,
        docs={
            "GET": Doc(
                "Opinion groups, consensus and divisive contributions from the votes (staff of "
                "the department, office, admins); empty lists below the thresholds",
                groups.OpinionGroupsOut,
                auth=True,
            )
        },
    ),
]
