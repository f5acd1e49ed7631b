"""Authors are told, and may ask once for a second review by another moderator."""

from __future__ import annotations

from sqlalchemy import select
from starlette.applications import Starlette

from dialog.db import Database
from dialog.discussion.hooks import DiscussionHooks
from dialog.notifications.models import Notification
from dialog.procedures.models import Procedure
from tests import factories
from tests.moderation.helpers import MakeUser, decide, post, status_of


async def test_the_author_is_notified_with_the_reason_and_sees_it_on_the_comment(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(locale="en"), await make_user("moderator")
    comment = await post(api, author, held, "Mein Beitrag")
    assert (await decide(api, moderator, comment["id"], "reject", "privacy")).status_code == 200
    async with db.reading() as session:
        notes = (await session.scalars(select(Notification))).all()
    assert [(n.user_id, n.kind) for n in notes] == [(author.id, "comment.decided")]
    assert "Protect personal data" in notes[0].body
    assert notes[0].url == f"/moderation/comments/{comment['id']}/status"
    status = await api.request(author, "GET", f"/api/v1/moderation/comments/{comment['id']}/status")
    assert status.json()["status"] == "rejected"
    assert status.json()["reason_url"] == "/netiquette#privacy"
    assert status.json()["can_appeal"] is True
    other = await make_user()
    denied = await api.request(other, "GET", f"/api/v1/moderation/comments/{comment['id']}/status")
    assert denied.status_code == 404


async def test_an_appeal_goes_back_to_the_queue_for_another_moderator_once(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author = await make_user()
    first, second = await make_user("moderator"), await make_user("moderator")
    comment = await post(api, author, held, "Mein Beitrag")
    assert (await decide(api, first, comment["id"], "reject", "topic")).status_code == 200
    url = f"/api/v1/moderation/comments/{comment['id']}/appeal"
    appealed = await api.request(author, "POST", url, json={"text": "Es geht doch ums Thema."})
    assert appealed.status_code == 201, appealed.text
    queue = (await api.request(second, "GET", "/api/v1/moderation/queue")).json()["items"]
    assert [(i["id"], i["reasons"], i["appeal"]) for i in queue] == [
        (comment["id"], ["appeal"], "Es geht doch ums Thema.")
    ]
    assert (await decide(api, first, comment["id"], "restore", "topic")).status_code == 403
    assert (await decide(api, second, comment["id"], "restore", "topic")).status_code == 200
    assert await status_of(db, comment["id"]) == "published"
    assert (await api.request(author, "POST", url, json={"text": "Nochmal"})).status_code == 409


async def test_only_the_author_may_appeal(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, other, moderator = await make_user(), await make_user(), await make_user("moderator")
    comment = await post(api, author, held, "Mein Beitrag")
    assert (await decide(api, moderator, comment["id"], "reject", "topic")).status_code == 200
    url = f"/api/v1/moderation/comments/{comment['id']}/appeal"
    assert (await api.request(other, "POST", url, json={})).status_code == 403


async def test_the_thread_page_hook_gives_the_author_the_reason_of_each_decision(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    rejected = await post(api, author, held, "Eins")
    waiting = await post(api, author, held, "Zwei")
    assert (await decide(api, moderator, rejected["id"], "reject", "spam")).status_code == 200
    hooks: DiscussionHooks = app.state.services.discussion_hooks
    async with db.reading() as session:
        notes = await hooks.decision_notes(session, author.id, [rejected["id"], waiting["id"]])
        others = await hooks.decision_notes(session, moderator.id, [rejected["id"]])
    assert notes == {rejected["id"]: "spam"}
    assert others == {}


async def test_an_appeal_without_a_body_is_one_without_a_text(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    """The API document marks the body optional (its one field is); a request without any body
    was answered 400 "Send the body as application/json" (schemathesis found it)."""
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, held, "Mein Beitrag")
    assert (await decide(api, moderator, comment["id"], "reject", "topic")).status_code == 200
    url = f"/api/v1/moderation/comments/{comment['id']}/appeal"
    assert (await api.request(author, "POST", url)).status_code == 201
    wrong = await api.request(
        author, "POST", url, content=b"text", headers={"content-type": "text/plain"}
    )
    assert wrong.status_code == 400
