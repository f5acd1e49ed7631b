"""Builders for the evaluation tests: staff, published comments, themes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import Comment, CommentStatus
from dialog.evaluation import actions
from dialog.evaluation.models import Theme
from dialog.evaluation.schemas import CodingIn, ThemeIn
from dialog.procedures.models import Department, Procedure, Thread

MakeUser = Callable[..., Awaitable[User]]


def as_actor(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, department_id=user.department_id)


@dataclass
class Workbench:
    db: Database
    procedure: Procedure
    thread: Thread
    staff: User

    async def comment(
        self,
        body: str,
        stance: str | None = None,
        status: CommentStatus = CommentStatus.published,
        author: User | None = None,
    ) -> int:
        async with self.db.unit_of_work() as uow:
            comment = Comment(
                thread_id=self.thread.id,
                author_id=author.id if author else None,
                body=body,
                html=f"<p>{body}</p>",
                stance=stance,
                status=status,
            )
            uow.session.add(comment)
            await uow.session.flush()
            comment.root_id = comment.id
            return comment.id

    async def theme(self, name: str) -> Theme:
        async with self.db.unit_of_work() as uow:
            procedure = await uow.session.get(Procedure, self.procedure.id)
            assert procedure is not None
            return await actions.do_create_theme(uow, procedure, ThemeIn(name=name))

    async def code(self, comment_id: int, *themes: Theme) -> None:
        async with self.db.unit_of_work() as uow:
            procedure = await uow.session.get(Procedure, self.procedure.id)
            assert procedure is not None
            await actions.do_code(
                uow,
                as_actor(self.staff),
                procedure,
                {comment_id: CodingIn(themes=[t.id for t in themes])},
            )


@pytest.fixture
async def staff(make_user: MakeUser, department: Department) -> User:
    return await make_user("staff", department, display_name="Frau Amt")


@pytest.fixture
def bench(db: Database, procedure: Procedure, thread: Thread, staff: User) -> Workbench:
    return Workbench(db, procedure, thread, staff)
