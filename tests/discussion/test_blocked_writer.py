"""A blocked person sees the block (until when, in Potsdam's time and the page's language, and
why) instead of the comment form; a refused post never loses the text that was written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Thread

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]
UNTIL = datetime(2099, 1, 15, 17, 30, tzinfo=UTC)  # 18:30 in Potsdam (winter time)


async def blocked_resident(make_user: MakeUser, until: datetime = UNTIL) -> User:
    return await make_user(
        role="resident", blocked_until=until, block_reason="Beleidigungen gegen andere"
    )


async def test_a_blocked_reader_sees_the_block_instead_of_the_form(
    client: httpx.AsyncClient, make_user: MakeUser, browser_session: SignIn, thread: Thread
) -> None:
    await browser_session(await blocked_resident(make_user))
    german = await client.get(f"/threads/{thread.id}")
    assert 'class="stacked comment-form"' not in german.text
    assert (
        "Ihr Konto ist bis <time" in german.text
        and ">15.01.2099, 18:30</time> für Beiträge" in german.text
    )
    assert "Beleidigungen gegen andere" in german.text
    client.cookies.set("dialog_lang", "en")
    english = await client.get(f"/threads/{thread.id}")
    assert "Your account is blocked from writing until" in english.text
    assert "Jan 15, 2099, 6:30" in english.text


async def test_a_block_for_good_names_no_date(
    client: httpx.AsyncClient, make_user: MakeUser, browser_session: SignIn, thread: Thread
) -> None:
    forever = datetime(9999, 12, 31, tzinfo=UTC)
    await browser_session(await blocked_resident(make_user, forever))
    page = await client.get(f"/threads/{thread.id}")
    assert "Ihr Konto ist für Beiträge gesperrt." in page.text and "9999" not in page.text


async def test_a_post_refused_for_a_block_brings_the_text_back(
    client: httpx.AsyncClient, make_user: MakeUser, browser_session: SignIn, thread: Thread
) -> None:
    token = await browser_session(await blocked_resident(make_user))
    text = "Mein langer Beitrag über den Radweg, an dem ich eine Stunde geschrieben habe."
    refused = await client.post(
        f"/threads/{thread.id}/comments", data={"body": text, "csrf_token": token}
    )
    assert refused.status_code == 403
    assert "Ihr Konto ist bis" in refused.text and "Access denied" not in refused.text
    assert text in refused.text and 'id="kept-draft"' in refused.text


async def test_a_post_to_a_closed_discussion_brings_the_text_back(
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    browser_session: SignIn,
    thread: Thread,
) -> None:
    token = await browser_session(await make_user(role="resident"))
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(Thread, thread.id)
        assert stored is not None
        stored.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    text = "Noch ein Gedanke zum Schluss."
    refused = await client.post(
        f"/threads/{thread.id}/comments", data={"body": text, "csrf_token": token}
    )
    assert refused.status_code == 403
    assert "Diese Diskussion ist beendet." in refused.text or "geschlossen" in refused.text
    assert text in refused.text
