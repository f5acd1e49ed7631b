"""JSON routes of the discussion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.accounts.actor import Actor
from dialog.direct import Direct, Script, run_in_session
from dialog.discussion import actions, overlay, policy, queries, voting
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.models import Comment
from dialog.discussion.page_cache import (
    Entry,
    FirstPageCache,
    Key,
    ListParts,
    PageVersion,
    Shell,
    ThreadState,
)
from dialog.discussion.present import comment_out
from dialog.discussion.queries import NO_ONE
from dialog.discussion.schemas import (
    CommentEdit,
    CommentIn,
    CommentOut,
    CommentPage,
    FlagIn,
    FlagOut,
    VoteIn,
)
from dialog.discussion.voting import VoteEvents
from dialog.errors import NotFound
from dialog.i18n import current_locale, lazy
from dialog.live.policy import thread_topic
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body, query_as
from dialog.web.services import services


class CommentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sort: Literal["new", "top", "controversial"] = "new"
    cursor: str | None = Field(default=None, min_length=1, max_length=200)
    limit: int = Field(default=20, ge=1, le=100)


T = TypeVar("T")

FIRST_PAGE = CommentQuery()  # a request without a query string (frozen: shared by them all)


async def load_page(request: Request, thread_id: int, query: CommentQuery) -> CommentPage:
    """A page of top-level comments with all their replies and the reader's votes."""
    if actor(request).user_id is None and query.cursor is None:
        page = (await first_page(request, thread_id, query, overlay.PUBLIC)).page
        assert page is not None, "page entries hold the page"
        return page
    return await build_page(request, thread_id, query)


def page_ids(entry: Entry) -> str:
    """The kept page's comment ids as the one parameter of the reader's statement (made once
    per kept page)."""
    if entry.ids is None:
        assert entry.page is not None, "page and list entries hold the page"
        entry.ids = queries.id_list([c.id for c in entry.page.items])
    return entry.ids


ReaderScript = Callable[[int, int, str], Script[T]]  # (reader, thread, the page's comment ids)


async def reader_state(
    request: Request, script: ReaderScript[T], user_id: int, thread_id: int, ids: str
) -> T:
    """A signed-in reader's own state on a kept page (`script`, one statement, with these
    arguments): read, or kept from a read of this process a moment ago, under the script and its
    arguments (dialog.recent: until the process's next commit, at most RECENT seconds)."""
    return await services(request).recent.read(
        (script, user_id, thread_id, ids),
        lambda: direct(request).read(script(user_id, thread_id, ids)),
    )


def first_page_cache(request: Request) -> FirstPageCache:
    cache: FirstPageCache = services(request).page_cache
    return cache


async def page_version(request: Request, thread_id: int) -> PageVersion:
    """The version of a thread's kept pages (see page_cache); NotFound for no thread."""
    return (await page_state(request, thread_id))[0]


async def kept_state(request: Request, thread_id: int) -> tuple[PageVersion, ThreadState] | None:
    """The version of a thread's kept pages and what it allows; None if none are kept (no
    such thread, or its procedure is not public). Read once for concurrent requests."""

    async def read() -> tuple[PageVersion, ThreadState] | None:
        async with database(request).reading() as session:
            return await queries.page_version(session, thread_id, thread_topic(thread_id))

    return await first_page_cache(request).checked(thread_id, read)


async def page_state(request: Request, thread_id: int) -> tuple[PageVersion, ThreadState]:
    found = await kept_state(request, thread_id)
    if found is None:
        raise NotFound(lazy("This thread does not exist."))
    return found


async def first_page(
    request: Request,
    thread_id: int,
    query: CommentQuery,
    view: str,
    version: PageVersion | None = None,
) -> Entry:
    """The first page as the readers of a view see it (overlay.VIEWERS), from the cache while
    the thread is unchanged.

    The version is read before the page (here, or by the caller), so a kept page is never
    older than its version.
    """
    cache = first_page_cache(request)
    key = (thread_id, "page", view, query.sort, query.limit, current_locale.get())
    entry = cache.recent(key) if version is None else None
    if entry is not None:
        return entry
    state = None
    if version is None:
        version, state = await page_state(request, thread_id)
    entry = cache.get(key, version)
    if entry is not None:
        return entry
    if state is None:
        state = (await page_state(request, thread_id))[1]
    page = await build_page(request, thread_id, query, overlay.VIEWERS[view])
    return keep(request, key, version, page=page, state=state)


def keep(
    request: Request,
    key: Key,
    version: PageVersion,
    page: CommentPage | None = None,
    body: bytes | None = None,
    state: ThreadState | None = None,
    parts: ListParts | None = None,
    shell: Shell | None = None,
) -> Entry:
    """The built page as an entry, kept only if every event up to its version has committed:
    on PostgreSQL a transaction that took a lower id may commit after a higher one. This
    process's live fan-out tracks exactly that (it has seen every id up to here, or given up on
    a gap after a minute)."""
    if services(request).live.fanout.settled(version[0]):
        return first_page_cache(request).put(key, version, page, body, state, parts, shell)
    return Entry(version, 0.0, page, body, state=state, parts=parts, shell=shell)


