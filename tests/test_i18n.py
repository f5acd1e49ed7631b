"""German and English everywhere: complete catalogs, a language switch that keeps the page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po

from dialog import i18n, i18n_tools
from dialog.i18n import LOCALE_DIR

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
CATALOGS = sorted((LOCALE_DIR / "de" / "LC_MESSAGES").glob("*.po"))


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_message_has_a_german_translation() -> None:
    untranslated = [f"{where}: {key}" for key, where in i18n_tools.missing()]
    assert untranslated == [], "run python -m dialog.i18n_tools add <part> and translate"


@pytest.mark.parametrize("locale", ["de", "en"])
def test_an_empty_message_stays_empty_instead_of_showing_the_catalog_header(locale: str) -> None:
    """A decision without a reason once showed "Report-Msgid-Bugs-To: …" in the moderation
    figures: gettext answers the empty message with the catalog's header."""
    with i18n.using(locale):
        assert i18n.gettext("") == ""
        assert i18n.gettext("Procedure") != ""


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_every_german_translation_keeps_the_placeholders_of_its_message(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    broken = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [str(t) for t in (message.id if isinstance(message.id, tuple) else [message.id])]
        raw = message.string if isinstance(message.string, tuple) else (message.string,)
        strings = [str(t) for t in raw]
        expected = set().union(*(placeholders(text) for text in ids))
        for text in strings:
            if text and placeholders(text) != expected:
                broken.append(f"{ids[0]!r} -> {text!r}")
    assert broken == []


def test_the_catalogs_are_valid_and_not_marked_fuzzy() -> None:
    fuzzy = []
    for path in CATALOGS:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="de", abort_invalid=True)
        fuzzy += [f"{path.name}: {m.id}" for m in catalog if m.id and m.fuzzy]
    assert CATALOGS
    assert fuzzy == []


@pytest.mark.parametrize(("locale", "expected"), [("de", "31. Mai 2026"), ("en", "May 31, 2026")])
def test_dates_are_written_the_way_each_language_writes_them(locale: str, expected: str) -> None:
    token = i18n.current_locale.set(locale)
    try:
        assert i18n.format_day(date(2026, 5, 31)) == expected
    finally:
        i18n.current_locale.reset(token)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("de", ["29.11.2026, 20:34", "02.07.2026, 00:05"]),
        ("en", ["Nov 29, 2026, 8:34\u202fPM", "Jul 2, 2026, 12:05\u202fAM"]),
    ],
)
def test_moments_are_written_to_the_minute_in_potsdam_time(
    locale: str, expected: list[str]
) -> None:
    """Winter (UTC+1) and summer (UTC+2, past midnight: the next day in Potsdam)."""
    token = i18n.current_locale.set(locale)
    try:
        moments = [datetime(2026, 11, 29, 19, 34, 48, tzinfo=UTC), datetime(2026, 7, 1, 22, 5)]
        assert [i18n.format_moment(m) for m in moments] == expected
    finally:
        i18n.current_locale.reset(token)


@pytest.mark.parametrize(("locale", "expected"), [("de", "12.345,5"), ("en", "12,345.5")])
def test_numbers_are_written_the_way_each_language_writes_them(locale: str, expected: str) -> None:
    token = i18n.current_locale.set(locale)
    try:
        assert i18n.format_number(12345.5) == expected
    finally:
        i18n.current_locale.reset(token)


async def test_the_language_switch_keeps_the_page_and_its_query(client: httpx.AsyncClient) -> None:
    page = await client.get("/procedures", params={"phase": "active", "sort": "title"})
    link = re.search(r'href="(/language/en\?next=[^"]+)"', page.text)
    assert link, "the German page offers English"
    switched = await client.get(link.group(1).replace("&amp;", "&"))
    assert switched.status_code == 303
    assert switched.headers["location"] == "/procedures?phase=active&sort=title"
    english = await client.get(switched.headers["location"])
    assert '<html lang="en">' in english.text
    assert "List of procedures" in english.text


async def test_the_language_switch_never_leads_to_another_site(client: httpx.AsyncClient) -> None:
    switched = await client.get("/language/en", params={"next": "//evil.example/"})
    assert switched.headers["location"] == "/"


async def test_german_is_the_default_and_english_follows_the_browser(
    client: httpx.AsyncClient,
) -> None:
    german = await client.get("/")
    english = await client.get("/", headers={"accept-language": "en-GB,en;q=0.8"})
    assert '<html lang="de">' in german.text
    assert "Zum Inhalt springen" in german.text
    assert '<html lang="en">' in english.text
    assert "Skip to content" in english.text
