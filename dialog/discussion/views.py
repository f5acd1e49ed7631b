"""The thread page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialog.errors import NotFound
from dialog.i18n import lazy
from dialog.procedures import queries as procedure_queries
from dialog.web.api import database
from dialog.web.templating import render


async def thread_page(request: Request) -> Response:
    async with database(request).reading() as session:
        thread = await procedure_queries.thread(session, request.path_params["thread_id"])
    if thread is None:
        raise NotFound(lazy("This thread does not exist."))
    return render(request, "discussion/thread.html", {"thread": thread})


routes: list[BaseRoute] = [Route("/threads/{thread_id:int}", thread_page)]
