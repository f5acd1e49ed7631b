"""Demo follows, notifications (read and unread, one about a comment that was hidden since)
and mail choices. The demo's comments are written before any consumer runs, so what the
consumer would have done is written here directly."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import UnitOfWork, utcnow
from dialog.discussion.models import Comment, CommentStatus, Vote
from dialog.discussion.present import comment_url
from dialog.markup import plain_text
from dialog.notifications.models import Follow, Notification, NotificationPreference
from dialog.procedures.models import District, Procedure, Thread
from dialog.results.models import Answer


async def add_notifications(uow: UnitOfWork) -> None:
    session = uow.session
    now = utcnow()
    people = {u.display_name: u for u in (await session.scalars(select(User))).all()}
    comments = (await session.scalars(select(Comment).order_by(Comment.id))).all()
    follows: set[tuple[int, str, int]] = set()
    for comment in comments:
        if comment.author_id is not None:
            follows.add((comment.author_id, "thread", comment.thread_id))
    for user_id, thread_id in await session.execute(
        select(Vote.user_id, Comment.thread_id).join(Comment, Comment.id == Vote.comment_id)
    ):
        follows.add((user_id, "thread", thread_id))
    session.add_all(
        Follow(user_id=u, kind=k, target_id=t, automatic=True, created_at=now)
        for u, k, t in sorted(follows)
    )
    anna = people["Anna aus Babelsberg"]
    active = await session.scalar(
        select(Procedure).where(Procedure.phase == "active").order_by(Procedure.id)
    )
    babelsberg = await session.scalar(select(District).where(District.name == "Babelsberg"))
    if active is not None:
        session.add(Follow(user_id=anna.id, kind="procedure", target_id=active.id))
    if babelsberg is not None:
        session.add(Follow(user_id=anna.id, kind="district", target_id=babelsberg.id))
    notes: list[Notification] = []
    by_id = {c.id: c for c in comments}
    titles = {t.id: t.title for t in (await session.scalars(select(Thread))).all()}
    for reply in comments:
        parent = by_id.get(reply.parent_id or 0)
        if parent is None or parent.author_id in (None, reply.author_id):
            continue
        notes.append(
            Notification(
                user_id=parent.author_id,
                kind="reply",
                title=f"Neue Antwort auf Ihren Beitrag in „{titles[reply.thread_id]}“",
                url=comment_url(reply.id),
                comment_id=reply.id,
                created_at=reply.created_at,
                read_at=None if parent.author_id != people["Herr Schulze"].id else now,
            )
        )
    answered = await session.execute(
        select(Answer, Comment.author_id).join(Comment, Comment.id == Answer.comment_id)
    )
    for answer, author_id in answered:
        if author_id is None:
            continue
        notes.append(
            Notification(
                user_id=author_id,
                kind="answer",
                title="Der Fachbereich hat geantwortet",
                body=plain_text(answer.html)[:300],
                url=comment_url(answer.comment_id or 0),
                created_at=now - timedelta(days=2),
            )
        )
    if active is not None:
        notes.append(
            Notification(
                user_id=anna.id,
                kind="phase.changed",
                title=f"„{active.title}“ ist jetzt in der Phase: Beteiligung",
                url=f"/procedures/{active.id}",
                created_at=now - timedelta(days=20),
                read_at=now - timedelta(days=19),
            )
        )
    hidden = next((c for c in comments if c.status == CommentStatus.hidden), None)
    if hidden is not None and hidden.author_id != anna.id:
        notes.append(  # about a comment hidden since: its text is no longer shown
            Notification(
                user_id=anna.id,
                kind="reply",
                title=f"Neue Antwort auf Ihren Beitrag in „{titles[hidden.thread_id]}“",
                url=comment_url(hidden.id),
                comment_id=hidden.id,
                created_at=now - timedelta(days=1),
            )
        )
    for note in notes:  # the demo mails nobody: its notices count as mailed
        note.delivery, note.mailed_at = "none", note.created_at
    session.add_all(notes)
    session.add_all(
        [
            NotificationPreference(user_id=anna.id, kind="followed", mode="weekly"),
            NotificationPreference(user_id=people["Herr Schulze"].id, kind="reply", mode="off"),
        ]
    )
    await session.flush()
