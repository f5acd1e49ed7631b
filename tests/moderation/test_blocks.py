"""Blocks: a blocked account reads but does not write, and sees why."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.notifications.models import Notification
from dialog.procedures.models import Thread
from tests import factories
from tests.moderation.helpers import MakeUser, post


async def test_a_blocked_account_can_read_but_not_post(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    resident, moderator = await make_user(), await make_user("moderator")
    await post(api, resident, thread, "Vorher")
    blocked = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/users/{resident.id}/block",
        json={"period": "7d", "reason": "Wiederholte Beleidigungen"},
    )
    assert blocked.status_code == 200, blocked.text
    url = f"/api/v1/threads/{thread.id}/comments"
    assert (await api.request(resident, "POST", url, json={"body": "Nachher"})).status_code == 403
    assert (await api.request(resident, "GET", url)).status_code == 200
    async with db.reading() as session:
        user = await session.get(User, resident.id)
        notes = (await session.scalars(select(Notification))).all()
    assert user is not None and user.blocked_until is not None
    assert timedelta(days=6) < user.blocked_until - utcnow() <= timedelta(days=7)
    assert [(n.user_id, n.kind) for n in notes] == [(resident.id, "account.blocked")]
    assert "Wiederholte Beleidigungen" in notes[0].body


async def test_a_lifted_block_lets_the_account_post_again(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    resident, moderator = await make_user(), await make_user("moderator")
    block_url = f"/api/v1/moderation/users/{resident.id}/block"
    body = {"period": "permanent", "reason": "Spam"}
    assert (await api.request(moderator, "POST", block_url, json=body)).status_code == 200
    assert (await api.request(moderator, "DELETE", block_url)).json()["blocked_until"] is None
    await post(api, resident, thread, "Wieder da")


async def test_a_moderator_cannot_block_another_moderator_but_an_admin_can(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    moderator, colleague, admin = (
        await make_user("moderator"),
        await make_user("moderator"),
        await make_user("admin"),
    )
    url = f"/api/v1/moderation/users/{colleague.id}/block"
    body = {"period": "1d", "reason": "Test"}
    assert (await api.request(moderator, "POST", url, json=body)).status_code == 403
    assert (await api.request(admin, "POST", url, json=body)).status_code == 200


async def test_a_block_needs_a_reason_and_a_known_period(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    resident, moderator = await make_user(), await make_user("moderator")
    url = f"/api/v1/moderation/users/{resident.id}/block"
    response = await api.request(moderator, "POST", url, json={"period": "2d", "reason": " "})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"period", "reason"}


async def test_a_blocked_account_can_neither_vote_nor_flag(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    resident, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, await make_user(), thread, "Ein Vorschlag")
    url = f"/api/v1/moderation/users/{resident.id}/block"
    body = {"period": "1d", "reason": "Beleidigungen"}
    assert (await api.request(moderator, "POST", url, json=body)).status_code == 200
    vote = await api.request(
        resident, "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}
    )
    flagged = await api.request(
        resident, "POST", f"/api/v1/comments/{comment['id']}/flags", json={"reason": "spam"}
    )
    assert (vote.status_code, flagged.status_code) == (403, 403)
