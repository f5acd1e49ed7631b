"""A real SMTP server (aiosmtpd) on a free loopback port; the app's mail worker sends there."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable, Iterator
from email.message import EmailMessage

import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.settings import Settings
from tests.mailbox import SmtpServer, settled

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


class Inbox:
    """What reached the SMTP server once the app's mail worker has sent what was due."""

    def __init__(self, server: SmtpServer, db: Database) -> None:
        self.server = server
        self.db = db

    async def messages(self) -> list[EmailMessage]:
        await settled(self.db)
        return list(self.server.inbox.messages)

    async def last_to(self, address: str) -> EmailMessage:
        await settled(self.db)
        found = self.server.inbox.to(address)
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


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def inbox(smtp_server: SmtpServer, db: Database) -> Inbox:
    return Inbox(smtp_server, db)


@pytest.fixture
def settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    return dataclasses.replace(settings, smtp_url=smtp_server.url)
