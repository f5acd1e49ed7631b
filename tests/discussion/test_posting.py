"""Posting comments and replies through the API: the core of the discussion."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.live.models import Event
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]


async def events(db: Database) -> list[Event]:
    async with db.reading() as session:
        return list((await session.scalars(select(Event).order_by(Event.id))).all())


async def test_a_resident_posts_a_comment_that_everyone_reads(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    author = await make_user(display_name="Kiezmama")
    response = await api.request(
        author,
        "POST",
        f"/api/v1/threads/{thread.id}/comments",
        json={"body": "Mehr **Bäume** bitte!", "stance": "for"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "published"
    assert body["html"] == "<p>Mehr <strong>Bäume</strong> bitte!</p>"
    assert body["author"]["name"] == "Kiezmama"
    listing = await api.request(None, "GET", f"/api/v1/threads/{thread.id}/comments")
    assert [item["id"] for item in listing.json()["items"]] == [body["id"]]
    published = [e for e in await events(db) if e.type == "comment.published"]
    assert published[0].topic == f"thread:{thread.id}"
    assert published[0].data["html"] == body["html"]


async def test_a_repeated_client_id_returns_the_first_comment(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    url = f"/api/v1/threads/{thread.id}/comments"
    first = await api.request(author, "POST", url, json={"body": "Eins", "client_id": "abc-1"})
    again = await api.request(author, "POST", url, json={"body": "Eins", "client_id": "abc-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    listing = await api.request(None, "GET", url)
    assert len(listing.json()["items"]) == 1


async def test_parallel_retries_with_one_client_id_store_one_comment(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    """A client that sends its post again while the first is still being written (PostgreSQL:
    both pass the lookup before either commits) gets the first comment back, never an error."""
    author = await make_user()
    await api.headers(author)
    url = f"/api/v1/threads/{thread.id}/comments"
    responses = await asyncio.gather(
        *(
            api.request(author, "POST", url, json={"body": "Eins", "client_id": "x"})
            for _ in range(8)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201], [
        r.text for r in responses
    ]
    assert len({r.json()["id"] for r in responses}) == 1
    async with db.reading() as session:
        stored = await session.get(Thread, thread.id)
    assert stored is not None and stored.comment_count == 1
    assert len([e for e in await events(db) if e.type == "comment.published"]) == 1


async def test_pre_moderated_comments_are_seen_only_by_their_author(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, other = await make_user(), await make_user()
    url = f"/api/v1/threads/{held.id}/comments"
    response = await api.request(author, "POST", url, json={"body": "Bitte prüfen"})
    assert response.json()["status"] == "pending"
    assert [c["status"] for c in (await api.request(author, "GET", url)).json()["items"]] == [
        "pending"
    ]
    assert (await api.request(other, "GET", url)).json()["items"] == []
    assert (await api.request(None, "GET", url)).json()["items"] == []
    assert {e.topic for e in await events(db)} == {"moderation"}


async def test_replies_nest_three_levels_and_no_deeper(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    url = f"/api/v1/threads/{thread.id}/comments"
    parent_id = None
    for level in range(4):
        response = await api.request(
            author, "POST", url, json={"body": f"Ebene {level}", "parent_id": parent_id}
        )
        assert response.status_code == 201, response.text
        assert response.json()["depth"] == level
        parent_id = response.json()["id"]
    too_deep = await api.request(
        author, "POST", url, json={"body": "zu tief", "parent_id": parent_id}
    )
    assert too_deep.status_code == 422
    assert "parent_id" in too_deep.json()["error"]["fields"]
    listing = (await api.request(None, "GET", url)).json()["items"]
    assert [c["depth"] for c in listing] == [0, 1, 2, 3]
    assert listing[0]["replies"] == 1


async def test_bad_bodies_are_refused_and_nothing_is_written(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    url = f"/api/v1/threads/{thread.id}/comments"
    for payload in (
        {"body": "   "},
        {"body": "x" * 5001},
        {},
        {"body": "ok", "parent_id": 999},
        {"body": "ok", "stance": "maybe"},
    ):
        response = await api.request(author, "POST", url, json=payload)
        assert response.status_code == 422, payload
        assert response.json()["error"]["fields"], payload
    assert (await api.request(None, "GET", url)).json()["items"] == []


async def test_anonymous_cannot_post(api: factories.ApiAs, thread: Thread) -> None:
    response = await api.request(
        None, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": "Hallo"}
    )
    assert response.status_code == 401


async def test_comments_are_refused_outside_the_active_phase(
    api: factories.ApiAs, make_user: MakeUser, db: Database, department: Department
) -> None:
    planned = await factories.procedure(db, department, phase="planned")
    closed_thread = await factories.thread(db, planned)
    response = await api.request(
        await make_user(),
        "POST",
        f"/api/v1/threads/{closed_thread.id}/comments",
        json={"body": "Hallo"},
    )
    assert response.status_code == 403
