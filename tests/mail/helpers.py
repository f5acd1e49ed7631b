"""Queue mail and read the outbox back."""

from __future__ import annotations

from sqlalchemy import select

from dialog.db import Database
from dialog.mail import Mail, outbox
from dialog.mail.models import OutboxMail
from dialog.settings import Settings


def letter(number: int) -> Mail:
    return Mail(
        to=f"person{number}@example.org", subject=f"Betreff {number}", text=f"Text {number}"
    )


async def queue(db: Database, settings: Settings, *mails: Mail) -> list[str]:
    async with db.unit_of_work() as uow:
        return await outbox.queue(uow, settings, *mails)


async def stored(db: Database) -> list[OutboxMail]:
    async with db.reading() as session:
        return list((await session.scalars(select(OutboxMail).order_by(OutboxMail.id))).all())
