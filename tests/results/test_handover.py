"""Hand-over: a real SMTP server gets the XLSX; a real webhook gets one signed delivery."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import hashlib
import hmac
import io
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from dialog.accounts.models import User
from dialog.app import create_app
from dialog.db import Database, utcnow
from dialog.procedures.models import Department, Procedure, Thread
from dialog.results import jobs
from dialog.results.models import HandoverJob
from dialog.settings import Settings
from tests import backends, factories
from tests.results.conftest import Helpers

MakeUser = Callable[..., Awaitable[User]]
SECRET = "a-webhook-secret-of-some-length"
INTERNAL_BODY = b"db password: hunter2 (an internal service talking)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed: EmailMessage = email.message_from_bytes(envelope.content, _class=EmailMessage)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp() -> Any:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The receivers below listen on loopback, which webhooks may reach only with this setting.
    return dataclasses.replace(settings, webhook_allow_private=True)


@dataclasses.dataclass
class Receiver:
    """A tiny HTTP endpoint on a free port: fails the first `failures` requests with 500 and a
    body that must not reach the job's last_error."""

    failures: int
    requests: list[tuple[dict[str, str], bytes, int]] = dataclasses.field(default_factory=list)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")[1:]
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines if x)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        status = 500 if len(self.requests) < self.failures else 200
        self.requests.append((headers, body, status))
        reason = "OK" if status == 200 else "Internal Server Error"
        answer = b"" if status == 200 else INTERNAL_BODY
        writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(answer)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + answer
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    endpoint = Receiver(failures=2)
    server = await asyncio.start_server(endpoint.handle, "127.0.0.1", 0)
    endpoint.port = server.sockets[0].getsockname()[1]
    yield endpoint
    server.close()
    await server.wait_closed()


async def configure(db: Database, department: Department, **fields: Any) -> None:
    async with db.unit_of_work() as uow:
        found = await uow.session.get(Department, department.id)
        assert found is not None
        for key, value in fields.items():
            setattr(found, key, value)


async def close(db: Database, thread: Thread) -> None:
    async with db.unit_of_work() as uow:
        found = await uow.session.get(Thread, thread.id)
        assert found is not None
        found.is_open = False


async def stored_jobs(db: Database) -> list[HandoverJob]:
    async with db.reading() as session:
        return list((await session.scalars(select(HandoverJob).order_by(HandoverJob.id))).all())


async def test_a_closed_thread_is_mailed_with_a_valid_xlsx_to_a_real_smtp_server(
    smtp: Any,
    settings: Settings,
    db: Database,
    department: Department,
    thread: Thread,
    helpers: Helpers,
    make_user: MakeUser,
) -> None:
    controller, inbox = smtp
    await configure(db, department, handover_channel="email", handover_email="amt@example.org")
    await helpers.comment(await make_user(), thread, "Mehr Schatten")
    await helpers.comment(await make_user(), thread, "=cmd|' /C calc'!A0")
    await close(db, thread)
    mailing = dataclasses.replace(
        settings, smtp_url=f"smtp://{controller.hostname}:{controller.port}"
    )
    assert await jobs.run_due(db, mailing) == 1
    [message] = inbox.messages
    assert message["To"] == "amt@example.org"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    # The department's people open it: German sheet and headers (dialog.results.wording).
    texts = [row[9].value for row in book["Beiträge"].iter_rows(2)]
    assert texts == ["Mehr Schatten", "'=cmd|' /C calc'!A0"]
    [job] = await stored_jobs(db)
    assert (job.state, job.attempts, job.channel, job.trigger) == ("done", 1, "email", "closed")
    assert await jobs.run_due(db, mailing) == 0  # delivered once, never again


