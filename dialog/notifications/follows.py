"""Following: what one wrote, voted on, proposed or supported automatically, and by choice a
procedure, a thread, a district, a department or a proposal.

Other packages call `follow(session, account_id, target)` when someone takes part in
something (a proposal, a concern); it never undoes an unfollow. `do_follow`/`do_unfollow` are
the person's own choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, insert, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.db import insert_for, utcnow
from dialog.discussion.models import Comment, Vote
from dialog.errors import InvalidInput, NotFound
from dialog.i18n import lazy
from dialog.notifications.models import Follow
from dialog.procedures.models import Department, District, Procedure, Status, Thread
from dialog.proposals import policy as proposal_policy
from dialog.proposals.models import Proposal

KINDS = ("procedure", "thread", "district", "department", "proposal")
WHAT_CAN_BE_FOLLOWED = lazy(
    "One can follow a procedure, a thread, a district, a department or a proposal."
)


@dataclass(frozen=True)
class Target:
    kind: str
    id: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput(WHAT_CAN_BE_FOLLOWED, {"kind": WHAT_CAN_BE_FOLLOWED})


async def follow(session: AsyncSession, account_id: int, target: Target) -> None:
    """Follow automatically (one took part): a new follow, but an unfollow stays."""
    await follow_all(session, [(account_id, target)])


async def follow_all(session: AsyncSession, follows: Iterable[tuple[int, Target]]) -> None:
    """`follow` for several people and targets, in one statement."""
    now = utcnow()
    rows = [
        {
            "user_id": account_id,
            "kind": target.kind,
            "target_id": target.id,
            "active": True,
            "automatic": True,
            "created_at": now,
        }
        for account_id, target in dict.fromkeys(follows)
    ]
    if rows:
        await session.execute(
            insert_for(session)(Follow)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["user_id", "kind", "target_id"])
        )


async def access_target(session: AsyncSession, target: Target) -> None:
    """It exists, and a procedure or thread is public (drafts are not followed)."""
    if target.kind == "procedure":
        query = select(Procedure.id).where(Procedure.id == target.id)
    elif target.kind == "thread":
        query = select(Thread.id).join(Procedure, Procedure.id == Thread.procedure_id)
        query = query.where(Thread.id == target.id)
    elif target.kind == "district":
        query = select(District.id).where(District.id == target.id)
    elif target.kind == "proposal":  # published ones: the others are not public
        query = select(Proposal.id).where(
            Proposal.id == target.id, Proposal.state.in_(proposal_policy.PUBLIC)
        )
    else:
        query = select(Department.id).where(Department.id == target.id)
    if target.kind in ("procedure", "thread"):
        query = query.where(Procedure.status == Status.public)
    if await session.scalar(query) is None:
        raise NotFound(lazy("There is nothing to follow here."))


async def do_follow(session: AsyncSession, account_id: int, target: Target) -> None:
    """Follow by choice (again after an unfollow)."""
    await access_target(session, target)
    await session.execute(
        insert_for(session)(Follow)
        .values(
            user_id=account_id,
            kind=target.kind,
            target_id=target.id,
            active=True,
            automatic=False,
            created_at=utcnow(),
        )
        .on_conflict_do_update(
            index_elements=["user_id", "kind", "target_id"],
            set_={"active": True, "automatic": False},
        )
    )


async def do_unfollow(session: AsyncSession, account_id: int, target: Target) -> None:
    """Stop following; kept as an inactive row so taking part later does not follow again."""
    await session.execute(
        insert_for(session)(Follow)
        .values(
            user_id=account_id,
            kind=target.kind,
            target_id=target.id,
            active=False,
            automatic=False,
            created_at=utcnow(),
        )
        .on_conflict_do_update(
            index_elements=["user_id", "kind", "target_id"], set_={"active": False}
        )
    )


async def follow_thread_of_voters(session: AsyncSession, comment_id: int) -> None:
    """Everyone who voted on the comment follows its thread (unless they unfollowed it)."""
    thread_id = await session.scalar(select(Comment.thread_id).where(Comment.id == comment_id))
    if thread_id is None:
        return
    known = exists().where(
        Follow.user_id == Vote.user_id, Follow.kind == "thread", Follow.target_id == thread_id
    )
    await session.execute(
        insert(Follow).from_select(
            ["user_id", "kind", "target_id", "active", "automatic", "created_at"],
            select(
                Vote.user_id,
                literal("thread"),
                literal(thread_id),
                true(),
                true(),
                literal(utcnow()),
            ).where(Vote.comment_id == comment_id, ~known),
        )
    )


async def followers(session: AsyncSession, targets: Iterable[Target]) -> set[int]:
    """Everyone who follows at least one of the targets."""
    wanted = list(targets)
    if not wanted:
        return set()
    conditions = [and_(Follow.kind == t.kind, Follow.target_id == t.id) for t in wanted]
    rows = await session.scalars(
        select(Follow.user_id).where(Follow.active.is_(True), or_(*conditions)).distinct()
    )
    return set(rows)


async def is_following(session: AsyncSession, account_id: int, target: Target) -> bool:
    return bool(
        await session.scalar(
            select(Follow.active).where(
                Follow.user_id == account_id,
                Follow.kind == target.kind,
                Follow.target_id == target.id,
            )
        )
    )


@dataclass(frozen=True)
class Followed:
    kind: str
    id: int
    title: str
    url: str
    automatic: bool


async def follows_of(session: AsyncSession, account_id: int) -> Sequence[Followed]:
    """What someone follows, with a title and a link, by kind then title."""
    rows = (
        await session.execute(
            select(Follow.kind, Follow.target_id, Follow.automatic)
            .where(Follow.user_id == account_id, Follow.active.is_(True))
            .order_by(Follow.id)
        )
    ).all()
    by_kind: dict[str, list[tuple[int, bool]]] = {}
    for kind, target_id, automatic in rows:
        by_kind.setdefault(kind, []).append((target_id, automatic))
    found: list[Followed] = []
    for kind, items in by_kind.items():
        titles = await _titles(session, kind, [i for i, _ in items])
        for target_id, automatic in items:
            if target_id in titles:
                title, url = titles[target_id]
                found.append(Followed(kind, target_id, title, url, automatic))
    order = {kind: position for position, kind in enumerate(KINDS)}
    return sorted(found, key=lambda f: (order.get(f.kind, 99), f.title.lower()))


async def _titles(session: AsyncSession, kind: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    if kind == "procedure":
        rows = await session.execute(
            select(Procedure.id, Procedure.title).where(Procedure.id.in_(ids))
        )
        return {i: (t, f"/procedures/{i}") for i, t in rows}
    if kind == "thread":
        rows = await session.execute(select(Thread.id, Thread.title).where(Thread.id.in_(ids)))
        return {i: (t, f"/threads/{i}") for i, t in rows}
    if kind == "proposal":
        rows = await session.execute(
            select(Proposal.id, Proposal.title).where(Proposal.id.in_(ids))
        )
        return {i: (t, f"/proposals/{i}") for i, t in rows}
    if kind == "district":
        places = await session.execute(
            select(District.id, District.name, District.slug).where(District.id.in_(ids))
        )
        return {i: (n, f"/procedures?district={s}") for i, n, s in places}
    offices = await session.execute(
        select(Department.id, Department.name, Department.slug).where(Department.id.in_(ids))
    )
    return {i: (n, f"/procedures?department={s}") for i, n, s in offices}
