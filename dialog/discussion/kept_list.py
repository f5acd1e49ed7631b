"""The HTML comment list of a thread's first page, kept per view with a slot for each comment's
controls, and the controls that fill those slots for one reader (see overlay and page_cache);
and a signed-in reader's whole thread page from a kept shell around that list."""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Hashable, Sequence
from typing import Any

from markupsafe import Markup
from starlette.requests import Request

from dialog.accounts.actor import Actor
from dialog.discussion import overlay
from dialog.discussion.api import CommentQuery, first_page, first_page_cache, keep, kept_state
from dialog.discussion.page_cache import CSRF_PLACEHOLDER, Entry, ListParts, Shell
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
# Where the reader's header links go in a kept shell (templates/base.html); random, like SLOT.
ACCOUNT = "account-" + secrets.token_urlsafe(18)
# Stands in for the reader's id in kept header links (random per process, never sent).
READER_PLACEHOLDER = "reader-" + secrets.token_urlsafe(18)
_SHELL_SLOTS = re.compile(rf"{re.escape(overlay.SLOT)}:(\d+);|{re.escape(ACCOUNT)}")


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
    html = render_part(
        request, "discussion/_comment_list.html", top=top, children=children, ctx=ctx
    )
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
        html = render_part(
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


def render_part(request: Request, name: str, **context: Any) -> str:
    """A template rendered as a part of the page of this request (with what every page knows)."""
    template = services(request).templates.env.get_template(name)
    return template.render({**page_context(request), "request": request, **context})


def account_links(request: Request) -> str:
    """The reader's header links (templates/partials/_account_nav.html) for this request,
    rendered once per everything they show and kept (`FirstPageCache.links`): the reader's role
    and unread count, their role's links with the counts behind them, the path and the
    language. The reader's id and CSRF token are put in per request: nothing kept names a
    reader."""
    context = page_context(request)
    who: Actor = context["actor"]
    key = (
        current_locale.get(),
        context["path"],
        who.role,
        context["unread"],
        tuple(context["nav"]),
    )
    links = first_page_cache(request).links
    html = links.get(key)
    if html is None:
        html = render_part(
            request,
            "partials/_account_nav.html",
            csrf_token=CSRF_PLACEHOLDER,
            reader_id=READER_PLACEHOLDER,
        )
        links.put(key, html)
    return html.replace(CSRF_PLACEHOLDER, context["csrf_token"]).replace(
        READER_PLACEHOLDER, str(who.user_id)
    )


def reader_shell(
    request: Request,
    list_key: tuple[int, str],
    entry: Entry,
    kind: Hashable,
    context: dict[str, Any],
) -> Shell:
    """The whole thread page for the signed-in readers of one kind, kept with the view's list
    under its version: rendered from `context` (templates/discussion/thread.html, which must
    be everything of the reader that the page shows besides their header links and their own
    comments' controls, all of it in `kind`), each comment with the controls of a reader who
    wrote, voted on and reported none of them."""
    thread_id, view = list_key
    cache = first_page_cache(request)
    key = (thread_id, "shell", view, request.url.query, current_locale.get(), kind)
    kept = cache.get(key, entry.version)
    if kept is not None and kept.shell is not None:
        return kept.shell
    assert entry.page is not None and entry.parts is not None, "list entries hold both"
    parts = entry.parts
    slots = set(parts.slots)
    shown = [c for c in entry.page.items if c.id in slots]  # kept: no one's vote on them
    html = render_part(
        request,
        "discussion/_controls.html",
        comments=shown,
        ctx=context["ctx"],
        editable={},
        flagged=set(),
        my_organisations=context["my_organisations"],
        errors={},
        values={},
        separator=SEPARATOR,
        csrf_token=CSRF_PLACEHOLDER,
        actor=dataclasses.replace(actor(request), user_id=overlay.NOBODY),
    )
    defaults = dict(zip((c.id for c in shown), html.split(SEPARATOR), strict=False))
    comment_list = overlay.fill(parts, {c: overlay.slot(c) for c in parts.slots})
    page = render_part(
        request,
        "discussion/thread.html",
        **context,
        comment_list=Markup(comment_list),  # noqa: S704  # rendered by autoescaping templates
        account_slot=Markup(ACCOUNT),  # noqa: S704  # a random marker, replaced per request
        csrf_token=CSRF_PLACEHOLDER,
    )
    pieces: list[bytes] = []
    csrf_at: list[int] = []

    def add(text: str) -> None:
        for n, fragment in enumerate(text.split(CSRF_PLACEHOLDER)):
            if n:
                csrf_at.append(len(pieces))
                pieces.append(b"")
            pieces.append(fragment.encode())

    split = _SHELL_SLOTS.split(page)
    add(split[0])
    at: dict[int, tuple[int, int]] = {}
    account_at = -1
    for comment_id, segment in zip(split[1::2], split[2::2], strict=True):
        if comment_id is None:
            account_at = len(pieces)
            pieces.append(b"")
        else:
            start = len(pieces)
            add(defaults[int(comment_id)])
            at[int(comment_id)] = (start, len(pieces))
        add(segment)
    assert account_at >= 0, "the page has the header links' slot"
    shell = Shell(tuple(pieces), at, account_at, tuple(csrf_at), overlay.written_by(shown))
    return keep(request, key, entry.version, shell=shell).shell or shell


def reader_page(shell: Shell, account: str, own: dict[int, str], csrf_token: str) -> bytes:
    """The shell with the reader's header links, their own comments' controls and their token."""
    pieces = list(shell.pieces)
    token = csrf_token.encode()
    for at in shell.csrf_at:
        pieces[at] = token
    pieces[shell.account_at] = account.encode()
    for comment_id, html in own.items():
        start, end = shell.at[comment_id]
        pieces[start:end] = [b""] * (end - start)
        pieces[start] = html.replace(CSRF_PLACEHOLDER, csrf_token).encode()
    return b"".join(pieces)
