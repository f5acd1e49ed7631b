"""The thread page and its forms: everything works without JavaScript (POST, then redirect)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import policy as account_policy
from dialog.accounts import queries as account_queries
from dialog.db import utcnow
from dialog.direct import run_in_session
from dialog.discussion import actions, overlay, policy, queries
from dialog.discussion.api import (
    FIRST_PAGE,
    CommentQuery,
    first_page_cache,
    keep,
    load_page,
    page_ids,
    page_version,
    reader_state,
    record_comment,
    record_vote,
)
from dialog.discussion.fragments import thread_fragments
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.kept_list import (
    account_links,
    controls,
    kept_list,
    reader_page,
    reader_shell,
    threaded,
)
from dialog.discussion.models import Comment
from dialog.discussion.page_cache import CSRF_PLACEHOLDER, Entry, Key, PageVersion
from dialog.discussion.partial import STANCES, can_comment, comment_context, editable_ids
from dialog.discussion.present import comment_url
from dialog.discussion.schemas import CommentEdit, CommentIn, FlagIn
from dialog.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
)
from dialog.evaluation.queries import offline_lines
from dialog.i18n import current_locale, lazy
from dialog.i18n import gettext as _
from dialog.live import queries as live_queries
from dialog.procedures import queries as procedure_queries
from dialog.procedures.models import Thread
from dialog.results import queries as results_queries
from dialog.results.schemas import AnswerOut
from dialog.review import policy as review_policy
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render

REFUSALS = (Forbidden, Conflict, NotAuthenticated, TooManyRequests)
PERMANENT_YEAR = 9999  # moderation blocks "for good" until 9999-12-31


async def thread_page(
    request: Request,
    thread_id: int,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    who = actor(request)
    async with database(request).reading() as session:
        thread = await procedure_queries.thread(session, thread_id)
        # A draft procedure's threads are seen by its department and the office only.
        if thread is None or not review_policy.can_see_procedure(
            who, thread.procedure.status, thread.procedure.department_id
        ):
            raise NotFound(lazy("This thread does not exist."))
        answers = await results_queries.answers_for_thread(session, thread_id)
        raw = {k: v for k, v in request.query_params.items() if k in ("sort", "cursor")}
        try:
            query = validate(CommentQuery, raw)
        except InvalidInput:
            query = CommentQuery()
        # The live stream resumes from here. It is read before the page: a comment committed in
        # between is then on the page or replayed to the socket (the page script skips doubles).
        last_event = await live_queries.latest_event_id(session)
    page = await load_page(request, thread_id, query)
    async with database(request).reading() as session:
        offline = await offline_lines(session, [c.id for c in page.items])
    notes: dict[int, str] = {}
    editable: dict[int, str] = {}
    flagged: set[int] = set()
    reader = queries.OnPage(following=False, organisations=())
    if who.user_id is not None:
        own = [
            c.id
            for c in page.items
            if c.author and c.author.id == who.user_id and c.status != "published"
        ]
        hooks: DiscussionHooks = services(request).discussion_hooks
        async with database(request).reading() as session:
            if own:
                notes = await hooks.decision_notes(session, who.user_id, own)
            editable = await queries.sources_of(session, editable_ids(who, page.items))
            flagged = await queries.flagged_by(session, who.user_id, [c.id for c in page.items])
            reader = await run_in_session(session, queries.on_page(who.user_id, thread_id))
    block = await block_of(request) if who.blocked else None
    top, children = threaded(page.items)
    return render(
        request,
        "discussion/thread.html",
        {
            **_shell(request, thread, answers, query, page.next_cursor, last_event),
            "top": top,
            "children": children,
            "ctx": comment_context(thread, who, answers, notes, offline=offline),
            "errors": errors or {},
            "values": values or {},
            "editable": editable,
            "flagged": flagged,
            "block": block,
            "following": reader.following,
            "my_organisations": reader.organisations,
        },
        status_code=status_code,
    )


def _shell(
    request: Request,
    thread: Thread,
    answers: dict[int | None, AnswerOut],
    query: CommentQuery,
    next_cursor: str | None,
    last_event: int,
) -> dict[str, Any]:
    """What the thread page shows around its comments (the same for every way it is built)."""
    who = actor(request)
    return {
        "thread": thread,
        "answers": answers,
        "sort": query.sort,
        "next_cursor": next_cursor,
        "can_comment": can_comment(thread),
        "stances": STANCES,
        "last_event": last_event,
        "can_manage": account_policy.can_manage_procedure(who, thread.procedure.department_id),
        "handover": request.query_params.get("handover") == "requested",
        # Closed by hand or past its closing time (whatever the procedure's phase allows).
        "thread_closed": not policy.thread_is_open(
            thread.is_open, None, thread.closes_at, utcnow()
        ),
    }


async def block_of(request: Request) -> dict[str, Any]:
    """What the blocked reader is told instead of the comment form: until when, and why."""
    who = actor(request)
    assert who.user_id is not None and who.blocked_until is not None
    async with database(request).reading() as session:
        person = await account_queries.user_by_id(session, who.user_id)
    return {
        "until": who.blocked_until,
        "permanent": who.blocked_until.year >= PERMANENT_YEAR,
        "reason": person.block_reason if person else "",
    }


def _back(thread_id: int, comment_id: int | None = None) -> RedirectResponse:
    """After a form: to the comment (on whichever page shows it), else to the thread's list."""
    target = comment_url(comment_id) if comment_id else f"/threads/{thread_id}#comments"
    return RedirectResponse(target, status_code=303)


