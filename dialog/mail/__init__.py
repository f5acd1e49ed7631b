"""Outgoing mail: SMTP through aiosmtplib, or .eml files under var/mail/ when no SMTP is set.

Mail that a change causes is queued in the change's transaction (`dialog.mail.outbox`) and
sent by the worker of every process (`dialog.mail.worker`); `send` delivers one mail at once,
for callers that keep their own durable record (the hand-over job).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from dialog.settings import Settings

log = logging.getLogger("dialog.mail")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


@dataclass(frozen=True)
class Mail:
    """One rendered mail. `kind` names it in the outbox ("account.verify"); `user_id` is the
    recipient's account, if any, so erasing the account erases its queued mail."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    headers: tuple[tuple[str, str], ...] = ()  # e.g. ("List-Unsubscribe", "<https://…>")
    message_id: str | None = None  # fixed when queued, so a repeated send is recognisable
    kind: str = "mail"
    user_id: int | None = None


def new_message_id(settings: Settings) -> str:
    return make_msgid(domain=urlsplit(settings.base_url).hostname or "localhost")


def build(settings: Settings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = mail.message_id or new_message_id(settings)
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for item in mail.attachments:
        message.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return message


class Postbox(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class _Smtp:
    def __init__(self, client: aiosmtplib.SMTP) -> None:
        self.client = client

    async def send(self, message: EmailMessage) -> None:
        await self.client.send_message(message)
        log.info("mail %s to %s sent", message["Message-ID"], message["To"])


class _Files:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage) -> None:
        path = _write_eml(self.directory, message)
        log.info("mail to %s written to %s (DIALOG_SMTP_URL not set)", message["To"], path)


@asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[Postbox]:
    """One SMTP connection for several mails (or the var/mail/ directory without SMTP).
    Raises what aiosmtplib raises when the server cannot be reached."""
    if not settings.smtp_url:
        yield _Files(settings.var_dir / "mail")
        return
    parts = urlsplit(settings.smtp_url)
    client = aiosmtplib.SMTP(
        hostname=parts.hostname or "localhost",
        port=parts.port or (465 if parts.scheme == "smtps" else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=parts.scheme == "smtps",
        start_tls=None
        if parts.scheme == "smtps"
        else False
        if _is_loopback(parts.hostname)
        else None,
        tls_context=ssl.create_default_context(),
        timeout=30,
    )
    async with client:
        yield _Smtp(client)


async def send(settings: Settings, mail: Mail) -> None:
    """Deliver one mail now; raises on SMTP failure so durable callers can retry."""
    async with connect(settings) as postbox:
        await postbox.send(build(settings, mail))


def _is_loopback(host: str | None) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def _write_eml(directory: Path, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stem = str(message["Message-ID"]).strip("<>").replace("@", "_").replace("/", "_")
    path = directory / f"{stem}.eml"
    path.write_bytes(bytes(message))
    return path