async def build_page(
    request: Request, thread_id: int, query: CommentQuery, viewer: Actor | None = None
) -> CommentPage:
    """The page as the reader sees it, with their votes and actions; or, given a view's
    `viewer` (overlay.VIEWERS), the page every reader of that view shares, without either."""
    who = viewer or actor(request)
    personal = viewer is None and who.user_id is not None
    state = None
    async with database(request).reading() as session:
        if personal:  # what the thread allows the reader; it also tells that the thread exists
            found = await queries.page_version(
                session, thread_id, thread_topic(thread_id), reader=who
            )
            if found is None:
                raise NotFound(lazy("This thread does not exist."))
            state = found[1]
        top, next_cursor = await queries.top_level_page(
            session, who, thread_id, query.sort, query.cursor, query.limit
        )
        replies = await queries.replies_of(session, who, [row.comment.id for row in top])
        rows = [*top, *replies]
        ids = [row.comment.id for row in rows]
        mine = (
            await run_in_session(session, queries.mine(who.user_id, thread_id, ids))
            if personal
            else NO_ONE
        )
    items = [
        comment_out(
            row.comment, row.author_name, row.author_deleted, who, organisation=row.organisation
        )
        for row in rows
    ]
    if state is not None:
        items = overlay.overlaid(who, items, mine, state)
    # else a view's shared page, or a visitor's: no votes, and `can` is null as in the events
    return CommentPage(items=items, next_cursor=next_cursor)


async def reader_first_page(request: Request, thread_id: int, query: CommentQuery) -> bytes | None:
    """A signed-in reader's first page (JSON) from the kept page of their view plus their
    overlay, or None when their page is their own (a comment in the thread that they see unlike
    the public: held, or posted as an organisation; see queries.Mine), or when no page of the
    thread is kept: it does not exist, or its procedure is a draft or in review (the caller
    then checks who may read it)."""
    who = actor(request)
    assert who.user_id is not None, "anonymous readers take the page kept for all"
    try:
        entry = await first_page(request, thread_id, query, overlay.view_of(who))
    except NotFound:
        return None
    assert entry.page is not None and entry.state is not None, "page entries hold both"
    mine = await reader_state(request, queries.mine, who.user_id, thread_id, page_ids(entry))
    if mine.held:
        return None
    if entry.json is None:
        entry.json = overlay.json_parts(entry.page)
    return overlay.page_json(who, entry.page, entry.json, mine, entry.state)


async def thread_comments(request: Request) -> Response:
    thread_id: int = request.path_params["thread_id"]
    if request.method == "POST":
        actions.require_writer(actor(request))
        data = await json_body(request, CommentIn)
        who = actor(request)
        comment, created = await record_comment(request, thread_id, data)
        status = 201 if created else 200
        if comment.organisation_id is not None:  # the organisation's name is read back
            return respond(await comment_view(request, comment), status=status)
        return respond(comment_out(comment, who.display_name, viewer=who), status=status)
    query = query_as(request, CommentQuery) if request.scope["query_string"] else FIRST_PAGE
    if actor(request).user_id is None and query.cursor is None:
        entry = await first_page(request, thread_id, query, overlay.PUBLIC)
        if entry.body is None:
            assert entry.page is not None, "page entries hold the page"
            entry.body = entry.page.model_dump_json().encode()
        return Response(entry.body, media_type="application/json")
    if query.cursor is None and first_page_cache(request).overlay:
        body = await reader_first_page(request, thread_id, query)
        if body is not None:
            return Response(body, media_type="application/json")
    if actor(request).user_id is None:  # a reader's own page checks that the thread exists
        async with database(request).reading() as session:
            await actions.access_thread_for_reading(session, actor(request), thread_id)
    return respond(await build_page(request, thread_id, query))


async def record_comment(request: Request, thread_id: int, data: CommentIn) -> tuple[Comment, bool]:
    """Post as the reader (rate-limited): (comment, created). The one posting path for the
    JSON API and the thread page's form."""
    who = actor(request)
    if data.client_id is not None and who.user_id is not None:
        # A retry learns its comment's id without counting toward the rate limit again. Most
        # posts are no retry: one statement on the driver tells.
        earlier = await direct(request).read(
            actions.earlier_post(who.user_id, thread_id, data.client_id)
        )
        if earlier is not None:
            return earlier, False
    await services(request).limiter.hit("comment", f"user:{who.user_id}")
    hooks: DiscussionHooks = services(request).discussion_hooks
    return await direct(request).write(
        lambda changes: actions.post_comment(changes, who, thread_id, data, hooks)
    )


def direct(request: Request) -> Direct:
    found: Direct = services(request).direct
    return found


def vote_events(request: Request) -> VoteEvents:
    found: VoteEvents = services(request).vote_events
    return found


async def comment_view(request: Request, comment: Comment) -> CommentOut:
    """A comment as this reader may see it, with their own vote."""
    who = actor(request)
    async with database(request).reading() as session:
        row = await queries.comment_with_author(session, comment.id)
        votes = await queries.votes_of(session, who.user_id, [comment.id])
    assert row is not None
    return comment_out(
        row.comment,
        row.author_name,
        row.author_deleted,
        who,
        votes.get(comment.id),
        row.organisation,
    )


