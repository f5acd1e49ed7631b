"""Editing within 15 minutes (earlier text kept), withdrawing with a placeholder."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from dialog.db import Database, utcnow
from dialog.discussion.models import Comment, CommentRevision
from dialog.procedures.models import Thread
from tests import factories
from tests.discussion.helpers import MakeUser, post


async def test_the_author_edits_and_the_earlier_text_is_kept_for_moderators(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    author = await make_user()
    comment = await post(api, author, thread.id, "Erste Fassung")
    response = await api.request(
        author, "PATCH", f"/api/v1/comments/{comment['id']}", json={"body": "Zweite *Fassung*"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["html"] == "<p>Zweite <em>Fassung</em></p>"
    assert response.json()["edited_at"] is not None
    async with db.reading() as session:
        revisions = (await session.scalars(select(CommentRevision))).all()
    assert [r.body for r in revisions] == ["Erste Fassung"]


async def test_edits_after_fifteen_minutes_are_refused(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    author = await make_user()
    comment = await post(api, author, thread.id, "Alt")
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Comment)
            .where(Comment.id == comment["id"])
            .values(created_at=utcnow() - timedelta(minutes=16))
        )
    response = await api.request(
        author, "PATCH", f"/api/v1/comments/{comment['id']}", json={"body": "Neu"}
    )
    assert response.status_code == 403
    fresh = await api.request(None, "GET", f"/api/v1/comments/{comment['id']}")
    assert fresh.json()["html"] == "<p>Alt</p>"


async def test_only_the_author_edits_or_withdraws(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    comment = await post(api, await make_user(), thread.id, "Meins")
    other = await make_user()
    url = f"/api/v1/comments/{comment['id']}"
    assert (await api.request(other, "PATCH", url, json={"body": "x"})).status_code == 403
    assert (await api.request(other, "DELETE", url)).status_code == 403
    assert (await api.request(None, "GET", url)).json()["html"] == "<p>Meins</p>"


async def test_a_withdrawn_comment_leaves_a_placeholder_that_keeps_its_replies(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    parent = await post(api, author, thread.id, "Frage")
    reply = await post(api, await make_user(), thread.id, "Antwort", parent_id=parent["id"])
    response = await api.request(author, "POST", f"/api/v1/comments/{parent['id']}/withdraw")
    assert response.status_code == 200, response.text
    listing = (await api.request(None, "GET", f"/api/v1/threads/{thread.id}/comments")).json()
    shown = {item["id"]: item for item in listing["items"]}
    assert shown[parent["id"]]["status"] == "withdrawn"
    assert shown[parent["id"]]["html"] == "" and shown[parent["id"]]["author"] is None
    assert shown[reply["id"]]["html"] == "<p>Antwort</p>"


async def test_replies_to_a_withdrawn_comment_are_refused(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    parent = await post(api, author, thread.id, "Frage")
    await api.request(author, "DELETE", f"/api/v1/comments/{parent['id']}")
    response = await api.request(
        await make_user(),
        "POST",
        f"/api/v1/threads/{thread.id}/comments",
        json={"body": "Antwort", "parent_id": parent["id"]},
    )
    assert response.status_code == 422
    assert "parent_id" in response.json()["error"]["fields"]


async def test_an_empty_edit_is_refused_and_changes_nothing(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    comment = await post(api, author, thread.id, "Bleibt")
    url = f"/api/v1/comments/{comment['id']}"
    for payload in ({"body": "  "}, {"body": "x" * 5001}, {}):
        assert (await api.request(author, "PATCH", url, json=payload)).status_code == 422
    assert (await api.request(None, "GET", url)).json()["edited_at"] is None
