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
from markupsafe import Markup, escape

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
    composer = Composer(settings, env)
    queued, after = 0, 0
    while True:
        async with db.unit_of_work() as uow:
            people = await mail_queries.waiting_people(uow.session, Mode.now, due, None, after)
            if not people:
                return queued
            after = people[-1]
            claimed = await mail_queries.claim(uow.session, Mode.now, people, None, moment)
            queued += await _queue(uow, settings, composer, Mode.now, claimed)


async def run_digests(
    db: Database, settings: Settings, env: Environment, now: datetime | None = None
) -> int:
    """Build the daily and the weekly digest once their moment has come (a no-op after)."""
    moment = now or utcnow()
    active_since = moment - timedelta(days=settings.digest_inactive_days)
    composer = Composer(settings, env)
    queued = 0
    for mode in (Mode.daily, Mode.weekly):
        until = digest_moment(mode, moment)
        after = 0
        while True:
            async with db.unit_of_work() as uow:
                people = await mail_queries.waiting_people(uow.session, mode, None, until, after)
                if not people:
                    break
                after = people[-1]
                claimed = await mail_queries.claim(uow.session, mode, people, until, moment)
                active = await mail_queries.active_among(uow.session, people, active_since)
                kept = {i: ids for i, ids in claimed.items() if i in active}
                queued += await _queue(uow, settings, composer, mode, kept)
    return queued


async def _queue(
    uow: UnitOfWork,
    settings: Settings,
    composer: Composer,
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
        composer.mail(mode, person, notices[person.id])
        for person in recipients
        if notices.get(person.id)
    ]
    await outbox.queue(uow, settings, *mails)
    return len(mails)


class Composer:
    """Renders notice mails. One digest goes to many people with the same notices, so each
    notice is rendered once per language and format, and each language's frame once; a mail
    is then joined from the pieces (the reader's name and link put in, escaped for HTML)."""

    NAME, ITEMS, LINK = "\x00name\x00", "\x00items\x00", "\x00link\x00"

    def __init__(self, settings: Settings, env: Environment) -> None:
        self.settings = settings
        self.env = env
        self._frames: dict[tuple[str, str, str], str] = {}
        self._items: dict[tuple[str, str, str, str, str, bool], str] = {}

    def mail(self, mode: Mode, person: mail_queries.Recipient, notices: Sequence[Notice]) -> Mail:
        """One mail of notices in the reader's language, with its unsubscribe link and headers."""
        if mode == Mode.now:
            kinds = {choice_of(n.kind).value for n in notices}
            scope = kinds.pop() if len(kinds) == 1 else "all"
        else:
            scope = mode.value
        secret = self.settings.secret_key
        link = f"{self.settings.base_url}/unsubscribe/{token(secret, person.id, scope)}"
        locale = person.locale
        parts = {}
        for fmt in ("txt", "html"):
            items = "".join(self._item(locale, fmt, n) for n in notices)
            name = person.display_name if fmt == "txt" else str(escape(person.display_name))
            parts[fmt] = (
                self._frame(locale, fmt, mode.value)
                .replace(self.ITEMS, items)
                .replace(self.NAME, name)
                .replace(self.LINK, link if fmt == "txt" else str(escape(link)))
            )
        with i18n.using(locale):
            subject = _subject(mode, notices)
        return Mail(
            to=person.email,
            subject=subject,
            text=parts["txt"],
            html=parts["html"],
            headers=(
                ("List-Unsubscribe", f"<{link}>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ),
            kind=f"notifications.{mode.value}",
            user_id=person.id,
        )

    def _frame(self, locale: str, fmt: str, mode: str) -> str:
        key = (locale, fmt, mode)
        if key not in self._frames:
            with i18n.using(locale) as chosen:
                self._frames[key] = self.env.get_template(
                    f"mail/notifications/notices.{fmt}"
                ).render(
                    locale=chosen,
                    name=self.NAME,
                    items=Markup(self.ITEMS),  # noqa: S704  # our sentinel, no input
                    mode=mode,
                    unsubscribe=self.LINK,
                    settings_link=f"{self.settings.base_url}/me/notifications",
                )
        return self._frames[key]

    def _item(self, locale: str, fmt: str, notice: Notice) -> str:
        # What a mail shows of a notice: equal notices (one change, many followers) share it.
        key = (locale, fmt, notice.title, notice.body, notice.url, notice.withdrawn)
        found = self._items.get(key)
        if found is None:
            if len(self._items) > 100_000:  # a run of many different notices: start afresh
                self._items.clear()
            with i18n.using(locale):
                found = self.env.get_template(f"mail/notifications/_notice.{fmt}").render(
                    n=notice,
                    base_url=self.settings.base_url,
                    withdrawn=_("This contribution is no longer shown."),
                )
            self._items[key] = found
        return found


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
