"""A comment's permalink (/comments/{id}) leads to the page of its thread that shows it."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from dialog.db import Database
from dialog.discussion.models import Comment
from dialog.procedures.models import Thread
from tests import factories
from tests.discussion.helpers import MakeUser
from tests.discussion.test_large_thread import fill


async def _followed(client: httpx.AsyncClient, url: str) -> tuple[str, str]:
    """(where the permalink leads, the page there)."""
    sent = await client.get(url)
    assert sent.status_code == 302, sent.text
    location = sent.headers["location"]
    page = await client.get(location)
    assert page.status_code == 200
    return location, page.text


async def test_a_permalink_leads_to_the_page_that_shows_the_comment(
    client: httpx.AsyncClient, db: Database, make_user: MakeUser, thread: Thread
) -> None:
    author, reader = await make_user(), await make_user()
    top_ids = await fill(db, thread, author.id, reader.id, 45)  # three pages of 20
    async with db.reading() as session:
        deep_reply = await session.scalar(
            select(Comment.id).where(Comment.root_id == top_ids[0], Comment.depth == 3)
        )
    assert deep_reply is not None

    newest, oldest = top_ids[-1], top_ids[0]
    location, _page = await _followed(client, f"/comments/{newest}")
    assert location == f"/threads/{thread.id}#comment-{newest}"  # on the first page: no cursor
    for wanted in (oldest, deep_reply):  # on the third page, a reply with its top-level comment
        location, page = await _followed(client, f"/comments/{wanted}")
        assert location.startswith(f"/threads/{thread.id}?cursor=")
        assert location.endswith(f"#comment-{wanted}")
        assert f'id="comment-{wanted}"' in page
    first_page = (await client.get(f"/threads/{thread.id}")).text
    assert f'id="comment-{oldest}"' not in first_page  # why the permalink needs the cursor
    assert f'href="/comments/{newest}"' in first_page  # the comment's time links to it


async def test_a_permalink_to_what_the_reader_may_not_see_is_not_found(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    procedure = await factories.procedure(db, await factories.department(db, "p", "P"))
    held_thread = await factories.thread(db, procedure, moderation="pre")
    author = await make_user()
    held = await api.request(
        author, "POST", f"/api/v1/threads/{held_thread.id}/comments", json={"body": "Wartet"}
    )
    assert (
        held.json()["status"] == "pending"
        and held.json()["url"] == f"/comments/{held.json()['id']}"
    )
    assert (await client.get(f"/comments/{held.json()['id']}")).status_code == 404
    assert (await client.get("/comments/999999")).status_code == 404
