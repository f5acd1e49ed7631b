"""District pages: the district's procedures, proposals, organisations and contact person."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialog.districts import queries
from dialog.errors import NotFound
from dialog.i18n import lazy
from dialog.organisations import queries as organisation_queries
from dialog.procedures import queries as procedure_queries
from dialog.procedures.schemas import ProcedureFilters
from dialog.proposals import queries as proposal_queries
from dialog.web.api import database
from dialog.web.templating import render

PER_PAGE = 50


async def district_list(request: Request) -> Response:
    async with database(request).reading() as session:
        rows = await procedure_queries.districts(session)
    return render(request, "districts/list.html", {"districts": rows})


async def district_page(request: Request) -> Response:
    slug: str = request.path_params["slug"]
    async with database(request).reading() as session:
        found = next(
            (d for d in await procedure_queries.districts(session) if d.slug == slug), None
        )
        if found is None:
            raise NotFound(lazy("This district does not exist."))
        filters = ProcedureFilters(district=slug, per_page=PER_PAGE)
        procedures, total = await procedure_queries.list_procedures(session, filters)
        context = {
            "d": found,
            "procedures": procedures,
            "total": total,
            "proposals": await proposal_queries.in_district(session, found.id),
            "organisations": await organisation_queries.in_district(session, found.id),
            "concerns": await queries.public_concerns(session, found.id),
        }
    return render(request, "districts/detail.html", context)


routes: list[BaseRoute] = [
    Route("/districts", district_list),
    Route("/districts/{slug:str}", district_page),
]
