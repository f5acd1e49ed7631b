"""The moderation pages, driven through forms like a browser without JavaScript."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable

import httpx
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Procedure, Thread
from tests import factories
from tests.moderation.helpers import MakeUser, decide, post_directly, status_of

SignIn = Callable[[User], Awaitable[str]]


async def test_the_queue_page_lists_items_with_reasons_context_and_named_buttons(
    app: Starlette,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre", title="Radwege")
    author = await make_user(display_name="Kiezmama")
    comment_id = await post_directly(app, db, author, held, "Mehr Radwege!")
    await browser_session(await make_user("moderator"))
    page = await client.get("/moderation")
    assert page.status_code == 200
    text = page.text
    assert 'aria-live="polite"' in text and 'id="shortcut-help"' in text
    assert f'id="item-{comment_id}"' in text and "Mehr Radwege!" in text
    assert "Radwege" in text and "Kiezmama" in text
    assert f'Freigeben<span class="visually-hidden"> Beitrag {comment_id}' in text
    assert '<script type="module" src="/static/js/moderation.js">' in text


async def test_a_moderator_decides_through_the_form_and_a_stale_form_gets_409(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    browser_session: SignIn,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    comment_id = await post_directly(app, db, await make_user(), held, "Bitte freischalten")
    token = await browser_session(await make_user("moderator"))
    form = {"csrf_token": token, "action": "approve", "reason": "topic", "version": "0"}
    done = await client.post(f"/moderation/comments/{comment_id}/decision", data=form)
    assert done.status_code == 303
    assert await status_of(db, comment_id) == "published"
    stale = await client.post(
        f"/moderation/comments/{comment_id}/decision", data={**form, "action": "hide"}
    )
    assert stale.status_code == 409
    assert "inzwischen entschieden" in stale.text


async def test_bulk_rejection_through_the_form(
    app: Starlette,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author = await make_user()
    ids = [await post_directly(app, db, author, held, f"Werbung {n}") for n in range(2)]
    token = await browser_session(await make_user("moderator"))
    form = {"csrf_token": token, "action": "reject", "reason": "spam", "comment_ids": ids}
    response = await client.post("/moderation/bulk", data=form)
    assert response.status_code == 303
    assert [await status_of(db, i) for i in ids] == ["rejected", "rejected"]


async def test_an_admin_edits_the_watched_words_on_the_rules_page(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    token = await browser_session(await make_user("admin"))
    page = await client.get("/moderation/rules")
    assert "vollidiot" in page.text
    form = {"csrf_token": token, "rule": "watched-words", "enabled": "on", "words": "A\nb\n"}
    assert (await client.post("/moderation/rules", data=form)).status_code == 303
    assert "a\nb</textarea>" in (await client.get("/moderation/rules")).text


async def test_a_moderator_sees_the_rules_but_cannot_change_them(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    token = await browser_session(await make_user("moderator"))
    assert "<textarea" not in (await client.get("/moderation/rules")).text
    form = {"csrf_token": token, "rule": "links", "enabled": "on", "max": "5"}
    assert (await client.post("/moderation/rules", data=form)).status_code == 403


async def test_the_audit_page_and_csv_show_the_verified_chain(
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    thread: Thread,
    app: Starlette,
    db: Database,
) -> None:
    moderator = await make_user("moderator")
    comment_id = await post_directly(app, db, await make_user(), thread, "Text")
    assert (await decide(api, moderator, comment_id, "hide", "spam")).status_code == 200
    await browser_session(moderator)
    page = await client.get("/moderation/audit")
    assert "Die Kette ist unversehrt" in page.text
    exported = await client.get("/moderation/audit.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:5] == ["id", "created_at", "actor_id", "action", "subject"]
    assert [r[3:5] for r in rows[1:]] == [["decision", f"comment:{comment_id}"]]


async def test_the_author_sees_state_and_reason_and_appeals_through_the_page(
    app: Starlette,
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author = await make_user()
    comment_id = await post_directly(app, db, author, held, "Mein Text")
    assert (
        await decide(api, await make_user("moderator"), comment_id, "reject", "law")
    ).status_code == 200
    token = await browser_session(author)
    url = f"/moderation/comments/{comment_id}/status"
    page = await client.get(url)
    assert "nicht veröffentlicht" in page.text and 'href="/netiquette#law"' in page.text
    sent = await client.post(url, data={"csrf_token": token, "text": "Bitte nochmal"})
    assert sent.status_code == 303
    assert "wartet auf eine andere Moderatorin" in (await client.get(sent.headers["location"])).text
