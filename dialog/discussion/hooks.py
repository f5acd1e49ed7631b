"""What other parts plug into the discussion, wired in app.py (dialog never imports moderation).

`hold_reason` is asked before a comment is stored or edited: a transaction script
(dialog.direct) that returns the name of the moderation rule that holds the post for review,
or None to publish it (in a post-moderated thread).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork
from dialog.direct import Script
from dialog.discussion.models import Comment

HoldCheck = Callable[[Actor, str], Script[str | None]]
FlagHook = Callable[[UnitOfWork, Comment], Awaitable[None]]
DecisionNotes = Callable[[AsyncSession, int, Sequence[int]], Awaitable[dict[int, str]]]


def never_hold(actor: Actor, body: str) -> Script[str | None]:
    yield from ()  # asks nothing
    return None


async def ignore_flag(uow: UnitOfWork, comment: Comment) -> None:
    return None


async def no_notes(
    session: AsyncSession, author_id: int, comment_ids: Sequence[int]
) -> dict[int, str]:
    return {}


@dataclass(frozen=True)
class DiscussionHooks:
    hold_reason: HoldCheck = never_hold
    # Called by the flag action in the same unit of work, after the new Flag row is flushed
    # (and `comment.flag_count` updated): moderation puts the comment (back) into the queue and
    # hides it once enough different accounts flagged it. Must not commit.
    on_flag: FlagHook = ignore_flag
    # For the thread page, shown to the author only: (session, author_id, ids of the author's
    # comments on the page) -> {comment_id: reason} of the latest moderation decision. The
    # reason names an anchor of /netiquette (#respect, #privacy, ...); the author's full view
    # with the appeal form is /moderation/comments/{id}/status.
    decision_notes: DecisionNotes = no_notes