async def one_comment(request: Request) -> Response:
    comment_id: int = request.path_params["comment_id"]
    who = actor(request)
    if request.method == "GET":
        async with database(request).reading() as session:
            row = await queries.comment_with_author(session, comment_id)
            if row is None or not policy.can_see(who, row.comment.status, row.comment.author_id):
                raise NotFound(lazy("This comment does not exist."))
            await actions.access_thread_for_reading(session, who, row.comment.thread_id)
            votes = await queries.votes_of(session, who.user_id, [comment_id])
        return respond(
            comment_out(
                row.comment,
                row.author_name,
                row.author_deleted,
                who,
                votes.get(comment_id),
                row.organisation,
            )
        )
    if request.method == "PATCH":
        actions.require_writer(who)
        data = await json_body(request, CommentEdit)
        await services(request).limiter.hit("comment", f"user:{who.user_id}")
        hooks: DiscussionHooks = services(request).discussion_hooks
        async with database(request).unit_of_work() as uow:
            comment = await actions.do_edit_comment(uow, who, comment_id, data, hooks)
        return respond(await comment_view(request, comment))
    async with database(request).unit_of_work() as uow:
        comment = await actions.do_withdraw_comment(uow, who, comment_id)
    return respond(await comment_view(request, comment))


async def withdraw(request: Request) -> Response:
    who = actor(request)
    async with database(request).unit_of_work() as uow:
        comment = await actions.do_withdraw_comment(uow, who, request.path_params["comment_id"])
    return respond(await comment_view(request, comment))


async def record_vote(request: Request, comment_id: int, value: int | None) -> voting.Voted:
    """Set (1 or -1) or withdraw (None) the reader's vote; the coalesced event follows commit.

    The one vote path for the JSON API and the thread page's form.
    """
    who = actor(request)
    await services(request).limiter.hit("vote", f"user:{who.user_id}")
    voted = await direct(request).write(
        lambda changes: voting.vote(changes, who, comment_id, value)
    )
    if voted.changed:
        vote_events(request).changed(comment_id)
    return voted


async def vote(request: Request) -> Response:
    who = actor(request)
    actions.require_writer(who)
    data = await json_body(request, VoteIn) if request.method == "PUT" else None
    voted = await record_vote(
        request, request.path_params["comment_id"], data.value if data else None
    )
    return respond(
        comment_out(
            voted.comment,
            voted.author_name,
            voted.author_deleted,
            who,
            voted.my_vote,
            voted.organisation,
        )
    )


async def flags(request: Request) -> Response:
    who = actor(request)
    actions.require_writer(who)
    data = await json_body(request, FlagIn)
    await services(request).limiter.hit("flag", f"user:{who.user_id}")
    hooks: DiscussionHooks = services(request).discussion_hooks
    async with database(request).unit_of_work() as uow:
        flag = await actions.do_flag(uow, who, request.path_params["comment_id"], data, hooks)
        body = FlagOut(id=flag.id, comment_id=flag.comment_id, reason=flag.reason, note=flag.note)
    return respond(body, status=201)


routes: list[BaseRoute] = [
    ApiRoute(
        "/threads/{thread_id:int}/comments",
        thread_comments,
        docs={
            "GET": Doc(
                "Comments of a thread: top-level page with all replies",
                CommentPage,
                query=CommentQuery,
            ),
            "POST": Doc(
                "Post a comment or a reply (201; a repeated client_id returns the first with 200 "
                "and counts once toward the rate limit; 409 when sent to another thread)",
                CommentOut,
                request=CommentIn,
                status=201,
                also=(200,),
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/comments/{comment_id:int}",
        one_comment,
        docs={
            "GET": Doc("One comment as the reader may see it", CommentOut),
            "PATCH": Doc(
                "Edit your own comment within 15 minutes (earlier text kept for moderators)",
                CommentOut,
                request=CommentEdit,
                auth=True,
            ),
            "DELETE": Doc(
                "Withdraw your own comment (a placeholder keeps its replies in context)",
                CommentOut,
                auth=True,
            ),
        },
    ),
    ApiRoute(
        "/comments/{comment_id:int}/withdraw",
        withdraw,
        docs={"POST": Doc("Withdraw your own comment (same as DELETE)", CommentOut, auth=True)},
    ),
    ApiRoute(
        "/comments/{comment_id:int}/vote",
        vote,
        docs={
            "PUT": Doc(
                "Vote up (1) or down (-1), or change your vote; not on your own comment",
                CommentOut,
                request=VoteIn,
                auth=True,
            ),
            "DELETE": Doc("Withdraw your vote", CommentOut, auth=True),
        },
    ),
    ApiRoute(
        "/comments/{comment_id:int}/flags",
        flags,
        docs={
            "POST": Doc(
                "Report a comment to moderation (one report per person; 409 on a second)",
                FlagOut,
                request=FlagIn,
                status=201,
                auth=True,
            )
        },
    ),
]