async def test_a_webhook_that_fails_twice_gets_exactly_one_accepted_signed_delivery(
    receiver: Receiver,
    settings: Settings,
    db: Database,
    department: Department,
    thread: Thread,
    helpers: Helpers,
    make_user: MakeUser,
) -> None:
    await configure(
        db,
        department,
        handover_channel="webhook",
        webhook_url=f"http://127.0.0.1:{receiver.port}/hook",
        webhook_secret=SECRET,
    )
    await helpers.comment(await make_user(), thread, "Eine Idee")
    await close(db, thread)
    now = utcnow()
    for _attempt in range(3):
        await jobs.run_due(db, settings, now)
        [job] = await stored_jobs(db)
        assert job.next_attempt_at is None or job.next_attempt_at > now
        # the backoff has passed: jump the clock instead of sleeping
        now = job.next_attempt_at + timedelta(seconds=1) if job.next_attempt_at else now
    await jobs.run_due(db, settings, now + timedelta(days=1))
    assert [status for _h, _b, status in receiver.requests] == [500, 500, 200]
    ids = {headers["x-dialog-delivery"] for headers, _b, _s in receiver.requests}
    [job] = await stored_jobs(db)
    assert ids == {job.delivery_id}
    headers, body, _status = receiver.requests[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-dialog-signature"], expected)
    document = json.loads(body)
    assert document["handover"]["delivery_id"] == job.delivery_id
    assert [c["text"] for c in document["comments"]] == ["Eine Idee"]
    assert (job.state, job.attempts, job.last_error) == ("done", 3, "")


async def test_failed_attempts_back_off_exponentially(
    receiver: Receiver, settings: Settings, db: Database, department: Department, thread: Thread
) -> None:
    await configure(
        db,
        department,
        handover_channel="webhook",
        webhook_url=f"http://127.0.0.1:{receiver.port}/hook",
        webhook_secret=SECRET,
    )
    await close(db, thread)
    now = utcnow()
    await jobs.run_due(db, settings, now)
    [job] = await stored_jobs(db)
    assert (job.state, job.attempts) == ("pending", 1)
    assert job.last_error == "webhook answered 500"  # the status only, never the body
    assert job.next_attempt_at == now + timedelta(minutes=1)
    assert await jobs.run_due(db, settings, now + timedelta(seconds=30)) == 0  # not yet due
    await jobs.run_due(db, settings, now + timedelta(minutes=2))
    [job] = await stored_jobs(db)
    assert job.next_attempt_at == now + timedelta(minutes=2) + timedelta(minutes=2)


async def test_staff_press_hand_over_once_and_get_one_job(
    api: factories.ApiAs,
    staff: User,
    thread: Thread,
    db: Database,
    make_user: MakeUser,
    other_department: Department,
) -> None:
    url = f"/api/v1/threads/{thread.id}/handover"
    first = await api.request(staff, "POST", url)
    again = await api.request(staff, "POST", url)
    assert first.status_code == again.status_code == 202
    assert first.json()["delivery_id"] == again.json()["delivery_id"]
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(HandoverJob)) == 1
    assert (await api.request(None, "POST", url)).status_code == 401
    for who in (await make_user(), await make_user("staff", other_department)):
        assert (await api.request(who, "POST", url)).status_code == 403


async def test_a_thread_that_closed_is_handed_over_by_the_apps_background_work(
    settings: Settings, backend: backends.Backend
) -> None:
    app = create_app(dataclasses.replace(settings, handover_interval=1))
    try:
        async with app.router.lifespan_context(app):
            db: Database = app.state.services.db
            department = await factories.department(db, "kultur", "Fachbereich Kultur")
            procedure = await factories.procedure(db, department)
            await factories.thread(db, procedure, closes_at=utcnow() - timedelta(minutes=1))
            for _ in range(100):
                if [job.state for job in await stored_jobs(db)] == ["done"]:
                    break
                await asyncio.sleep(0.05)
            assert [job.state for job in await stored_jobs(db)] == ["done"]
    finally:
        await backends.clean(backend)


async def test_a_thread_whose_closing_time_passed_is_handed_over_by_mail(
    settings: Settings, db: Database, procedure: Procedure
) -> None:
    closing = utcnow() + timedelta(hours=1)
    await factories.thread(db, procedure, closes_at=closing)
    assert await jobs.run_due(db, settings, utcnow()) == 0  # still open
    assert await jobs.run_due(db, settings, closing + timedelta(seconds=1)) == 1
    [job] = await stored_jobs(db)
    assert (job.state, job.channel, job.trigger) == ("done", "email", "closed")
    # without DIALOG_SMTP_URL the mail lands in var/mail/ with the attachment
    [written] = list((settings.var_dir / "mail").glob("*.eml"))
    assert b".xlsx" in written.read_bytes()
