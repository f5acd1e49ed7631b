"""The mail worker against a real SMTP server: outages, restarts and crashes lose no mail and
send none twice (except the one repeat a crash between sending and recording may cause, which
carries the same Message-ID). The tests drive the worker with their own clock."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from dialog.app import create_app
from dialog.db import Database, utcnow
from dialog.mail import Mail, actions
from dialog.mail.actions import LEASE, retry_delay
from dialog.mail.models import MailState
from dialog.mail.worker import BATCH, deliver, run_due
from dialog.settings import Settings
from tests.mail.helpers import letter, queue, stored
from tests.mailbox import SmtpServer, settled


async def test_an_smtp_outage_delays_mail_and_loses_none_and_sends_none_twice(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    smtp.stop()
    ids = await queue(quiet, settings, letter(1), letter(2), letter(3))
    now = utcnow()
    assert await run_due(quiet, settings, now) == 0
    assert await run_due(quiet, settings, now + timedelta(seconds=31)) == 0  # still down
    rows = await stored(quiet)
    assert {(row.state, row.attempts) for row in rows} == {("pending", 2)}
    assert all("Connect" in row.last_error for row in rows), rows[0].last_error
    smtp.start()
    assert await run_due(quiet, settings, now + timedelta(seconds=60)) == 0  # backoff: 1 min
    assert await run_due(quiet, settings, now + timedelta(seconds=92)) == 3
    assert await run_due(quiet, settings, now + timedelta(hours=5)) == 0
    assert sorted(smtp.inbox.message_ids()) == sorted(ids)
    assert {row.state for row in await stored(quiet)} == {"sent"}


async def test_a_new_app_on_the_same_database_sends_what_the_stopped_one_queued(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    ids = await queue(quiet, settings, letter(4))  # committed; this app's worker is gone
    assert smtp.inbox.messages == []
    restarted = create_app(settings)
    async with restarted.router.lifespan_context(restarted):
        await settled(restarted.state.services.db)
    assert smtp.inbox.message_ids() == ids


async def test_a_mail_claimed_by_a_worker_that_died_is_sent_once_its_lease_ran_out(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    [message_id] = await queue(quiet, settings, letter(5))
    now = utcnow()
    [_claimed] = await actions.claim_due(quiet, now, BATCH)  # ... and the process dies here
    assert await run_due(quiet, settings, now + LEASE - timedelta(seconds=1)) == 0
    assert await run_due(quiet, settings, now + LEASE) == 1
    assert smtp.inbox.message_ids() == [message_id]
    [row] = await stored(quiet)
    assert (row.state, row.attempts) == ("sent", 2)


async def test_a_mail_sent_just_before_a_crash_goes_out_again_with_the_same_message_id(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    [message_id] = await queue(quiet, settings, letter(6))
    now = utcnow()
    batch = await actions.claim_due(quiet, now, BATCH)
    await deliver(settings, batch)  # sent, and the process dies before recording it
    assert await run_due(quiet, settings, now + LEASE) == 1
    assert smtp.inbox.message_ids() == [message_id, message_id]


async def test_a_recipient_refused_for_good_is_failed_without_retries(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    smtp.inbox.refuse.add("person7@example.org")
    await queue(quiet, settings, letter(7), letter(8))
    assert await run_due(quiet, settings) == 1
    refused, accepted = await stored(quiet)
    assert (refused.state, refused.attempts, refused.next_attempt_at) == ("failed", 1, None)
    assert "550" in refused.last_error
    assert accepted.state == "sent"


async def test_a_mail_fails_after_the_last_attempt(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    limited = dataclasses.replace(settings, mail_max_attempts=2)
    smtp.stop()
    await queue(quiet, settings, letter(9))
    now = utcnow()
    await run_due(quiet, limited, now)
    await run_due(quiet, limited, now + timedelta(hours=1))
    [row] = await stored(quiet)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 2, None)
    assert await run_due(quiet, limited, now + timedelta(days=1)) == 0


def test_retries_wait_twice_as_long_each_time_up_to_an_hour() -> None:
    waits = [retry_delay(attempt) for attempt in range(1, 10)]
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert waits[-1] == timedelta(hours=1)
    assert retry_delay(1000) == timedelta(hours=1)


async def test_two_processes_share_the_outbox_without_sending_a_mail_twice(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    ids = await queue(quiet, settings, *(letter(n) for n in range(3 * BATCH)))
    other = Database.for_settings(settings)  # a second process's connections
    try:
        now = utcnow()
        sent = await asyncio.gather(run_due(quiet, settings, now), run_due(other, settings, now))
    finally:
        await other.dispose()
    assert sum(sent) == len(ids)
    assert sorted(smtp.inbox.message_ids()) == sorted(ids)


async def test_sent_mail_is_kept_a_week_and_failed_mail_a_month(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    smtp.inbox.refuse.add("person11@example.org")
    await queue(quiet, settings, letter(10), letter(11))
    now = utcnow()
    await run_due(quiet, settings, now)
    await queue(quiet, settings, letter(12))  # still waiting
    await actions.do_prune(quiet, now + timedelta(days=8))
    assert [(row.recipient, row.state) for row in await stored(quiet)] == [
        ("person11@example.org", MailState.failed),
        ("person12@example.org", MailState.pending),
    ]
    await actions.do_prune(quiet, now + timedelta(days=31))
    assert [row.recipient for row in await stored(quiet)] == ["person12@example.org"]


async def test_a_mail_that_cannot_be_built_fails_alone_and_the_batch_goes_out(
    quiet: Database, settings: Settings, smtp: SmtpServer
) -> None:
    broken = Mail(to="person13@example.org", subject="Zeile\nBcc: alle@example.org", text="…")
    await queue(quiet, settings, broken, letter(14))
    assert await run_due(quiet, settings) == 1
    failed, sent = await stored(quiet)
    assert (failed.state, sent.state) == ("failed", "sent")
    assert "linefeed" in failed.last_error
    assert [str(m["To"]) for m in smtp.inbox.messages] == ["person14@example.org"]
