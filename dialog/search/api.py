"""GET /api/v1/search?q=: published contributions the reader may see, newest first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.search.present import search
from dialog.search.schemas import SearchPage, SearchQuery
from dialog.web.api import ApiRoute, Doc, database, respond
from dialog.web.inputs import query_as


async def search_api(request: Request) -> Response:
    query = query_as(request, SearchQuery)
    async with database(request).reading() as session:
        return respond(await search(session, query))


routes: list[BaseRoute] = [
    ApiRoute(
        "/search",
        search_api,
        docs={
            "GET": Doc(
                "Search published comments (German stemming), newest first, 20 per page; "
                "`snippet_html` is escaped text with the matched words in <mark>",
                SearchPage,
                query=SearchQuery,
            )
        },
    )
]