async def comment_permalink(request: Request) -> Response:
    """GET /comments/{id}: the page of its thread that shows the comment, scrolled to it. Links
    in mails, notifications, reports and the moderation queue use it; a comment deep in a long
    thread is on a later page than the first."""
    comment_id: int = request.path_params["comment_id"]
    who = actor(request)
    async with database(request).reading() as session:
        comment = await session.get(Comment, comment_id)
        if comment is None or not policy.can_see(who, comment.status, comment.author_id):
            raise NotFound(lazy("This comment does not exist."))
        await actions.access_thread_for_reading(session, who, comment.thread_id)
        cursor = await queries.page_cursor_of(session, who, comment, CommentQuery().limit)
    query = f"?cursor={cursor}" if cursor else ""
    return RedirectResponse(f"/threads/{comment.thread_id}{query}#comment-{comment.id}", 302)


async def post_comment(request: Request) -> Response:
    thread_id: int = request.path_params["thread_id"]
    who = actor(request)
    form = await form_data(request)
    try:
        actions.require_writer(who)
        data = validate(
            CommentIn,
            {
                "body": form.get("body", ""),
                "parent_id": form.get("parent_id") or None,
                "stance": form.get("stance") or None,
                "client_id": form.get("client_id") or None,
                "as_organisation": form.get("as_organisation") or None,
            },
        )
        comment, _created = await record_comment(request, thread_id, data)
    except InvalidInput as error:
        # The actions' messages are translated where shown (a repeat of a translated one is
        # left as it is).
        shown = {name: _(text) for name, text in error.fields.items()}
        return await thread_page(request, thread_id, shown, form, status_code=422)
    except REFUSALS as refused:
        # The page comes back with the text in it (or beside the block notice): a refused post
        # never costs the writer their words.
        response = await thread_page(
            request, thread_id, {"body": _(refused.message)}, form, status_code=refused.status
        )
        if isinstance(refused, TooManyRequests):
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    return _back(thread_id, comment.id)


def edit_field(comment_id: int) -> str:
    """The id of a comment's edit textarea; errors of the edit form are filed under it."""
    return f"edit-{comment_id}"


