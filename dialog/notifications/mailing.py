"""Mailing notifications: right away after a hold-back (a burst becomes one mail), or in the
daily (07:00 Europe/Berlin) and weekly (Monday 07:00) digests; always in the reader's language,
through the mail outbox, with a one-click unsubscribe (RFC 8058).

Both jobs claim what they mail by setting `mailed_at` in the transaction that queues the mail,
so a repeat finds nothing left and several processes never mail a notice twice. A digest takes
the notices from before its moment; run again, it finds none, so it needs no record of its own.
People who have not been active for DIGEST_INACTIVE_DAYS get no digest: their notices are
passed over (marked, not mailed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jinja2 import Environment

from dialog import i18n
from dialog.background import Background
from dialog.db import Database, UnitOfWork, utcnow
from dialog.i18n import gettext as _
from dialog.i18n import ngettext
from dialog.mail import Mail, outbox
from dialog.notifications import mail_queries
from dialog.notifications.kinds import Mode, choice_of
from dialog.notifications.queries import Notice, by_ids
from dialog.notifications.unsubscribe import token
from dialog.settings import Settings

CITY_TIME = ZoneInfo("Europe/Berlin")
DIGEST_HOUR = 7
PEOPLE_PER_ROUND = 1_000  # recipients per transaction
LOOK_EVERY = 60.0  # seconds between looks for due mail and digests


def digest_moment(mode: Mode, now: datetime) -> datetime:
    """The latest 07:00 (daily) or Monday 07:00 (weekly) in Potsdam at or before `now`."""
    local = now.astimezone(CITY_TIME)
    moment = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)
    if mode == Mode.weekly:
        moment -= timedelta(days=moment.weekday())
    # Build the wall-clock time again: across a DST change the offset differs.
    moment = datetime(moment.year, moment.month, moment.day, DIGEST_HOUR, tzinfo=CITY_TIME)
    return moment.astimezone(now.tzinfo)


async def run_immediate(
    db: Database, settings: Settings, env: Environment, now: datetime | None = None
) -> int:
    """Mail everyone whose oldest waiting notice is older than the hold-back: all their
    waiting notices in one mail. Returns the mails queued."""
    moment = now or utcnow()
    due = moment - timedelta(seconds=settings.notify_hold_back)
    queued = 0
    while True:
        async with db.unit_of_work() as uow:
            people = await mail_queries.waiting_people(uow.session, Mode.now, due, None)
            if not people:
                return queued
            claimed = await mail_queries.claim(uow.session, Mode.now, people, None, moment)
            queued += await _queue(uow, settings, env, Mode.now, claimed)


async def run_digests(
    db: Database, settings: Settings, env: Environment, now: datetime | None = None
) -> int:
    """Build the daily and the weekly digest once their moment has come (a no-op after)."""
    moment = now or utcnow()
    active_since = moment - timedelta(days=settings.digest_inactive_days)
    queued = 0
    for mode in (Mode.daily, Mode.weekly):
        until = digest_moment(mode, moment)
        while True:
            async with db.unit_of_work() as uow:
                people = await mail_queries.waiting_people(uow.session, mode, None, until)
                if not people:
                    break
                claimed = await mail_queries.claim(uow.session, mode, people, until, moment)
                active = await mail_queries.active_among(uow.session, people, active_since)
                kept = {i: ids for i, ids in claimed.items() if i in active}
                queued += await _queue(uow, settings, env, mode, kept)
    return queued


async def _queue(
    uow: UnitOfWork,
    settings: Settings,
    env: Environment,
    mode: Mode,
    claimed: dict[int, list[int]],
) -> int:
    if not claimed:
        return 0
    recipients = await mail_queries.recipients(uow.session, list(claimed))
    notices: dict[int, list[Notice]] = {}
    every_id = [i for ids in claimed.values() for i in ids]
    for start in range(0, len(every_id), 5_000):
        for user_id, notice in await by_ids(uow.session, every_id[start : start + 5_000]):
            notices.setdefault(user_id, []).append(notice)
    mails = [
        compose(settings, env, mode, person, notices[person.id])
        for person in recipients
        if notices.get(person.id)
    ]
    await outbox.queue(uow, settings, *mails)
    return len(mails)


def compose(
    settings: Settings,
    env: Environment,
    mode: Mode,
    person: mail_queries.Recipient,
    notices: Sequence[Notice],
) -> Mail:
    """One mail of notices in the reader's language, with its unsubscribe link and headers."""
    if mode == Mode.now:
        kinds = {choice_of(n.kind).value for n in notices}
        scope = kinds.pop() if len(kinds) == 1 else "all"
    else:
        scope = mode.value
    unsubscribe = f"{settings.base_url}/unsubscribe/{token(settings.secret_key, person.id, scope)}"
    with i18n.using(person.locale) as locale:
        subject = _subject(mode, notices)
        values = {
            "locale": locale,
            "name": person.display_name,
            "notices": notices,
            "mode": mode.value,
            "base_url": settings.base_url,
            "unsubscribe": unsubscribe,
            "settings_link": f"{settings.base_url}/me/notifications",
            "withdrawn": _("This contribution is no longer shown."),
        }
        text = env.get_template("mail/notifications/notices.txt").render(values)
        html = env.get_template("mail/notifications/notices.html").render(values)
    return Mail(
        to=person.email,
        subject=subject,
        text=text,
        html=html,
        headers=(
            ("List-Unsubscribe", f"<{unsubscribe}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ),
        kind=f"notifications.{mode.value}",
        user_id=person.id,
    )


def _subject(mode: Mode, notices: Sequence[Notice]) -> str:
    count = len(notices)
    if mode == Mode.daily:
        plural = ngettext(
            "Your daily digest: %(num)d notice", "Your daily digest: %(num)d notices", count
        )
    elif mode == Mode.weekly:
        plural = ngettext(
            "Your weekly digest: %(num)d notice", "Your weekly digest: %(num)d notices", count
        )
    elif count == 1:
        return notices[0].title
    else:
        plural = ngettext("%(num)d new notice", "%(num)d new notices", count)
    return plural % {"num": count}


def register(background: Background, db: Database, settings: Settings, env: Environment) -> None:
    background.every(
        "notification-mail", LOOK_EVERY, lambda: run_immediate(db, settings, env), at_start=True
    )
    background.every(
        "digests", LOOK_EVERY * 5, lambda: run_digests(db, settings, env), at_start=True
    )
