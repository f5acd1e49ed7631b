"""A real SMTP server (aiosmtpd) that can be stopped and started again on its port, and a wait
for the app's mail worker to have sent what is due."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, or_, select

from dialog.db import Database, utcnow
from dialog.mail.models import MailState, OutboxMail


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Inbox:
    """Keeps every message the server accepted (aiosmtpd runs in its own thread)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()  # recipients answered with 550
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        with self._lock:
            self.messages.append(email.message_from_bytes(raw, policy=default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if str(m["To"]).lower() == address.lower()]

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m["Message-ID"]) for m in self.messages]


class SmtpServer:
    """aiosmtpd on a fixed loopback port; `stop` and `start` again simulate an outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


async def settled(db: Database, timeout: float = 10) -> None:
    """Wait until the app's mail worker has handled every mail that is due (sent, or waiting
    for a later retry): it wakes on the commit that queued them, no test calls it."""
    deadline = time.monotonic() + timeout
    while True:
        async with db.reading() as session:
            busy = await session.scalar(
                select(func.count())
                .select_from(OutboxMail)
                .where(
                    or_(
                        OutboxMail.state == MailState.sending,
                        (OutboxMail.state == MailState.pending)
                        & (OutboxMail.next_attempt_at <= utcnow()),
                    )
                )
            )
        if not busy:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{busy} mails still due after {timeout} s")
        await asyncio.sleep(0.02)
