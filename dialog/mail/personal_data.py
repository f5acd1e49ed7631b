"""Kept mail as part of a person's data (see dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.i18n import iso
from dialog.mail.actions import do_erase_mail_of
from dialog.mail.queries import mails_of


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    return {
        # Without the text: it may carry a link that still works.
        "mails": [
            {
                "to": m.recipient,
                "subject": m.subject,
                "kind": m.kind,
                "state": m.state,
                "created_at": iso(m.created_at),
                "sent_at": iso(m.sent_at),
            }
            for m in await mails_of(session, user_id)
        ]
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    await do_erase_mail_of(uow, user_id)


PART = Part("mail", export, erase)