async def edit_form(request: Request) -> Response:
    """Change the text of your own comment within the edit window (same rules as PATCH)."""
    comment_id: int = request.path_params["comment_id"]
    who = actor(request)
    actions.require_writer(who)
    async with database(request).reading() as session:
        comment = await session.get(Comment, comment_id)
    if comment is None or not policy.can_see(who, comment.status, comment.author_id):
        raise NotFound(lazy("This comment does not exist."))
    if comment.author_id != who.user_id:
        raise Forbidden(lazy("Only the author can edit a comment."))
    thread_id = comment.thread_id
    body = str((await form_data(request)).get("body", ""))
    try:
        data = validate(CommentEdit, {"body": body})
        await services(request).limiter.hit("comment", f"user:{who.user_id}")
        hooks: DiscussionHooks = services(request).discussion_hooks
        async with database(request).unit_of_work() as uow:
            await actions.do_edit_comment(uow, who, comment_id, data, hooks)
    except InvalidInput as error:
        message = next(iter(error.fields.values()), error.message)
        field = edit_field(comment_id)
        values = {"edit_id": comment_id, "edit_body": body}
        return await thread_page(request, thread_id, {field: message}, values, status_code=422)
    return _back(thread_id, comment_id)


async def vote_form(request: Request) -> Response:
    comment_id: int = request.path_params["comment_id"]
    who = actor(request)
    actions.require_writer(who)
    value = str((await form_data(request)).get("value", ""))
    voted = await record_vote(request, comment_id, int(value) if value in ("1", "-1") else None)
    return _back(voted.comment.thread_id, comment_id)


async def flag_form(request: Request) -> Response:
    comment_id: int = request.path_params["comment_id"]
    who = actor(request)
    actions.require_writer(who)
    form = await form_data(request)
    try:
        data = validate(FlagIn, {"reason": form.get("reason", ""), "note": form.get("note", "")})
    except InvalidInput:
        # No reason chosen (the reasons start unselected): the page again, the report open.
        async with database(request).reading() as session:
            found = await session.get(Comment, comment_id)
        if found is None or not policy.can_see(who, found.status, found.author_id):
            raise NotFound(lazy("This comment does not exist.")) from None
        message = _(lazy("Please choose why the moderators should look at it."))
        return await thread_page(
            request, found.thread_id, {f"flag-{comment_id}": message}, status_code=422
        )
    await services(request).limiter.hit("flag", f"user:{who.user_id}")
    hooks: DiscussionHooks = services(request).discussion_hooks
    async with database(request).unit_of_work() as uow:
        flag = await actions.do_flag(uow, who, comment_id, data, hooks)
        comment = await actions.access_comment(uow, flag.comment_id)
    return _back(comment.thread_id, comment.id)


async def withdraw_form(request: Request) -> Response:
    who = actor(request)
    async with database(request).unit_of_work() as uow:
        comment = await actions.do_withdraw_comment(uow, who, request.path_params["comment_id"])
    return _back(comment.thread_id, comment.id)


_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
# The page's links repeat its query string, so only these are kept (a few pages per thread).
KEPT_QUERIES = frozenset(["", "sort=new", "sort=top", "sort=controversial"])


async def thread_get(request: Request) -> Response:
    thread_id: int = request.path_params["thread_id"]
    if request.url.query in KEPT_QUERIES:
        if actor(request).user_id is None:
            return await anonymous_thread_page(request, thread_id)
        if first_page_cache(request).overlay:
            return await reader_thread_page(request, thread_id)
    return await thread_page(request, thread_id)


