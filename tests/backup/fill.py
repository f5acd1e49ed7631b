"""Rows for the tables the demo data leaves empty, so a backup test covers every table."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from dialog.accounts.models import (
    AccountAudit,
    Consent,
    LoginSession,
    OidcIdentity,
    OidcLogin,
    OneTimeToken,
    User,
)
from dialog.concerns.models import Concern, DailyRun, Photo
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment, CommentRevision, Flag
from dialog.live.models import ConsumerPosition
from dialog.mail.models import MailState, OutboxMail
from dialog.notifications.models import Notification
from dialog.procedures.models import Thread
from dialog.results.models import HandoverJob
from dialog.review.models import Check, ChecklistItem
from moderation.models import Appeal, AuditEntry, Decision, ReviewItem, Rule
from tests import factories


async def fill_what_the_demo_left_empty(db: Database) -> None:
    now = utcnow()
    async with db.unit_of_work() as uow:
        session = uow.session
        users = list((await session.scalars(select(User).order_by(User.id))).all())
        person, moderator = users[-1], users[1]
        comment = await session.scalar(select(Comment).order_by(Comment.id).limit(1))
        thread = await session.scalar(select(Thread).order_by(Thread.id).limit(1))
        assert comment is not None and thread is not None, "the demo writes comments in threads"
        session.add_all(
            [
                LoginSession(user_id=person.id, token_hash="a" * 64, user_agent="Firefox"),
                OneTimeToken(
                    user_id=person.id,
                    purpose="email",
                    token_hash="b" * 64,
                    new_email="neu@example.org",
                    expires_at=now + timedelta(hours=6),
                ),
                Consent(user_id=person.id, kind="privacy", version="2026-01"),
                OidcIdentity(
                    user_id=person.id,
                    issuer="https://sso.potsdam.example",
                    subject="4711",
                    last_login_at=now,
                ),
                OidcLogin(state_hash="c" * 64, nonce="n-1", code_verifier="v" * 64, next="/me"),
                AccountAudit(
                    actor_id=users[0].id,
                    target_id=person.id,
                    action="role",
                    before={"role": "resident"},
                    after={"role": "resident", "note": "Grüße"},
                ),
                Notification(
                    user_id=person.id,
                    kind="answer.published",
                    title="Die Verwaltung hat geantwortet",
                    body="Zu Ihrem Beitrag",
                    url=f"/comments/{comment.id}",
                ),
                OutboxMail(
                    message_id=f"<{uuid.uuid4()}@dialog.example>",
                    kind="answer.published",
                    user_id=person.id,
                    recipient="anna@example.org",
                    subject="Die Verwaltung hat geantwortet",
                    text="Zu Ihrem Beitrag",
                    html=None,
                    headers=[["Auto-Submitted", "auto-generated"]],
                    attachments=[],
                    state=MailState.sent,
                    attempts=1,
                    sent_at=now,
                ),
                ConsumerPosition(name="notifications", position=1, gaps={"3": 1.5}, failures=0),
                CommentRevision(comment_id=comment.id, body="Vorher", html="<p>Vorher</p>"),
                Flag(
                    comment_id=comment.id,
                    user_id=person.id,
                    reason="spam",
                    note="Werbung?",
                    upheld=False,
                    reviewed_at=now,
                ),
                Rule(name="links", enabled=False, params={"max": 5}, updated_by=moderator.id),
                ReviewItem(
                    comment_id=comment.id,
                    version=1,
                    open_since=now,
                    open_reason="appeal",
                    claimed_by=moderator.id,
                    claim_expires_at=now + timedelta(minutes=10),
                ),
                AuditEntry(
                    actor_id=moderator.id,
                    action="rule",
                    subject="rule:links",
                    data={"enabled": False},
                    prev_hash="0" * 64,
                    hash="1" * 64,
                ),
                HandoverJob(
                    thread_id=thread.id,
                    procedure_id=thread.procedure_id,
                    delivery_id=str(uuid.uuid4()),
                    trigger="staff",
                    channel="email",
                    attempts=1,
                    next_attempt_at=now,
                    last_error="SMTP 451",
                ),
            ]
        )
        decision = Decision(
            comment_id=comment.id,
            procedure_id=thread.procedure_id,
            author_id=comment.author_id,
            moderator_id=moderator.id,
            action="hide",
            reason="spam",
            note="",
            status_before="published",
            status_after="hidden",
            queue_reason="flags",
            waited_seconds=42,
        )
        session.add(decision)
        await session.flush()
        session.add(Appeal(comment_id=comment.id, decision_id=decision.id, text="Bitte prüfen"))
        concern = await session.scalar(select(Concern).order_by(Concern.id).limit(1))
        item = await session.scalar(select(ChecklistItem).order_by(ChecklistItem.id).limit(1))
        assert concern is not None and item is not None, "the demo has concerns, migrations a list"
        session.add_all(
            [
                Photo(concern_id=concern.id, data=b"\xff\xd8jpeg", width=1, height=1),
                DailyRun(day=now.date()),
                Check(procedure_id=thread.procedure_id, item_id=item.id, checked_at=now),
            ]
        )
    await factories.token(db, person)
