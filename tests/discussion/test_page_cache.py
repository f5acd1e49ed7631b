"""The anonymous first page is kept while the thread is unchanged, and only then.

Every change a reader can see must show on the very next anonymous request: a new comment, a
vote, a moderation decision, an edit, a withdrawal; also a change that was still being written
while the page was read. Signed-in readers never get the anonymous page: they get the kept
page of their view plus their own overlay (tests/discussion/test_overlay.py).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import Committed, Database
from dialog.discussion import actions
from dialog.discussion.page_cache import CSRF_PLACEHOLDER, FirstPageCache
from dialog.discussion.schemas import CommentIn
from dialog.discussion.voting import VoteEvents
from dialog.procedures.models import Thread
from dialog.settings import Settings
from tests import factories
from tests.any_events import emit_any
from tests.discussion.helpers import (
    MakeUser,
    counting_queries,
    post,
    until_the_latest_event_is_handled,
)


async def anonymous_page(client: httpx.AsyncClient, thread: Thread) -> dict[int, dict[str, Any]]:
    response = await client.get(f"/api/v1/threads/{thread.id}/comments")
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()["items"]}


def cache_of(app: Starlette) -> FirstPageCache:
    cache: FirstPageCache = app.state.services.page_cache
    return cache


async def test_an_unchanged_thread_is_served_from_the_cache_without_reading_comments(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
) -> None:
    await post(api, await make_user(), thread.id, "Mehr Bänke am Ufer")
    await until_the_latest_event_is_handled(app, db)  # a page is kept once its events settled
    first = await anonymous_page(client, thread)
    with counting_queries(db) as statements:
        again = await anonymous_page(client, thread)
    assert again == first
    assert not [s for s in statements if "FROM comments" in s], statements
    assert len(cache_of(app)) == 1
    html = await client.get(f"/threads/{thread.id}")
    assert "Mehr Bänke am Ufer" in html.text


async def test_a_signed_in_reader_gets_their_own_page_with_their_vote(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, thread: Thread, client: Any
) -> None:
    reader = await make_user()
    comment = await post(api, await make_user(), thread.id, "Ein Zebrastreifen fehlt")
    await anonymous_page(client, thread)
    voted = await api.request(
        reader, "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}
    )
    assert voted.status_code == 200
    mine = await api.request(reader, "GET", f"/api/v1/threads/{thread.id}/comments")
    assert mine.json()["items"][0]["my_vote"] == 1
    assert (await anonymous_page(client, thread))[comment["id"]]["my_vote"] is None


async def test_every_visible_change_shows_on_the_next_anonymous_request(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    author, voter, moderator = await make_user(), await make_user(), await make_user("moderator")
    first = await post(api, author, thread.id, "Der Radweg ist zu schmal")
    second = await post(api, author, thread.id, "Die Ampel ist zu kurz grün")
    assert set(await anonymous_page(client, thread)) == {first["id"], second["id"]}

    third = await post(api, await make_user(), thread.id, "Ein dritter Beitrag")
    assert third["id"] in await anonymous_page(client, thread)

    url = f"/api/v1/comments/{first['id']}/vote"
    assert (await api.request(voter, "PUT", url, json={"value": 1})).status_code == 200
    assert (await anonymous_page(client, thread))[first["id"]]["up"] == 1
    assert (await api.request(voter, "PUT", url, json={"value": -1})).status_code == 200
    shown = (await anonymous_page(client, thread))[first["id"]]
    assert (shown["up"], shown["down"]) == (0, 1)
    events: VoteEvents = app.state.services.vote_events
    await events.flush()  # the coalesced event, as other processes get it, changes nothing shown
    assert (await anonymous_page(client, thread))[first["id"]]["down"] == 1

    edited = await api.request(
        author, "PATCH", f"/api/v1/comments/{second['id']}", json={"body": "Die Ampel: 20 s!"}
    )
    assert edited.status_code == 200, edited.text
    assert "20 s!" in (await anonymous_page(client, thread))[second["id"]]["html"]

    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{third['id']}/decision",
        json={"action": "hide", "reason": "spam"},
    )
    assert decided.status_code == 200, decided.text
    hidden = (await anonymous_page(client, thread))[third["id"]]
    assert (hidden["status"], hidden["html"]) == ("hidden", "")

    withdrawn = await api.request(author, "DELETE", f"/api/v1/comments/{first['id']}")
    assert withdrawn.status_code == 200, withdrawn.text
    assert (await anonymous_page(client, thread))[first["id"]]["status"] == "withdrawn"
    page = await client.get(f"/threads/{thread.id}")
    assert "Der Radweg ist zu schmal" not in page.text
    assert "20 s!" in page.text


async def _open_post(app: Starlette, db: Database, who: User, thread: Thread, body: str) -> Any:
    """Post inside a unit of work that the caller commits later (an `async with` it enters)."""
    actor = Actor(user_id=who.id, role="resident", display_name=who.display_name, via="token")
    unit = db.unit_of_work()
    uow = await unit.__aenter__()
    await actions.do_post_comment(
        uow, actor, thread.id, CommentIn(body=body), app.state.services.discussion_hooks
    )
    return unit


async def test_a_comment_still_being_written_while_the_page_is_read_shows_once_committed(
    app: Starlette, client: httpx.AsyncClient, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    await anonymous_page(client, thread)
    slow = await _open_post(app, db, await make_user(), thread, "Langsam geschrieben")
    if db.engine.dialect.name == "postgresql":
        # A writer that took a higher event id (a coalesced vote event, which does not wait for
        # the thread row the slow post holds) commits first: the page read now must not be
        # kept under that id, or the slower comment would never show.
        async with db.unit_of_work() as uow:
            await emit_any(uow, f"thread:{thread.id}", "votes.changed", id=0)
    else:
        # SQLite: one writer at a time; the page read meanwhile simply has the old version.
        await anonymous_page(client, thread)
    await until_the_latest_event_is_handled(app, db)
    assert "Langsam geschrieben" not in str(await anonymous_page(client, thread))
    await slow.__aexit__(None, None, None)
    assert "Langsam geschrieben" in str(await anonymous_page(client, thread))


def test_entries_expire_and_the_oldest_make_room() -> None:
    now = [0.0]
    cache = FirstPageCache(max_age=30.0, max_entries=2, clock=lambda: now[0])
    from dialog.discussion.schemas import CommentPage

    empty = CommentPage(items=[], next_cursor=None)
    changed = datetime(2026, 11, 1, tzinfo=UTC)
    key = (1, "page", "new", 20, "de")
    cache.put(key, (5, changed), empty)
    assert cache.get(key, (5, changed)) is not None
    assert cache.get(key, (6, changed)) is None  # a newer event: rebuilt
    cache.put(key, (6, changed), empty)
    assert cache.get(key, (6, changed + timedelta(seconds=1))) is None  # procedure changed
    cache.put(key, (6, changed), empty)
    now[0] = 31.0
    assert cache.get(key, (6, changed)) is None  # too old: rebuilt
    for thread_id in (1, 2, 3):
        cache.put((thread_id, "page", "new", 20, "de"), (1, changed), empty)
    assert len(cache) == 2 and cache.get(key, (1, changed)) is None
    cache.forget(2)
    assert len(cache) == 1


async def test_the_anonymous_thread_page_is_kept_and_each_visitor_gets_their_own_csrf_token(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
) -> None:
    await post(api, await make_user(), thread.id, "Mehr Licht im Park")
    await until_the_latest_event_is_handled(app, db)
    first = await client.get(f"/threads/{thread.id}")
    assert first.status_code == 200 and "Mehr Licht im Park" in first.text
    mine = client.cookies["dialog_csrf"]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        with counting_queries(db) as statements:
            theirs = await other.get(f"/threads/{thread.id}")
        their_token = other.cookies["dialog_csrf"]
    assert not [s for s in statements if "FROM comments" in s], statements
    # the page's version, nothing else
    assert [s for s in statements if s.startswith("SELECT")] == statements[-1:], statements
    assert their_token != mine
    assert f'content="{their_token}"' in theirs.text and mine not in theirs.text
    assert f'content="{mine}"' in first.text
    assert CSRF_PLACEHOLDER not in first.text + theirs.text
    assert theirs.text.replace(their_token, mine) == first.text
    assert theirs.headers["content-security-policy"] == first.headers["content-security-policy"]
    # Sorted differently, or read in English: pages of their own.
    top = await client.get(f"/threads/{thread.id}?sort=top")
    assert '<span aria-current="true">Meiste Zustimmung</span>' in top.text
    english = await client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"})
    assert "Mehr Licht im Park" in english.text and "Comments" in english.text
    assert 'lang="de"' in (await client.get(f"/threads/{thread.id}")).text


async def test_the_kept_thread_page_shows_every_change_on_the_next_request(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    author, voter = await make_user(), await make_user()
    admin = await make_user("admin")
    comment = await post(api, author, thread.id, "Der Weg am Ufer")

    async def page() -> str:
        response = await client.get(f"/threads/{thread.id}")
        assert response.status_code == 200
        return response.text

    assert "Der Weg am Ufer" in await page()
    await post(api, author, thread.id, "Die Bank am Weg")
    assert "Die Bank am Weg" in await page()
    vote_url = f"/api/v1/comments/{comment['id']}/vote"
    assert (await api.request(voter, "PUT", vote_url, json={"value": 1})).status_code == 200
    assert 'data-slot="up">1</span>' in await page()
    answered = await api.request(
        admin,
        "POST",
        f"/api/v1/comments/{comment['id']}/answer",
        json={"body": "Wir bauen den Weg 2027 aus.", "state": "adopted"},
    )
    assert answered.status_code in (200, 201), answered.text
    assert "Wir bauen den Weg 2027 aus." in await page()
    renamed = await api.request(
        admin, "PATCH", f"/api/v1/procedures/{thread.procedure_id}", json={"title": "Uferweg neu"}
    )
    assert renamed.status_code == 200, renamed.text
    assert "Uferweg neu" in await page()


async def test_signed_in_readers_never_get_the_kept_anonymous_page(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: Any,
) -> None:
    await post(api, await make_user(), thread.id, "Ein Beitrag zum Lesen")
    anonymous = await client.get(f"/threads/{thread.id}")
    form = f'action="/threads/{thread.id}/comments"'
    assert form not in anonymous.text
    await browser_session(await make_user(display_name="Lesende Person"))
    signed_in = await client.get(f"/threads/{thread.id}")
    assert form in signed_in.text
    assert 'name="session-timeout"' in signed_in.text


def test_kept_html_pages_stay_within_their_byte_budget() -> None:
    cache = FirstPageCache(max_bytes=250)
    changed = datetime(2026, 11, 1, tzinfo=UTC)
    for thread_id in (1, 2, 3):
        cache.put((thread_id, "html", "", "de"), (1, changed), body=b"x" * 100)
    assert len(cache) == 2  # the oldest made room
    assert cache.get((1, "html", "", "de"), (1, changed)) is None
    cache.put((2, "html", "", "de"), (2, changed), body=b"y" * 100)  # replaces, not adds
    cache.forget(3)
    cache.put((4, "html", "", "de"), (1, changed), body=b"z" * 100)
    assert len(cache) == 2 and cache.get((2, "html", "", "de"), (2, changed)) is not None


async def test_only_the_plain_and_sorted_thread_pages_are_kept(
    app: Starlette, client: httpx.AsyncClient, thread: Thread
) -> None:
    for query in ("", "?sort=top", "?sort=top&x=1", "?utm_source=flyer", "?sort=nonsense"):
        assert (await client.get(f"/threads/{thread.id}{query}")).status_code == 200
    kept = cache_of(app)
    assert len(kept) == 4  # two HTML pages and the two comment pages they were built from


async def test_a_kept_page_is_checked_again_after_the_recheck_interval_for_other_processes(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    settings: Settings,
    thread: Thread,
) -> None:
    author = await make_user()
    await post(api, author, thread.id, "Hier geschrieben")
    await until_the_latest_event_is_handled(app, db)
    cache = cache_of(app)
    cache.recheck = 60.0
    assert "Hier geschrieben" in (await client.get(f"/threads/{thread.id}")).text
    with counting_queries(db) as statements:
        assert "Hier geschrieben" in (await client.get(f"/threads/{thread.id}")).text
    assert statements == []  # checked a moment ago: served without asking the database
    # Another process (its own Database, no listener of ours, no publish) adds a comment.
    elsewhere = Database(settings.database_url)
    try:
        actor = Actor(user_id=author.id, role="resident", display_name="A", via="token")
        async with elsewhere.unit_of_work() as uow:
            await actions.do_post_comment(
                uow,
                actor,
                thread.id,
                CommentIn(body="Nebenan geschrieben"),
                app.state.services.discussion_hooks,
            )
    finally:
        await elsewhere.dispose()
    assert "Nebenan geschrieben" not in (await client.get(f"/threads/{thread.id}")).text
    cache.recheck = 0.0  # the interval has passed
    assert "Nebenan geschrieben" in (await client.get(f"/threads/{thread.id}")).text


async def test_concurrent_readers_whose_recheck_ran_out_check_the_version_once(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
) -> None:
    """When a busy thread's RECHECK runs out, the readers that ask while its version is read
    again wait for that one read; each still gets the page."""
    await post(api, await make_user(), thread.id, "Viele lesen mit")
    await until_the_latest_event_is_handled(app, db)
    cache = cache_of(app)
    assert "Viele lesen mit" in (await client.get(f"/threads/{thread.id}")).text
    cache.recheck = 0.0  # every request finds the version unchecked
    with counting_queries(db) as statements:
        pages = await asyncio.gather(*(client.get(f"/threads/{thread.id}") for _ in range(8)))
    assert all(p.status_code == 200 and "Viele lesen mit" in p.text for p in pages)
    versions = [s for s in statements if "max(events.id)" in s]
    assert len(versions) == 1, versions
    with counting_queries(db) as statements:  # the next one asks again
        assert (await client.get(f"/threads/{thread.id}")).status_code == 200
    assert len([s for s in statements if "max(events.id)" in s]) == 1


async def test_a_failed_version_check_fails_every_request_that_waited_for_it_and_no_later_one(
    app: Starlette, client: httpx.AsyncClient, thread: Thread
) -> None:
    cache = cache_of(app)
    calls = 0

    async def failing() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        raise ConnectionError("the database went away")

    asked = [cache.checked(thread.id, failing) for _ in range(3)]
    outcomes = await asyncio.gather(*asked, return_exceptions=True)
    assert calls == 1 and all(isinstance(o, ConnectionError) for o in outcomes)

    async def current() -> str:
        return "read again"

    assert await cache.checked(thread.id, current) == "read again"


def test_committed_topics_forget_exactly_their_threads_pages() -> None:
    cache = FirstPageCache()
    changed = datetime(2026, 11, 1, tzinfo=UTC)
    for thread_id in (1, 2):
        cache.put((thread_id, "html", "", "de"), (1, changed), body=b"x")
        cache.put((thread_id, "page", "new", 20, "de"), (1, changed))
    assert cache.recent((1, "html", "", "de")) is not None
    cache.forget_changed(Committed([], frozenset({"thread:1", "moderation", "user:2"})))
    assert cache.recent((1, "html", "", "de")) is None and len(cache) == 2
    assert cache.recent((2, "page", "new", 20, "de")) is not None
