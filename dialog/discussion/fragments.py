"""GET /threads/{id}/fragments?ids=4,7: the comments the live stream announced, rendered for this
reader by the page's own partial, for static/js/thread.js to put where each one belongs.

Only published comments of that thread come back (what the stream announces); one hidden or
withdrawn since is left out. Responses are not cached anywhere: they carry the reader's CSRF
token, votes and forms.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response

from dialog.direct import run_in_session
from dialog.discussion import queries
from dialog.discussion.partial import comment_context, editable_ids
from dialog.discussion.present import comment_out
from dialog.errors import InvalidInput, NotFound
from dialog.evaluation.queries import offline_lines
from dialog.i18n import lazy
from dialog.procedures import queries as procedure_queries
from dialog.results import queries as results_queries
from dialog.review.policy import can_see_procedure
from dialog.web.api import actor, database
from dialog.web.ids import is_id
from dialog.web.templating import render

MAX_IDS = 50  # the script asks in batches of this size
IDS_MESSAGE = lazy("Name 1 to 50 comments by their numbers, separated by commas.")


def parse_ids(raw: str) -> list[int]:
    """`4,7,9` -> [4, 7, 9]: each an id, at most MAX_IDS, doubles once."""
    parts = raw.split(",")
    if not raw or len(parts) > MAX_IDS or not all(is_id(p) for p in parts):
        raise InvalidInput(IDS_MESSAGE, {"ids": IDS_MESSAGE})
    return sorted({int(p) for p in parts})


async def thread_fragments(request: Request) -> Response:
    thread_id: int = request.path_params["thread_id"]
    ids = parse_ids(request.query_params.get("ids", ""))
    who = actor(request)
    editable: dict[int, str] = {}
    flagged: set[int] = set()
    my_organisations: Sequence[queries.ActingFor] = ()
    async with database(request).reading() as session:
        thread = await procedure_queries.thread(session, thread_id)
        if thread is None or not can_see_procedure(
            who, thread.procedure.status, thread.procedure.department_id
        ):
            raise NotFound(lazy("This thread does not exist."))
        rows = await queries.published_among(session, thread_id, ids)
        shown = [row.comment.id for row in rows]
        votes = await queries.votes_of(session, who.user_id, shown)
        answers = await results_queries.answers_for_thread(session, thread_id)
        offline = await offline_lines(session, shown)
        comments = [
            comment_out(
                row.comment,
                row.author_name,
                row.author_deleted,
                who,
                votes.get(cid),
                row.organisation,
            )
            for row, cid in zip(rows, shown, strict=True)
        ]
        if who.user_id is not None:
            editable = await queries.sources_of(session, editable_ids(who, comments))
            flagged = await queries.flagged_by(session, who.user_id, shown)
            reader = await run_in_session(session, queries.on_page(who.user_id, thread_id))
            my_organisations = reader.organisations
    response = render(
        request,
        "discussion/_fragments.html",
        {
            "comments": comments,
            "ctx": comment_context(thread, who, answers, {}, detached=True, offline=offline),
            "editable": editable,
            "my_organisations": my_organisations,
            "flagged": flagged,
            "errors": {},
            "values": {},
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response
