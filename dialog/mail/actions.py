"""The mail worker's writes: claim due mail under a row lock, record what became of it, prune.

A claim marks rows `sending` with a lease (next_attempt_at); a process that dies while sending
leaves them to be claimed again once the lease has run out. The same Message-ID goes out then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, or_, select

from dialog.db import Database, UnitOfWork
from dialog.mail import Mail
from dialog.mail.models import MailState, OutboxMail
from dialog.mail.outbox import mail_of

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
KEEP_SENT = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 ... minutes after the n-th failed attempt, at most an hour."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), MAX_RETRY)


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int  # including this one
    mail: Mail


@dataclass(frozen=True)
class Outcome:
    id: int
    error: str | None = None  # None: accepted by the server
    permanent: bool = False  # the server refused it for good: no retry
    released: bool = False  # not tried at all (the lease ran short): back without counting


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMail.state.in_((MailState.pending, MailState.sending)),
        OutboxMail.next_attempt_at <= now,
    )


async def claim_due(db: Database, now: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` due mails, oldest first; FOR UPDATE SKIP LOCKED lets workers of
    other processes take the next ones (SQLite: the unit of work's write lock)."""
    async with db.reading() as session:
        if await session.scalar(select(OutboxMail.id).where(_due(now)).limit(1)) is None:
            return []  # nothing to do: no write transaction, no lock
    async with db.unit_of_work() as uow:
        rows = (
            await uow.session.scalars(
                select(OutboxMail)
                .where(_due(now))
                .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for row in rows:
            row.state = MailState.sending
            row.attempts += 1
            row.next_attempt_at = now + LEASE
        return [Claimed(row.id, row.attempts, mail_of(row)) for row in rows]


async def do_finish(
    db: Database, outcomes: Sequence[Outcome], now: datetime, max_attempts: int
) -> None:
    """Sent, retried later (backoff), or failed for good: one transaction for a batch."""
    if not outcomes:
        return
    async with db.unit_of_work() as uow:
        rows = {
            row.id: row
            for row in (
                await uow.session.scalars(
                    select(OutboxMail).where(OutboxMail.id.in_([o.id for o in outcomes]))
                )
            ).all()
        }
        for outcome in outcomes:
            row = rows.get(outcome.id)
            if row is None or row.state == MailState.sent:  # erased meanwhile, or sent twice
                continue
            _record(row, outcome, now, max_attempts)


def _record(row: OutboxMail, outcome: Outcome, now: datetime, max_attempts: int) -> None:
    if outcome.error is None:
        row.state = MailState.sent
        row.sent_at = now
        row.next_attempt_at = None
        row.last_error = ""
    elif outcome.released:
        row.state = MailState.pending
        row.attempts = max(row.attempts - 1, 0)
        row.next_attempt_at = now
    elif outcome.permanent or row.attempts >= max_attempts:
        row.state = MailState.failed
        row.next_attempt_at = None
        row.last_error = outcome.error[:300]
    else:
        row.state = MailState.pending
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.last_error = outcome.error[:300]


async def do_prune(db: Database, now: datetime) -> None:
    """Sent mail is kept a week (to answer "did it go out?"), failed mail a month."""
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            delete(OutboxMail).where(
                or_(
                    (OutboxMail.state == MailState.sent) & (OutboxMail.sent_at < now - KEEP_SENT),
                    (OutboxMail.state == MailState.failed)
                    & (OutboxMail.created_at < now - KEEP_FAILED),
                )
            )
        )


async def do_erase_mail_of(uow: UnitOfWork, user_id: int) -> None:
    """An erased account's mail goes with it, sent or not (address and text are personal)."""
    await uow.session.execute(delete(OutboxMail).where(OutboxMail.user_id == user_id))
