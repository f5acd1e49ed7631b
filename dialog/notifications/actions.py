"""Notify people: a row they see in the app (the header's count changes live), mailed later as
they chose (dialog.notifications.mailing: right away after a hold-back, or in a digest)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, func, select, update

from dialog import i18n
from dialog.accounts.models import User
from dialog.db import UnitOfWork, insert_for, utcnow
from dialog.live.outbox import emit_each
from dialog.notifications import kinds
from dialog.notifications.events import NOTIFICATIONS_CHANGED, Unread
from dialog.notifications.models import Notification, NotificationPreference
from dialog.settings import Settings

# A text, or how to write it: called in each recipient's language.
Text = str | Callable[[], str]
CHUNK = 5_000  # ids per IN (...): both engines take far more parameters, but not unboundedly


def _written(text: Text) -> str:
    return text() if callable(text) else text


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@dataclass(frozen=True)
class Reader:
    id: int
    locale: str
    can_mail: bool
    chosen: dict[str, str]


async def readers(uow: UnitOfWork, ids: Sequence[int]) -> list[Reader]:
    """The live accounts among `ids`, with their language and mail choices."""
    found: list[Reader] = []
    for chunk in _chunks(ids):
        chosen: dict[int, dict[str, str]] = {}
        for user_id, kind, mode in await uow.session.execute(
            select(
                NotificationPreference.user_id,
                NotificationPreference.kind,
                NotificationPreference.mode,
            ).where(NotificationPreference.user_id.in_(chunk))
        ):
            chosen.setdefault(user_id, {})[kind] = mode
        rows = await uow.session.execute(
            select(
                User.id, User.locale, User.email, User.email_verified_at, User.notify_by_mail
            ).where(User.id.in_(chunk), User.deleted_at.is_(None))
        )
        for user_id, locale, email, verified, by_mail in rows:
            can_mail = bool(email) and verified is not None and bool(by_mail)
            found.append(Reader(user_id, locale, can_mail, chosen.get(user_id, {})))
    return found


async def do_notify(
    uow: UnitOfWork,
    settings: Settings,
    user_ids: Iterable[int],
    *,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    event_id: int | None = None,
    comment_id: int | None = None,
) -> int:
    """One notification per distinct live user, in that user's language; a repeat of the same
    event changes nothing. Returns how many were new."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    people = await readers(uow, ids)
    now = utcnow()
    texts: dict[str, tuple[str, str]] = {}  # written once per language, not per person
    rows = []
    for person in people:
        if person.locale not in texts:
            with i18n.using(person.locale):
                texts[person.locale] = (_written(title)[:200], _written(body))
        written_title, written_body = texts[person.locale]
        rows.append(
            {
                "user_id": person.id,
                "kind": kind,
                "title": written_title,
                "body": written_body,
                "url": url,
                "created_at": now,
                "event_id": event_id,
                "comment_id": comment_id,
                "delivery": kinds.delivery(kind, person.chosen, person.can_mail),
            }
        )
    if not rows:
        return 0
    insert = insert_for(uow.session)
    table = cast(Table, Notification.__table__)
    statement = insert(table)  # Core: no ORM bookkeeping for 10,000 rows
    if event_id is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["user_id", "event_id", "kind"])
    added = await uow.session.execute(statement.returning(table.c.user_id), rows)
    new = sorted(set(added.scalars()))
    await announce_unread(uow, new)
    return len(new)


async def announce_unread(uow: UnitOfWork, user_ids: Sequence[int]) -> None:
    """Tell each person's open pages their unread count (the `user:N` topic)."""
    if not user_ids:
        return
    counts = dict.fromkeys(user_ids, 0)
    for chunk in _chunks(list(user_ids)):
        rows = await uow.session.execute(
            select(Notification.user_id, func.count())
            .where(Notification.user_id.in_(chunk), Notification.read_at.is_(None))
            .group_by(Notification.user_id)
        )
        counts.update({user_id: count for user_id, count in rows})
    await emit_each(
        uow, NOTIFICATIONS_CHANGED, [(Unread(unread=n), user_id) for user_id, n in counts.items()]
    )


async def do_mark_read(uow: UnitOfWork, user_id: int, notification_ids: Iterable[int]) -> None:
    ids = [i for i in notification_ids if 0 < i < 2**31]
    if not ids:
        return
    await uow.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.id.in_(ids),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    await announce_unread(uow, [user_id])


async def do_mark_all_read(uow: UnitOfWork, user_id: int) -> None:
    await uow.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    await announce_unread(uow, [user_id])


async def do_set_preferences(uow: UnitOfWork, user_id: int, chosen: dict[str, str]) -> None:
    """Store the person's choice per kind (validated by the caller against kinds.Kind/Mode)."""
    for kind, mode in chosen.items():
        row = await uow.session.get(NotificationPreference, (user_id, kind))
        if row is None:
            uow.session.add(NotificationPreference(user_id=user_id, kind=kind, mode=mode))
        else:
            row.mode = mode
    await uow.session.flush()
