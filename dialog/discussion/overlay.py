"""A signed-in reader's first page: the page kept for their view plus their own overlay.

The overlay is what differs between two readers of the same view (see page_cache): their own
votes and reports on the page's comments (one query, queries.mine) and what they may do with
each comment, computed from their role, their block and authorship by the pure predicates of
the discussion (`actions_of`). The uncached path computes the same with the same functions,
so a page looks alike whichever way it was built.

In HTML the kept comment list has a slot where each shown comment's controls go (voting,
reply, edit, withdraw, report); the reader's page fills each slot with the controls that
templates/discussion/_comment.html renders for this reader, so nothing needs JavaScript.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import secrets
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from dialog.accounts import policy as account_policy
from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.db import utcnow
from dialog.discussion import policy
from dialog.discussion.page_cache import ListParts, ThreadState
from dialog.discussion.present import MODERATOR_VIEW
from dialog.discussion.queries import Mine
from dialog.discussion.schemas import ActionName, CommentOut, CommentPage
from dialog.results.schemas import AnswerOut

if TYPE_CHECKING:
    from dialog.procedures.models import Thread

PUBLIC, MODERATORS = "public", "moderator"
# The reader each view's kept page is built for: it has no votes and no comments of its own.
VIEWERS = {PUBLIC: ANONYMOUS, MODERATORS: MODERATOR_VIEW}
# Marks a comment's slot in a kept list. Random per process, so no text anyone writes holds it.
SLOT = "slot-" + secrets.token_urlsafe(18)
_SLOTS = re.compile(re.escape(SLOT) + r":(\d+);")


def view_of(who: Actor) -> str:
    """Moderators (and admins) read held and hidden text; everyone else the public page."""
    return MODERATORS if account_policy.is_moderator(who) else PUBLIC


def slot(comment_id: int) -> str:
    return f"{SLOT}:{comment_id};"


def cut(
    html: str,
    answers: dict[int | None, AnswerOut],
    last_event: int,
    thread: Thread | None = None,
) -> ListParts:
    pieces = _SLOTS.split(html)
    return ListParts(
        segments=tuple(pieces[0::2]),
        slots=tuple(int(p) for p in pieces[1::2]),
        answers=answers,
        last_event=last_event,
        thread=thread,
    )


def fill(parts: ListParts, controls: dict[int, str]) -> str:
    out = [parts.segments[0]]
    for comment_id, segment in zip(parts.slots, parts.segments[1:], strict=True):
        out.append(controls[comment_id])
        out.append(segment)
    return "".join(out)


def allows(state: ThreadState, now: datetime) -> frozenset[str]:
    """What the thread allows now: its phase's features, commenting only while it is open."""
    features = set(policy.PHASE_FEATURES.get(state.phase, frozenset()))
    if not policy.thread_is_open(state.is_open, state.opens_at, state.closes_at, now):
        features.discard("comment")
    return frozenset(features)


def actions_of(
    who: Actor, comment: CommentOut, allowed: frozenset[str], flagged: bool, now: datetime
) -> list[ActionName]:
    """What this reader may do with the comment, as the actions will decide it."""
    if who.user_id is None:
        return []
    author_id = comment.author.id if comment.author else None
    own = author_id is not None and author_id == who.user_id
    shown = comment.status == "published"
    writer = account_policy.can_write(who)
    can: list[ActionName] = []
    age = (now - comment.created_at).total_seconds()
    if own and policy.can_edit(who, author_id, comment.status, age):
        can.append("edit")
    if own and policy.can_withdraw(who, author_id, comment.status):
        can.append("withdraw")
    if shown and "vote" in allowed and policy.can_vote(who, author_id):
        can.append("vote")
    if shown and writer and "comment" in allowed and comment.depth < policy.MAX_DEPTH:
        can.append("reply")
    if shown and writer and "flag" in allowed and not own and not flagged:
        can.append("report")
    if account_policy.is_moderator(who) and comment.status != "withdrawn":
        can.append("moderate")
    return can


