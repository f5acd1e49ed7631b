"""Builders for the evaluation tests: staff, published comments, themes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.events import VOTES_CHANGED, VotesChanged
from dialog.discussion.models import Comment, CommentStatus, Vote
from dialog.evaluation import actions
from dialog.evaluation.models import Theme
from dialog.evaluation.schemas import CodingIn, ThemeIn
from dialog.live.outbox import emit
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


@dataclass(frozen=True)
class Camps:
    consensus: int  # everyone agrees
    divisive: int  # camp A agrees, camp B disagrees
    statements: list[int]  # all of them, the first two included
    voters: list[User]


async def plant_camps(bench: Workbench, make_user: MakeUser, per_camp: int = 8) -> Camps:
    """Two camps of `per_camp` accounts voting on eight comments; the votes are announced on
    the thread like the discussion's own coalescer does (one `votes.changed` per comment)."""
    voters = [await make_user() for _ in range(2 * per_camp)]
    statements = [await bench.comment(f"Aussage {n}") for n in range(8)]
    async with bench.db.unit_of_work() as uow:
        for index, voter in enumerate(voters):
            camp_a = index < per_camp
            for number, statement in enumerate(statements):
                value = 1 if number == 0 or camp_a else -1
                uow.session.add(Vote(user_id=voter.id, comment_id=statement, value=value))
        for statement in statements:
            counts = VotesChanged(id=statement, up=0, down=0)
            await emit(uow, VOTES_CHANGED, counts, bench.thread.id)
    return Camps(statements[0], statements[1], statements, voters)


@pytest.fixture
async def staff(make_user: MakeUser, department: Department) -> User:
    return await make_user("staff", department, display_name="Frau Amt")


@pytest.fixture
async def other_staff(make_user: MakeUser, other_department: Department) -> User:
    return await make_user("staff", other_department)


@pytest.fixture
def bench(db: Database, procedure: Procedure, thread: Thread, staff: User) -> Workbench:
    return Workbench(db, procedure, thread, staff)
