"""A real SMTP server (aiosmtpd) on a free loopback port; the app sends its mail there."""

from __future__ import annotations

import dataclasses
import email
import re
import socket
from collections.abc import Awaitable, Callable, Iterator
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from dialog.accounts.models import User
from dialog.settings import Settings

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


class Inbox:
    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.messages.append(email.message_from_bytes(raw, policy=default))
        return "250 OK"

    def last_to(self, address: str) -> EmailMessage:
        found = [m for m in self.messages if str(m["To"]).lower() == address.lower()]
        assert found, f"no mail to {address}"
        return found[-1]

    def link_in(self, message: EmailMessage, path: str) -> str:
        """The local path of the link to `path` in the plain-text part."""
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        match = re.search(r"http://testserver(" + re.escape(path) + r"\?token=[\w-]+)", text)
        assert match, text
        return match.group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox(free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    return dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{inbox.port}")
