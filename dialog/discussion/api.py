"""JSON routes of the discussion."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialog.discussion import actions, queries
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.present import comment_out
from dialog.discussion.schemas import CommentIn, CommentOut, CommentPage
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body, validate


class CommentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sort: Literal["new", "top", "controversial"] = "new"
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=20, ge=1, le=100)


async def load_page(request: Request, thread_id: int, query: CommentQuery) -> CommentPage:
    """A page of top-level comments with all their replies and the reader's votes."""
    who = actor(request)
    async with database(request).reading() as session:
        top, next_cursor = await queries.top_level_page(
            session, who, thread_id, query.sort, query.cursor, query.limit
        )
        replies = await queries.replies_of(session, who, [row.comment.id for row in top])
        rows = [*top, *replies]
        votes = await queries.votes_of(session, who.user_id, [row.comment.id for row in rows])
    return CommentPage(
        items=[
            comment_out(
                row.comment, row.author_name, row.author_deleted, who, votes.get(row.comment.id)
            )
            for row in rows
        ],
        next_cursor=next_cursor,
    )


async def thread_comments(request: Request) -> Response:
    thread_id: int = request.path_params["thread_id"]
    if request.method == "POST":
        actions.require_writer(actor(request))
        data = await json_body(request, CommentIn)
        who = actor(request)
        await request.app.state.limiter.hit("comment", f"user:{who.user_id}")
        hooks: DiscussionHooks = request.app.state.discussion_hooks
        async with database(request).unit_of_work() as uow:
            comment, created = await actions.do_post_comment(uow, who, thread_id, data, hooks)
            body = comment_out(comment, who.display_name, viewer=who)
        return respond(body, status=201 if created else 200)
    async with database(request).reading() as session:
        await actions.access_thread_for_reading(session, thread_id)
    query = validate(CommentQuery, dict(request.query_params))
    return respond(await load_page(request, thread_id, query))


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
                "Post a comment or a reply (201; a repeated client_id returns the first)",
                CommentOut,
                request=CommentIn,
                status=201,
                auth=True,
            ),
        },
    ),
]
