"""Notify people: a row they see in the app, and a mail after commit if they asked for mail."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select, update

from dialog import mail
from dialog.accounts.models import User
from dialog.db import UnitOfWork, utcnow
from dialog.notifications.models import Notification
from dialog.settings import Settings

log = logging.getLogger("dialog.notifications")


async def do_notify(
    uow: UnitOfWork,
    settings: Settings,
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """One notification per distinct user; mails go out only once the transaction committed."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    created = [Notification(user_id=i, kind=kind, title=title, body=body, url=url) for i in ids]
    uow.session.add_all(created)
    await uow.session.flush()
    recipients = (
        await uow.session.scalars(
            select(User.email).where(
                User.id.in_(ids),
                User.notify_by_mail.is_(True),
                User.deleted_at.is_(None),
                User.email.is_not(None),
            )
        )
    ).all()
    link = f"{settings.base_url}{url}" if url else settings.base_url
    for address in recipients:
        message = mail.Mail(to=str(address), subject=title, text=f"{body}\n\n{link}\n")

        async def deliver(message: mail.Mail = message) -> None:
            try:
                await mail.send(settings, message)
            except Exception:  # a notification mail is a courtesy; the in-app row stays
                log.exception("notification mail to %s failed", message.to)

        uow.after_commit(deliver)
    return created


async def do_mark_read(uow: UnitOfWork, user_id: int, notification_ids: Iterable[int]) -> None:
    await uow.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.id.in_(list(notification_ids)),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
