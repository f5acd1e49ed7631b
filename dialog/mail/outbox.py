"""Queue mail in the current transaction; the worker of some process sends it after COMMIT.

A mail is rendered when it is queued (subject, text, HTML, headers, attachments), in its
recipient's language: render it inside `i18n.using(recipient.locale)`. Nothing is sent when
the transaction rolls back; everything queued is sent at least once, with the Message-ID fixed
here. Both write paths queue the same rows: `queue` in a unit of work, `queue_in_script` in a
transaction script (dialog.direct). Either touches MAIL_TOPIC, so this process's mail worker
wakes right after COMMIT instead of at its next poll.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from dialog.db import Changes, UnitOfWork, utcnow
from dialog.direct import Script, Sql
from dialog.mail import Attachment, Mail, new_message_id
from dialog.mail.models import MailState, OutboxMail
from dialog.settings import Settings

# A topic no reader subscribes to: only this process's mail worker listens for it.
MAIL_TOPIC = "mail:outbox"

INSERT_MAIL = Sql(
    "INSERT INTO mail_outbox (message_id, kind, user_id, recipient, subject, text, html, "
    "headers, attachments, state, attempts, next_attempt_at, last_error, created_at) "
    "VALUES (:message_id, :kind, :user_id, :recipient, :subject, :text, :html, :headers, "
    ":attachments, :state, 0, :next_attempt_at, '', :created_at)"
)


async def queue(uow: UnitOfWork, settings: Settings, *mails: Mail) -> list[str]:
    """Queue mails in the unit of work's transaction; returns their Message-IDs."""
    if not mails:
        return []
    now = utcnow()
    rows = [row_of(settings, mail, now) for mail in mails]
    await uow.session.execute(insert(OutboxMail), rows)
    uow.touch(MAIL_TOPIC)
    return [row["message_id"] for row in rows]


def queue_in_script(changes: Changes, settings: Settings, *mails: Mail) -> Script[list[str]]:
    """`queue` inside a transaction script (dialog.direct)."""
    now = utcnow()
    ids: list[str] = []
    for mail in mails:
        row = row_of(settings, mail, now)
        yield INSERT_MAIL(
            **{
                **row,
                "headers": json.dumps(row["headers"]),
                "attachments": json.dumps(row["attachments"]),
            }
        )
        ids.append(row["message_id"])
    if ids:
        changes.touch(MAIL_TOPIC)
    return ids


def row_of(settings: Settings, mail: Mail, now: datetime) -> dict[str, Any]:
    return {
        "message_id": mail.message_id or new_message_id(settings),
        "kind": mail.kind[:40],
        "user_id": mail.user_id,
        "recipient": mail.to,
        "subject": mail.subject,
        "text": mail.text,
        "html": mail.html,
        "headers": [[name, value] for name, value in mail.headers],
        "attachments": [
            {
                "filename": item.filename,
                "maintype": item.maintype,
                "subtype": item.subtype,
                "content": base64.b64encode(item.content).decode("ascii"),
            }
            for item in mail.attachments
        ],
        "state": MailState.pending.value,
        "next_attempt_at": now,
        "created_at": now,
    }


def mail_of(row: OutboxMail) -> Mail:
    """The mail a stored row describes, as the worker sends it."""
    return Mail(
        to=row.recipient,
        subject=row.subject,
        text=row.text,
        html=row.html,
        attachments=tuple(
            Attachment(
                item["filename"],
                base64.b64decode(item["content"]),
                item["maintype"],
                item["subtype"],
            )
            for item in row.attachments
        ),
        headers=tuple((str(pair[0]), str(pair[1])) for pair in row.headers),
        message_id=row.message_id,
        kind=row.kind,
        user_id=row.user_id,
    )
