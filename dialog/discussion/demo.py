"""Demo conversations for the active procedures: comments, replies, votes, one post on hold."""

from __future__ import annotations

from sqlalchemy import select

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import UnitOfWork
from dialog.discussion.actions import do_post_comment
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.models import Comment, Vote
from dialog.discussion.schemas import CommentIn
from dialog.procedures.models import Procedure, Thread

# (author, text, stance, reply-to index or None)
CONVERSATION = [
    (
        "Anna aus Babelsberg",
        "Ich fände es gut, wenn es **mehr Schatten** gäbe. Im Sommer ist es dort kaum auszuhalten.",
        "for",
        None,
    ),
    (
        "Potsdamer Radler",
        "Bitte bei der Planung auch an sichere Abstellplätze für Fahrräder denken.",
        "neutral",
        None,
    ),
    (
        "Kiezmama",
        "Dem stimme ich zu. Für Familien mit Lastenrad fehlt bisher jeder Platz.",
        "for",
        1,
    ),
    (
        "Herr Schulze",
        "Ich sehe das kritisch: Die Kosten sind nicht nachvollziehbar begründet.",
        "against",
        None,
    ),
    ("Anna aus Babelsberg", "Die Kostenschätzung steht im Informationsblatt, Seite 4.", None, 3),
]
VOTES = [
    (0, "Kiezmama", 1),
    (0, "Herr Schulze", 1),
    (1, "Anna aus Babelsberg", 1),
    (3, "Kiezmama", -1),
    (3, "Potsdamer Radler", 1),
]


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, display_name=user.display_name, via="session")


async def add_conversations(uow: UnitOfWork, limit: int = 3) -> None:
    people = {u.display_name: u for u in (await uow.session.scalars(select(User))).all()}
    threads = (
        await uow.session.scalars(
            select(Thread)
            .join(Procedure, Procedure.id == Thread.procedure_id)
            .where(Procedure.phase == "active", Thread.is_open.is_(True))
            .order_by(Thread.id)
        )
    ).all()
    hooks = DiscussionHooks()
    for thread in threads[:limit]:
        posted: list[int] = []
        held = thread.moderation == "pre"
        for author, text, stance, parent in CONVERSATION:
            if held and parent is not None:
                posted.append(0)  # no replies to posts that still wait for review
                continue
            data = CommentIn(
                body=text, stance=stance, parent_id=posted[parent] if parent is not None else None
            )
            comment, _ = await do_post_comment(uow, _actor(people[author]), thread.id, data, hooks)
            posted.append(comment.id)
        if held:
            continue  # held comments cannot be voted on; the queue shows them instead
        for index, voter, value in VOTES:
            # Demo votes are known to be valid: rows and counters written as a vote writes them.
            uow.session.add(Vote(user_id=people[voter].id, comment_id=posted[index], value=value))
            voted = await uow.session.get(Comment, posted[index])
            assert voted is not None
            if value > 0:
                voted.up_count += 1
            else:
                voted.down_count += 1