def overlaid(
    who: Actor,
    items: Sequence[CommentOut],
    mine: Mine,
    state: ThreadState,
    now: datetime | None = None,
) -> list[CommentOut]:
    """The comments with this reader's votes and actions."""
    now = now or utcnow()
    allowed = allows(state, now)
    return [
        c.model_copy(
            update={
                "my_vote": mine.votes.get(c.id),
                "can": actions_of(who, c, allowed, c.id in mine.flagged, now),
            }
        )
        for c in items
    ]


# A kept page's items end with the reader's fields, empty: CommentOut declares them last.
_EMPTY_TAIL = b'"my_vote":null,"can":null}'
# The author id of no one: what a reader gets who wrote none of the comments (ids start at 1).
NOBODY = 0


@dataclass
class JsonParts:
    """A kept page's items as JSON for readers' overlays, made once per kept page: each item
    up to its reader's fields, and per kind of reader each whole item as a reader of that kind
    gets it who wrote, voted on and reported none of the comments."""

    heads: tuple[bytes, ...]
    at: dict[int, int]  # comment id -> its item's index
    written: dict[int, tuple[int, ...]]  # see written_by
    plain: dict[Hashable, tuple[bytes, ...]] = field(default_factory=dict)


def json_parts(page: CommentPage) -> JsonParts:
    heads = []
    for item in page.items:
        body = item.model_dump_json().encode()
        assert body.endswith(_EMPTY_TAIL), "a view's kept page holds no reader's fields"
        heads.append(body[: -len(_EMPTY_TAIL)])
    at = {c.id: n for n, c in enumerate(page.items)}
    return JsonParts(tuple(heads), at, written_by(page.items))


def written_by(comments: Iterable[CommentOut]) -> dict[int, tuple[int, ...]]:
    """Author id -> the ids of their comments: a kept page's index of authorship (a comment
    posted as an organisation names no author here; its author takes the uncached path)."""
    written: dict[int, tuple[int, ...]] = {}
    for c in comments:
        if c.author is not None and c.author.id is not None:
            written[c.author.id] = (*written.get(c.author.id, ()), c.id)
    return written


def own_ids(who: Actor, mine: Mine, written: dict[int, tuple[int, ...]]) -> set[int]:
    """The comments whose overlay is the reader's own: written, voted on or reported by them;
    on every other comment a reader's overlay depends only on their kind."""
    return {*mine.votes, *mine.flagged, *written.get(who.user_id or NOBODY, ())}


@functools.cache
def _tail(vote: int | None, actions: tuple[ActionName, ...]) -> bytes:
    """An item's reader's fields and its end: a few dozen combinations, each encoded once."""
    voted = "null" if vote is None else str(int(vote))
    return f'"my_vote":{voted},"can":{json.dumps(list(actions), separators=(",", ":"))}}}'.encode()


def page_json(
    who: Actor,
    page: CommentPage,
    parts: JsonParts,
    mine: Mine,
    state: ThreadState,
    now: datetime | None = None,
) -> bytes:
    """The reader's page as `CommentPage(items=overlaid(...)).model_dump_json()` writes it,
    byte for byte, from the kept items' JSON: a signed-in reader's request copies and dumps
    no comment (those were most of its CPU, issue 20), and works out what they may do only
    with the comments they wrote, voted on or reported; for every other comment that depends
    on nothing but the kind of reader (`actions_of` reads no more of them)."""
    now = now or utcnow()
    allowed = allows(state, now)
    kind = (who.user_id is None, account_policy.can_write(who), view_of(who), allowed)
    items = parts.plain.get(kind)
    if items is None:
        stand_in = who if who.user_id is None else dataclasses.replace(who, user_id=NOBODY)
        items = parts.plain[kind] = tuple(
            head + _tail(None, tuple(actions_of(stand_in, comment, allowed, False, now)))
            for comment, head in zip(page.items, parts.heads, strict=True)
        )
    votes, flagged = mine.votes, mine.flagged
    own = {parts.at[i] for i in own_ids(who, mine, parts.written) if i in parts.at}
    reader_items = list(items)
    for n in own:
        comment = page.items[n]
        actions = actions_of(who, comment, allowed, comment.id in flagged, now)
        reader_items[n] = parts.heads[n] + _tail(votes.get(comment.id), tuple(actions))
    cursor = json.dumps(page.next_cursor).encode()
    return b'{"items":[' + b",".join(reader_items) + b'],"next_cursor":' + cursor + b"}"
