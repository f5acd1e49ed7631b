"""What other parts plug into the discussion, wired in app.py (dialog never imports moderation).

`hold_reason` is asked before a comment is stored: it returns the name of the moderation rule
that holds the post for review, or None to publish it (in a post-moderated thread).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork
from dialog.discussion.models import Comment
from dialog.procedures.models import Thread

HoldCheck = Callable[[UnitOfWork, Actor, Thread, str], Awaitable[str | None]]
FlagHook = Callable[[UnitOfWork, Comment], Awaitable[None]]


async def never_hold(uow: UnitOfWork, actor: Actor, thread: Thread, body: str) -> str | None:
    return None


async def ignore_flag(uow: UnitOfWork, comment: Comment) -> None:
    return None


@dataclass(frozen=True)
class DiscussionHooks:
    hold_reason: HoldCheck = never_hold
    # Called by the flag action in the same unit of work, after the new Flag row is flushed
    # (and `comment.flag_count` updated): moderation puts the comment (back) into the queue and
    # hides it once enough different accounts flagged it. Must not commit.
    on_flag: FlagHook = ignore_flag
