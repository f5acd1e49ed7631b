"""Shared steps of the moderation tests: post, flag through the hook, read events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.models import Comment, Flag
from dialog.live.models import Event
from dialog.procedures.models import Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]


async def post(api: factories.ApiAs, who: User, thread: Thread, body: str) -> dict[str, Any]:
    response = await api.request(
        who, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": body}
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def decide(
    api: factories.ApiAs,
    who: User,
    comment_id: int,
    action: str,
    reason: str = "respect",
    **extra: Any,
) -> Any:
    return await api.request(
        who,
        "POST",
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "reason": reason, **extra},
    )


async def flag(
    app: Starlette, db: Database, who: User, comment_id: int, reason: str = "insult"
) -> None:
    """What the discussion's flag action does: store the flag, then call the hook."""
    hooks: DiscussionHooks = app.state.services.discussion_hooks
    async with db.unit_of_work() as uow:
        comment = await uow.session.get(Comment, comment_id)
        assert comment is not None
        uow.session.add(Flag(comment_id=comment_id, user_id=who.id, reason=reason))
        comment.flag_count += 1
        await uow.session.flush()
        await hooks.on_flag(uow, comment)


async def events(db: Database, topic: str | None = None) -> list[Event]:
    async with db.reading() as session:
        query = select(Event).order_by(Event.id)
        if topic is not None:
            query = query.where(Event.topic == topic)
        return list((await session.scalars(query)).all())


async def status_of(db: Database, comment_id: int) -> str:
    async with db.reading() as session:
        comment = await session.get(Comment, comment_id)
        assert comment is not None
        return comment.status


async def post_directly(app: Starlette, db: Database, who: User, thread: Thread, body: str) -> int:
    """Post through the discussion action itself (no HTTP, so no rate limit)."""
    from dialog.accounts.actor import Actor
    from dialog.discussion.actions import do_post_comment
    from dialog.discussion.schemas import CommentIn

    author = Actor(user_id=who.id, role=who.role, display_name=who.display_name)
    async with db.unit_of_work() as uow:
        comment, _ = await do_post_comment(
            uow, author, thread.id, CommentIn(body=body), app.state.services.discussion_hooks
        )
    return comment.id
