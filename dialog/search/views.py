"""The search page: /search?q=… (a form that works without JavaScript)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialog.errors import InvalidInput
from dialog.search.present import search
from dialog.search.schemas import SearchQuery
from dialog.web.api import database
from dialog.web.inputs import validate
from dialog.web.templating import render


async def search_page(request: Request) -> Response:
    raw = {k: v for k, v in request.query_params.items() if k in SearchQuery.model_fields}
    q = raw.get("q", "")
    if not q.strip():
        return render(request, "search/search.html", {"q": "", "result": None, "errors": {}})
    try:
        query = validate(SearchQuery, raw)
    except InvalidInput as error:
        refused = {"q": q, "result": None, "errors": error.fields}
        return render(request, "search/search.html", refused, status_code=422)
    async with database(request).reading() as session:
        result = await search(session, query)

    def page_link(page: int) -> str:
        return "/search?" + urlencode({"q": query.q, "page": page})

    context: dict[str, Any] = {
        "q": query.q,
        "result": result,
        "errors": {},
        "page_link": page_link,
    }
    return render(request, "search/search.html", context)


routes: list[BaseRoute] = [Route("/search", search_page)]
