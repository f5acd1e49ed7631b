"""Notify people: a row they see in the app, and a mail in the outbox if they asked for mail."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select, update

from dialog import i18n
from dialog.accounts.models import User
from dialog.db import UnitOfWork, utcnow
from dialog.mail import Mail, outbox
from dialog.notifications.models import Notification
from dialog.settings import Settings

# A text, or how to write it: called in each recipient's language.
Text = str | Callable[[], str]


def _written(text: Text) -> str:
    return text() if callable(text) else text


async def do_notify(
    uow: UnitOfWork,
    settings: Settings,
    user_ids: Iterable[int],
    *,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
) -> list[Notification]:
    """One notification per distinct user, in that user's language, and a mail queued in the
    same transaction for those who want mail."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    people = (
        await uow.session.execute(
            select(User.id, User.locale, User.email, User.notify_by_mail).where(
                User.id.in_(ids), User.deleted_at.is_(None)
            )
        )
    ).all()
    link = f"{settings.base_url}{url}" if url else settings.base_url
    created: list[Notification] = []
    mails: list[Mail] = []
    texts: dict[str, tuple[str, str]] = {}  # written once per language, not per person
    for user_id, locale, address, by_mail in people:
        if locale not in texts:
            with i18n.using(locale):
                texts[locale] = (_written(title), _written(body))
        written_title, written_body = texts[locale]
        created.append(
            Notification(
                user_id=user_id, kind=kind, title=written_title, body=written_body, url=url
            )
        )
        if by_mail and address:
            mails.append(
                Mail(
                    to=str(address),
                    subject=written_title,
                    text=f"{written_body}\n\n{link}\n",
                    kind=f"notification.{kind}"[:40],
                    user_id=user_id,
                )
            )
    uow.session.add_all(created)
    await uow.session.flush()
    await outbox.queue(uow, settings, *mails)
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
