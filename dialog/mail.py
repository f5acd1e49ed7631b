"""Outgoing mail: SMTP through aiosmtplib, or .eml files under var/mail/ when no SMTP is set."""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
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
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def build(settings: Settings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=urlsplit(settings.base_url).hostname or "localhost")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for item in mail.attachments:
        message.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return message


async def send(settings: Settings, mail: Mail) -> None:
    """Deliver one mail; raises on SMTP failure so durable callers can retry."""
    message = build(settings, mail)
    if not settings.smtp_url:
        path = _write_eml(settings.var_dir / "mail", message)
        log.info("mail to %s written to %s (DIALOG_SMTP_URL not set)", mail.to, path)
        return
    parts = urlsplit(settings.smtp_url)
    await aiosmtplib.send(
        message,
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
    log.info("mail to %s sent: %s", mail.to, mail.subject)


def _is_loopback(host: str | None) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def _write_eml(directory: Path, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stem = str(message["Message-ID"]).strip("<>").replace("@", "_").replace("/", "_")
    path = directory / f"{stem}.eml"
    path.write_bytes(bytes(message))
    return path
