"""An author renames or deletes the account: kept first pages, counters and events follow at once.

Before, the anonymous first page (JSON and HTML) went on showing a deleted person's name, or
the name before a rename, for up to half a minute from the cache: nothing told the threads.
"""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from dialog.accounts import actions as account_actions
from dialog.accounts.models import User
from dialog.app import PERSONAL_DATA
from dialog.db import Database
from dialog.discussion.page_cache import FirstPageCache
from dialog.procedures.models import Thread
from dialog.settings import Settings
from tests import factories
from tests.discussion.helpers import MakeUser, post, until_the_latest_event_is_handled

NAME = "Erika Mustermann"


async def kept_pages(
    app: Starlette, db: Database, client: httpx.AsyncClient, thread: Thread
) -> tuple[str, str]:
    """The anonymous JSON and HTML first pages, kept in the cache by this request."""
    await until_the_latest_event_is_handled(app, db)
    listing = await client.get(f"/api/v1/threads/{thread.id}/comments")
    page = await client.get(f"/threads/{thread.id}")
    cache: FirstPageCache = app.state.services.page_cache
    assert len(cache) == 2
    return listing.text, page.text


async def pages_now(client: httpx.AsyncClient, thread: Thread) -> tuple[dict[str, Any], str]:
    listing = await client.get(f"/api/v1/threads/{thread.id}/comments")
    page = await client.get(f"/threads/{thread.id}")
    return listing.json(), page.text


async def test_a_deleted_account_s_name_leaves_the_kept_json_and_html_pages_at_once(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
) -> None:
    author = await make_user(display_name=NAME)
    await post(api, author, thread.id, "Bleibt stehen")
    assert all(NAME in page for page in await kept_pages(app, db, client, thread))
    deletion = {"password": factories.PASSWORD, "comments": "keep"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    listing, html = await pages_now(client, thread)
    assert listing["items"][0]["author"]["id"] is None
    assert NAME not in str(listing) and NAME not in html
    assert "Bleibt stehen" in html


async def test_a_changed_display_name_shows_on_the_kept_json_and_html_pages_at_once(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
) -> None:
    author = await make_user(display_name=NAME)
    await post(api, author, thread.id, "Mein Beitrag")
    await kept_pages(app, db, client, thread)
    renamed = await api.request(author, "PATCH", "/api/v1/me", json={"display_name": "Anonyma"})
    assert renamed.status_code == 200
    listing, html = await pages_now(client, thread)
    assert listing["items"][0]["author"]["name"] == "Anonyma"
    assert NAME not in html and "Anonyma" in html


async def test_an_account_deleted_in_another_process_leaves_its_kept_pages_after_the_recheck(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    settings: Settings,
    thread: Thread,
) -> None:
    author = await make_user(display_name=NAME)
    await post(api, author, thread.id, "Bleibt stehen")
    await kept_pages(app, db, client, thread)
    # Another process: its own Database, no commit listener of ours and no publish.
    elsewhere = Database(settings.database_url)
    try:
        async with elsewhere.unit_of_work() as uow:
            person = await uow.session.get(User, author.id)
            assert person is not None
            await account_actions.do_delete_account(
                uow, PERSONAL_DATA, person, remove_comments=False
            )
    finally:
        await elsewhere.dispose()
    cache: FirstPageCache = app.state.services.page_cache
    cache.recheck = 0.0  # the interval in which a kept page is served unchecked has passed
    listing, html = await pages_now(client, thread)
    assert NAME not in str(listing) and NAME not in html


async def test_removing_a_deleted_account_s_comments_takes_them_out_of_the_counts(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author, other = await make_user(), await make_user()
    top = await post(api, other, thread.id, "Oben")
    await post(api, author, thread.id, "Antwort", parent_id=top["id"])
    await post(api, author, thread.id, "Eigenes")
    deletion = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    shown = await api.request(None, "GET", f"/api/v1/threads/{thread.id}")
    assert shown.json()["comment_count"] == 1
    listing, _html = await pages_now(client, thread)
    assert {item["id"]: item["replies"] for item in listing["items"]}[top["id"]] == 0
