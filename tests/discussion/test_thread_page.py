"""The thread page without JavaScript: read, write, reply, vote, report, withdraw by form."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


async def post(client: httpx.AsyncClient, url: str, token: str, **fields: str) -> httpx.Response:
    return await client.post(url, data={"csrf_token": token, **fields})


async def test_a_resident_writes_replies_and_sees_it_on_the_page(
    client: httpx.AsyncClient, make_user: MakeUser, thread: Thread, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user(display_name="Kiezmama"))
    written = await post(
        client, f"/threads/{thread.id}/comments", token, body="Mehr *Schatten* bitte", stance="for"
    )
    assert written.status_code == 303
    comment_id = int(written.headers["location"].rsplit("-", 1)[1])
    reply = await post(
        client, f"/threads/{thread.id}/comments", token, body="Und Bänke", parent_id=str(comment_id)
    )
    assert reply.status_code == 303
    page = await client.get(f"/threads/{thread.id}")
    assert "<em>Schatten</em>" in page.text and "Kiezmama" in page.text
    assert f'id="comment-{comment_id}"' in page.text
    assert f'href="#comment-{comment_id}"' in page.text  # the reply links to its parent
    assert 'href="/netiquette"' in page.text


async def test_errors_are_shown_beside_the_comment_field(
    client: httpx.AsyncClient, make_user: MakeUser, thread: Thread, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user())
    response = await post(client, f"/threads/{thread.id}/comments", token, body="   ")
    assert response.status_code == 422
    assert 'id="body-error"' in response.text
    assert re.search(r'id="body"[^>]*aria-invalid="true"', response.text)


async def test_votes_by_form_toggle_and_show_pressed_state(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    author = await make_user()
    created = await api.request(
        author, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": "Ein Vorschlag"}
    )
    comment_id = created.json()["id"]
    token = await browser_session(await make_user())
    assert (await post(client, f"/comments/{comment_id}/vote", token, value="1")).status_code == 303
    page = await client.get(f"/threads/{thread.id}")
    assert re.search(r'aria-pressed="true" data-vote="1"', page.text)
    await post(client, f"/comments/{comment_id}/vote", token, value="0")
    fetched = await api.request(None, "GET", f"/api/v1/comments/{comment_id}")
    assert fetched.json()["up"] == 0


async def test_reporting_and_withdrawing_by_form(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    api: factories.ApiAs,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    author = await make_user()
    comment_id = (
        await api.request(
            author, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": "Werbung!"}
        )
    ).json()["id"]
    token = await browser_session(await make_user())
    flagged = await post(client, f"/comments/{comment_id}/flag", token, reason="spam", note="")
    assert flagged.status_code == 303
    again = await post(client, f"/comments/{comment_id}/flag", token, reason="spam", note="")
    assert again.status_code == 409
    withdrawn_by_other = await post(client, f"/comments/{comment_id}/withdraw", token)
    assert withdrawn_by_other.status_code == 403


async def test_pending_comments_show_their_state_only_to_the_author(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
    browser_session: SignIn,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    token = await browser_session(await make_user())
    await post(client, f"/threads/{held.id}/comments", token, body="Geheimer Entwurf")
    mine = await client.get(f"/threads/{held.id}")
    assert "Geheimer Entwurf" in mine.text and "status-pending" in mine.text
    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with anonymous:
        other = await anonymous.get(f"/threads/{held.id}")
    assert "Geheimer Entwurf" not in other.text


async def test_anonymous_readers_are_invited_to_sign_in(
    client: httpx.AsyncClient, thread: Thread
) -> None:
    page = await client.get(f"/threads/{thread.id}")
    assert page.status_code == 200
    assert f'href="/login?next=/threads/{thread.id}"' in page.text
    assert "data-since=" in page.text and "new-comments-label" in page.text
