"""German first, English second: catalogs compiled from the .po files at start-up."""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"
LOCALE_DIR = Path(__file__).parent / "locale"
TIMEZONE = "Europe/Berlin"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    """All of the locale's .po files (one per part of the platform), compiled in memory.

    Compiling at start-up means a catalog can never lag behind a stale .mo file.
    """
    merged: Translations | None = None
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(fp=buffer)
        merged = part if merged is None else merged.merge(part)
    return merged if merged is not None else gettext_module.NullTranslations()


@contextmanager
def using(locale: str | None) -> Iterator[str]:
    """Translate in `locale` inside the block (a mail in its recipient's language, whoever
    caused it); an unknown or missing locale falls back to German."""
    chosen = locale if locale in LOCALES else DEFAULT_LOCALE
    token = current_locale.set(chosen)
    try:
        yield chosen
    finally:
        current_locale.reset(token)


def gettext(message: str) -> str:
    """The message in the current locale; an empty one stays empty (gettext would answer
    with the catalog's header, "Project-Id-Version: …", for it)."""
    if not message:
        return ""
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


_ = gettext


def lazy(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LOCALES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE


def format_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format="long", locale=Locale.parse(current_locale.get()))


def format_moment(value: datetime | None) -> str:
    """Day and minute in Potsdam's time, the locale's way ("29.11.2026, 20:34"; in English
    "Nov 29, 2026, 8:34 PM"): seconds are noise to a reader; the exact moment stays in the
    <time datetime> attribute around it."""
    if value is None:
        return ""
    locale = Locale.parse(current_locale.get())
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(_tz())
    day = format_date(local.date(), format="medium", locale=locale)
    minute = format_time(local, format="short", tzinfo=_tz(), locale=locale)
    return str(locale.datetime_formats["medium"]).format(minute, day)


def format_number(value: int | float) -> str:
    return format_decimal(value, locale=Locale.parse(current_locale.get()))


@cache
def _tz() -> ZoneInfo:
    return ZoneInfo(TIMEZONE)


def machine_time(moment: date | datetime | None) -> str:
    """A moment for a `<time datetime>` attribute: whole seconds, since HTML allows at most
    three digits of a fraction; a day as YYYY-MM-DD."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


def iso(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 for JSON (data exports), or None."""
    return moment.isoformat() if moment else None
