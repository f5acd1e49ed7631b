"""What other parts plug into the discussion, wired in app.py (dialog never imports moderation).

`hold_reason` is asked before a comment is stored: it returns the name of the moderation rule
that holds the post for review, or None to publish it (in a post-moderated thread).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork
from dialog.procedures.models import Thread

HoldCheck = Callable[[UnitOfWork, Actor, Thread, str], Awaitable[str | None]]


async def never_hold(uow: UnitOfWork, actor: Actor, thread: Thread, body: str) -> str | None:
    return None


@dataclass(frozen=True)
class DiscussionHooks:
    hold_reason: HoldCheck = never_hold
