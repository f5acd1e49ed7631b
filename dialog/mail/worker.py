"""The mail worker of one process: sends due mail from the outbox, retries with backoff.

Every process runs one; they share the work through the claim's row lock. A worker wakes when
this process commits a transaction that queued mail (MAIL_TOPIC), and otherwise every
DIALOG_MAIL_INTERVAL seconds for mail queued elsewhere and for retries that came due. An SMTP
outage leaves the mail queued: each failed attempt is retried later, up to
DIALOG_MAIL_MAX_ATTEMPTS, then the mail is `failed`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime

import aiosmtplib

from dialog import mail
from dialog.background import Background
from dialog.db import Database, utcnow
from dialog.mail import actions
from dialog.mail.actions import LEASE, Claimed, Outcome
from dialog.mail.outbox import MAIL_TOPIC
from dialog.settings import Settings

log = logging.getLogger("dialog.mail.worker")

BATCH = 20  # mails per claim and per SMTP connection
PRUNE_EVERY = 3600.0  # seconds


async def run_due(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Send every mail that is due now, batch by batch; returns how many were accepted."""
    moment = now or utcnow()
    accepted = 0
    while batch := await actions.claim_due(db, moment, BATCH):
        outcomes = await deliver(settings, batch)
        await actions.do_finish(db, outcomes, moment, settings.mail_max_attempts)
        accepted += sum(1 for outcome in outcomes if outcome.error is None)
    return accepted


async def deliver(settings: Settings, batch: Sequence[Claimed]) -> list[Outcome]:
    """Send a batch over one connection; every claimed mail gets an outcome."""
    done: dict[int, Outcome] = {}
    # Stop well inside the lease, so no other worker takes a mail this one is still sending.
    deadline = time.monotonic() + LEASE.total_seconds() / 2
    try:
        async with mail.connect(settings) as postbox:
            for item in batch:
                if time.monotonic() > deadline:
                    break
                try:
                    message = mail.build(settings, item.mail)
                except (ValueError, TypeError) as broken:  # e.g. a line break in a header
                    done[item.id] = Outcome(item.id, _short(broken), permanent=True)
                    continue
                try:
                    await postbox.send(message)
                except aiosmtplib.SMTPRecipientsRefused as refused:
                    done[item.id] = Outcome(item.id, _short(refused), permanent=_permanent(refused))
                except aiosmtplib.SMTPResponseException as answer:
                    done[item.id] = Outcome(item.id, _short(answer), permanent=answer.code >= 500)
                else:
                    done[item.id] = Outcome(item.id)
    except Exception as error:  # no server, a broken connection, a timeout: all mean "later"
        log.warning("mail delivery interrupted: %s", _short(error))
        return [done.get(item.id) or Outcome(item.id, _short(error)) for item in batch]
    return [done.get(item.id) or Outcome(item.id, "not tried", released=True) for item in batch]


def _permanent(refused: aiosmtplib.SMTPRecipientsRefused) -> bool:
    return all(error.code >= 500 for error in refused.recipients)


def _short(error: BaseException) -> str:
    """The error's class and first line: enough to tell an outage from a refusal."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {detail}"[:300] if detail else type(error).__name__


def register(background: Background, db: Database, settings: Settings) -> None:
    """Send mail when this process commits a transaction that queued some (and at start, for
    mail queued before a restart), else every DIALOG_MAIL_INTERVAL seconds; prune hourly."""
    background.every(
        "mail",
        settings.mail_interval,
        lambda: run_due(db, settings),
        woken_by=MAIL_TOPIC,
        at_start=True,
    )
    background.every("mail-prune", PRUNE_EVERY, lambda: actions.do_prune(db, utcnow()))
