"""Feed and calendar routes: /procedures.atom (the Vorhabenliste's filters),
/procedures/{id}.atom, /threads/{id}.atom and /procedures/{id}.ics."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialog.db import utcnow
from dialog.errors import NotFound
from dialog.feeds import atom, build, calendar, queries
from dialog.feeds.conditional import conditional
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.procedures import queries as procedure_queries
from dialog.procedures.schemas import ProcedureFilters
from dialog.web.api import database
from dialog.web.inputs import validate
from dialog.web.services import services

ATOM = "application/atom+xml; charset=utf-8"
CALENDAR = "text/calendar; charset=utf-8"
PUBLISHER = lazy("City of Potsdam")


def _base(request: Request) -> str:
    return services(request).settings.base_url


def _locale(request: Request) -> str:
    return str(request.scope.get("state", {}).get("locale", "de"))


def list_filters(request: Request) -> ProcedureFilters:
    """The Vorhabenliste's filters from the query string; the feed always lists the newest
    changes first, on one page."""
    raw = {k: v for k, v in request.query_params.items() if k in ProcedureFilters.model_fields}
    chosen = validate(ProcedureFilters, raw)
    return chosen.model_copy(update={"sort": "updated", "page": 1, "per_page": queries.LIMIT})


async def procedures_feed(request: Request) -> Response:
    filters = list_filters(request)
    base = _base(request)
    async with database(request).reading() as session:
        items, _total = await procedure_queries.list_procedures(session, filters)
    entries = [build.procedure_entry(base, p) for p in items]
    query = request.url.query
    updated = build.newest(entries, atom.EPOCH)
    feed = atom.Feed(
        id=atom.tag_uri(base, "procedures" + (f"?{query}" if query else "")),
        title=_("Participation procedures in Potsdam"),
        subtitle=_("New and changed procedures of the Vorhabenliste"),
        link=f"{base}/procedures" + (f"?{query}" if query else ""),
        self_link=f"{base}/procedures.atom" + (f"?{query}" if query else ""),
        updated=updated,
        language=_locale(request),
        author=_(PUBLISHER),
        entries=entries,
    )
    return conditional(request, atom.render(feed), ATOM, updated)


async def procedure_feed(request: Request) -> Response:
    base = _base(request)
    async with database(request).reading() as session:
        found = await procedure_queries.procedure(session, request.path_params["procedure_id"])
        if found is None:
            raise NotFound(lazy("This procedure does not exist."))
        answers = await queries.thread_answers(session, [t.id for t in found.threads])
        decision = await queries.decision(session, found.id)
    entries = build.procedure_news(base, found, answers, decision, utcnow())
    updated = build.newest(entries, found.updated_at)
    feed = atom.Feed(
        id=atom.tag_uri(base, f"procedure:{found.id}:news"),
        title=found.title,
        subtitle=found.summary,
        link=f"{base}/procedures/{found.id}",
        self_link=f"{base}/procedures/{found.id}.atom",
        updated=updated,
        language=_locale(request),
        author=found.department.name,
        entries=entries,
    )
    return conditional(request, atom.render(feed), ATOM, updated)


async def thread_feed(request: Request) -> Response:
    base = _base(request)
    async with database(request).reading() as session:
        thread = await procedure_queries.thread(session, request.path_params["thread_id"])
        if thread is None:
            raise NotFound(lazy("This thread does not exist."))
        comments = await queries.top_level_comments(session, thread.id)
        answers = await queries.thread_answers(session, [thread.id])
    entries = build.thread_news(base, thread, comments, answers)
    updated = build.newest(entries, thread.created_at)
    feed = atom.Feed(
        id=atom.tag_uri(base, f"thread:{thread.id}:comments"),
        title=thread.title,
        subtitle=thread.question,
        link=f"{base}/threads/{thread.id}",
        self_link=f"{base}/threads/{thread.id}.atom",
        updated=updated,
        language=_locale(request),
        author=thread.procedure.department.name,
        entries=entries,
    )
    return conditional(request, atom.render(feed), ATOM, updated)


async def procedure_ics(request: Request) -> Response:
    async with database(request).reading() as session:
        found = await procedure_queries.procedure(session, request.path_params["procedure_id"])
    if found is None:
        raise NotFound(lazy("This procedure does not exist."))
    body = calendar.procedure_calendar(_base(request), found)
    return conditional(
        request, body, CALENDAR, calendar.latest(found), filename=f"procedure-{found.id}.ics"
    )


routes: list[BaseRoute] = [
    Route("/procedures.atom", procedures_feed),
    Route("/procedures/{procedure_id:int}.atom", procedure_feed),
    Route("/procedures/{procedure_id:int}.ics", procedure_ics),
    Route("/threads/{thread_id:int}.atom", thread_feed),
]
