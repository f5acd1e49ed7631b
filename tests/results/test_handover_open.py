"""Handing over a thread that is still open: the mail says so (an interim state, the final
results follow), and the final results are delivered once it closes."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Thread
from dialog.results import jobs
from dialog.settings import Settings
from tests.results.conftest import Helpers
from tests.results.test_handover import close, configure, smtp, stored_jobs

__all__ = ["smtp"]  # the fixture, used by name below
MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


def plain_text(message: EmailMessage) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("the mail has no text part")


async def test_an_open_thread_handed_over_from_its_page_is_mailed_as_an_interim_state(
    smtp: Any,
    settings: Settings,
    db: Database,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    department: Department,
    thread: Thread,
    helpers: Helpers,
    make_user: MakeUser,
) -> None:
    controller, inbox = smtp
    mailing = dataclasses.replace(
        settings, smtp_url=f"smtp://{controller.hostname}:{controller.port}"
    )
    await configure(db, department, handover_channel="email", handover_email="amt@example.org")
    await helpers.comment(await make_user(), thread, "Mehr Bänke")
    token = await browser_session(await make_user(role="staff", department=department))
    pressed = await client.post(
        f"/threads/{thread.id}/handover", data={"csrf_token": token, "back": "thread"}
    )
    assert pressed.status_code == 303
    assert pressed.headers["location"].startswith(f"/threads/{thread.id}?handover=requested")
    assert "Die Übergabe ist beauftragt." in (await client.get(pressed.headers["location"])).text

    assert await jobs.run_due(db, mailing) == 1
    [interim] = inbox.messages
    text = plain_text(interim)
    assert interim["Subject"].startswith("Zwischenstand:")
    assert "läuft noch" in text and "ist beendet" not in text
    assert "endgültigen Ergebnisse folgen" in text

    await close(db, thread)
    assert await jobs.run_due(db, mailing) == 1
    final = inbox.messages[1]
    assert final["Subject"].startswith("Ergebnisse:")
    assert "ist beendet" in plain_text(final) and "läuft noch" not in plain_text(final)
    [job] = await stored_jobs(db)
    assert (job.state, job.trigger) == ("done", "closed")
    assert await jobs.run_due(db, mailing) == 0  # and nothing more
