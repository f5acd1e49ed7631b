"""Builders for the results tests: comments in every status, votes, flags, staff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.actions import do_change_status
from dialog.discussion.models import Comment, CommentStatus, Flag, Vote
from dialog.procedures.models import Department, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]


@dataclass
class Helpers:
    api: factories.ApiAs
    db: Database

    async def comment(
        self, author: User, thread: Thread, body: str, **fields: Any
    ) -> dict[str, Any]:
        response = await self.api.request(
            author, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": body, **fields}
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def set_status(self, comment_id: int, status: CommentStatus) -> None:
        async with self.db.unit_of_work() as uow:
            comment = await uow.session.get(Comment, comment_id)
            assert comment is not None
            await do_change_status(uow, comment, status)

    async def vote(self, voter: User, comment_id: int, value: int) -> None:
        """A vote as the discussion stores it: the row and the comment's counter."""
        column = Comment.up_count if value > 0 else Comment.down_count
        async with self.db.unit_of_work() as uow:
            uow.session.add(Vote(user_id=voter.id, comment_id=comment_id, value=value))
            await uow.session.execute(
                update(Comment).where(Comment.id == comment_id).values({column: column + 1})
            )

    async def flag(self, who: User, comment_id: int) -> None:
        async with self.db.unit_of_work() as uow:
            uow.session.add(Flag(comment_id=comment_id, user_id=who.id, reason="spam"))
            await uow.session.execute(
                update(Comment)
                .where(Comment.id == comment_id)
                .values(flag_count=Comment.flag_count + 1)
            )


@pytest.fixture
def helpers(api: factories.ApiAs, db: Database) -> Helpers:
    return Helpers(api, db)


@pytest.fixture
async def staff(make_user: MakeUser, department: Department) -> User:
    return await make_user("staff", department, display_name="Frau Amt")
