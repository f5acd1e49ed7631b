"""The HTML comment list of a thread's first page, kept per view with a slot for each comment's
controls, and the controls that fill those slots for one reader (see overlay and page_cache)."""

from __future__ import annotations

import secrets
from collections.abc import Hashable, Sequence
from typing import Any

from starlette.requests import Request

from dialog.accounts.actor import Actor
from dialog.discussion import overlay
from dialog.discussion.api import CommentQuery, first_page, first_page_cache, keep, kept_state
from dialog.discussion.page_cache import CSRF_PLACEHOLDER, Entry, ListParts
from dialog.discussion.partial import comment_context
from dialog.discussion.queries import ActingFor
from dialog.discussion.schemas import CommentOut
from dialog.evaluation.queries import offline_lines
from dialog.i18n import current_locale
from dialog.live import queries as live_queries
from dialog.procedures import queries as procedure_queries
from dialog.results import queries as results_queries
from dialog.web.api import actor, database
from dialog.web.services import services
from dialog.web.templating import page_context

# Closes each comment's controls in one rendering of them all; random, so no text holds it.
SEPARATOR = "controls-" + secrets.token_urlsafe(18)
MAX_CONTROLS_PER_SLOT = 8  # kept renderings of a list's controls, per comment on average


def threaded(items: Sequence[CommentOut]) -> tuple[list[CommentOut], dict[int, list[CommentOut]]]:
    """The top-level comments, and each comment's replies."""
    top = [c for c in items if c.parent_id is None]
    children: dict[int, list[CommentOut]] = {}
    for comment in items:
        if comment.parent_id is not None:
            children.setdefault(comment.parent_id, []).append(comment)
    return top, children


async def kept_list(
    request: Request, thread_id: int, who: Actor, query: CommentQuery, view: str
) -> Entry | None:
    """The view's comment list of the first page, kept while the thread is unchanged, with the
    thread it was rendered from; None if no page of the thread is kept (it does not exist, or
    its procedure is not public)."""
    cache = first_page_cache(request)
    key = (thread_id, "list", view, query.sort, current_locale.get())
    entry = cache.recent(key)
    if entry is not None:
        return entry
    found = await kept_state(request, thread_id)
    if found is None:
        return None
    version = found[0]
    entry = cache.get(key, version)
    if entry is not None:
        return entry
    async with database(request).reading() as session:
        thread = await procedure_queries.thread(session, thread_id)
        # As on every thread page: the live stream resumes from before the page was read.
        last_event = await live_queries.latest_event_id(session)
    if thread is None:  # deleted since the version was read
        return None
    page = (await first_page(request, thread.id, query, view, version)).page
    assert page is not None, "page entries hold the page"
    async with database(request).reading() as session:
        answers = await results_queries.answers_for_thread(session, thread.id)
        offline = await offline_lines(session, [c.id for c in page.items])
    top, children = threaded(page.items)
    ctx = comment_context(thread, who, answers, {}, offline=offline)
    ctx["slot"] = overlay.slot
    html = _render(request, "discussion/_comment_list.html", top=top, children=children, ctx=ctx)
    parts = overlay.cut(html, answers, last_event, thread)
    return keep(request, key, version, page=page, parts=parts)


def controls(
    request: Request,
    parts: ListParts,
    items: Sequence[CommentOut],
    votes: dict[int, int],
    ctx: dict[str, Any],
    editable: dict[int, str],
    flagged: set[int],
    organisations: Sequence[ActingFor] = (),
) -> dict[int, str]:
    """Each comment's controls for the reader of this request (no form errors: a plain GET).

    The controls depend on nothing but the comment (as kept, with the reader's vote from
    `votes`) and the key below; each is rendered once per key and kept with the list, the CSRF
    token left out. Only a comment whose controls are rendered is copied with the vote.
    """
    who = actor(request)
    # The organisations the reader may post as are offered in each reply form.
    acting_for = tuple(organisations)
    keys = {
        c.id: (_state(who, c, votes.get(c.id), ctx, editable, flagged), acting_for) for c in items
    }
    missing = [
        c.model_copy(update={"my_vote": votes.get(c.id)})
        for c in items
        if keys[c.id] not in parts.controls
    ]
    if missing:
        if len(parts.controls) + len(missing) > MAX_CONTROLS_PER_SLOT * (len(parts.slots) + 1):
            parts.controls.clear()
        html = _render(
            request,
            "discussion/_controls.html",
            comments=missing,
            ctx=ctx,
            editable=editable,
            flagged=flagged,
            my_organisations=organisations,
            errors={},
            values={},
            separator=SEPARATOR,
            csrf_token=CSRF_PLACEHOLDER,
        )
        for c, piece in zip(missing, html.split(SEPARATOR), strict=False):
            parts.controls[keys[c.id]] = piece
    return {c.id: parts.controls[keys[c.id]] for c in items}


def _state(
    who: Actor,
    c: CommentOut,
    vote: int | None,
    ctx: dict[str, Any],
    editable: dict[int, str],
    flagged: set[int],
) -> Hashable:
    """Everything of the reader that comment_controls reads, for this comment."""
    own = c.author is not None and c.author.id == who.user_id
    return (
        c.id,
        vote,
        own,
        c.id in flagged,
        editable.get(c.id),
        ctx["can_vote"],
        ctx["can_comment"],
        who.authenticated,
    )


def _render(request: Request, name: str, **context: Any) -> str:
    template = services(request).templates.env.get_template(name)
    return template.render({**page_context(request), **context})
