"""What moderation plugs into the discussion (wired in dialog/app.py)."""

from __future__ import annotations

from dialog.db import UnitOfWork
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.models import Comment
from dialog.settings import Settings
from moderation import actions, queries


def discussion_hooks(settings: Settings) -> DiscussionHooks:
    async def flagged(uow: UnitOfWork, comment: Comment) -> None:
        await actions.on_flag(uow, settings, comment)

    return DiscussionHooks(
        hold_reason=actions.hold_reason,
        on_flag=flagged,
        decision_notes=queries.decision_reasons_for_author,
    )
