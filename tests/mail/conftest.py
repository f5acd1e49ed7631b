"""A real SMTP server for the mail tests; the app's worker polls only once an hour, so what
arrives was woken by a commit or sent by a test driving the worker with its own clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from dialog.settings import Settings
from tests.mailbox import SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return dataclasses.replace(settings, smtp_url=smtp.url, mail_interval=3600)