async def reader_thread_page(request: Request, thread_id: int) -> Response:
    """The first page for a signed-in reader: the page kept for readers of their kind around
    the list kept for their view (see overlay and kept_list.reader_shell), with their header
    links and the controls of the comments they wrote, voted on or reported. A reader with a
    comment in the thread that they see unlike the public (held, or posted as an
    organisation), a blocked reader (the page says why), or a reader of a procedure that is not
    public gets the page built for them alone: nothing of one reader is kept."""
    who = actor(request)
    assert who.user_id is not None
    if who.blocked:
        return await thread_page(request, thread_id)
    query = validate(CommentQuery, dict(request.query_params)) if request.url.query else FIRST_PAGE
    view = overlay.view_of(who)
    entry = await kept_list(request, thread_id, who, query, view)
    if entry is None:  # no such thread, or a draft's (whose pages are never kept)
        return await thread_page(request, thread_id)
    assert entry.page is not None and entry.parts is not None, "list entries hold both"
    page, parts = entry.page, entry.parts
    thread = parts.thread
    assert thread is not None, "list entries hold the thread they were rendered from"
    # The reader's own: votes, reports, a held comment, the follow, whom they act for and the
    # sources of their comments on the page.
    mine, reader, sources = await reader_state(
        request, queries.mine_on_page, who.user_id, thread_id, page_ids(entry)
    )
    if mine.held:
        return await thread_page(request, thread_id)
    ctx = comment_context(thread, who, parts.answers, {})
    context = {
        **_shell(request, thread, parts.answers, query, page.next_cursor, parts.last_event),
        "ctx": ctx,
        "errors": {},
        "values": {},
        "block": None,
        "following": reader.following,
        "my_organisations": reader.organisations,
    }
    kind = (
        who.via,
        context["can_manage"],
        context["thread_closed"],
        context["can_comment"],
        ctx["can_vote"],
        reader.following,
        reader.organisations,
    )
    shell = reader_shell(request, (thread_id, view), entry, kind, context)
    # The comments whose controls are the reader's own: written, voted on or reported by them.
    flagged = set(mine.flagged)
    wanted = overlay.own_ids(who, mine, shell.written)
    own = [c for c in page.items if c.id in wanted and c.id in shell.at]
    # The edit forms hold the Markdown source (read with the reader's state).
    editable = {i: sources[i] for i in editable_ids(who, own) if i in sources}
    mine_controls = controls(
        request, parts, own, mine.votes, ctx, editable, flagged, reader.organisations
    )
    account = account_links(request)
    return HTMLResponse(reader_page(shell, account, mine_controls, request.state.csrf_token))


async def anonymous_thread_page(request: Request, thread_id: int) -> Response:
    """The thread page for readers who are not signed in: the same page for all of them, kept
    while the thread and its procedure are unchanged (see page_cache); only the CSRF token of
    the visitor (in the head and the forms) is put in per request."""
    cache = first_page_cache(request)
    key = (thread_id, "html", request.url.query, current_locale.get())
    entry = cache.recent(key)
    if entry is None:
        version = await page_version(request, thread_id)
        entry = cache.get(key, version) or await _render_for_all(request, thread_id, key, version)
    assert entry.body is not None, "html entries hold the page"
    return HTMLResponse(entry.body.replace(_PLACEHOLDER, request.state.csrf_token.encode()))


async def _render_for_all(
    request: Request, thread_id: int, key: Key, version: PageVersion
) -> Entry:
    """Render the anonymous page with the CSRF placeholder; keep it if its version settled."""
    token = request.state.csrf_token
    request.state.csrf_token = CSRF_PLACEHOLDER
    try:
        page = await thread_page(request, thread_id)
    finally:
        request.state.csrf_token = token
    return keep(request, key, version, body=bytes(page.body))


routes: list[BaseRoute] = [
    Route("/threads/{thread_id:int}", thread_get),
    Route("/threads/{thread_id:int}/comments", post_comment, methods=["POST"]),
    Route("/threads/{thread_id:int}/fragments", thread_fragments),
    Route("/comments/{comment_id:int}", comment_permalink),
    Route("/comments/{comment_id:int}/vote", vote_form, methods=["POST"]),
    Route("/comments/{comment_id:int}/flag", flag_form, methods=["POST"]),
    Route("/comments/{comment_id:int}/withdraw", withdraw_form, methods=["POST"]),
    Route("/comments/{comment_id:int}/edit", edit_form, methods=["POST"]),
]
