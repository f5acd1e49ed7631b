"""Flags: a row per person and comment, counted on the comment, heard by moderation."""

from __future__ import annotations

from datetime import timedelta

from dialog.db import Database, utcnow
from dialog.procedures.models import Thread
from tests import factories
from tests.discussion.helpers import MakeUser, events_after, last_event_id, post


async def test_a_flag_is_stored_counted_and_announced_to_moderation(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    comment = await post(api, await make_user(), thread.id, "Kaufen Sie jetzt!")
    before = await last_event_id(db)
    response = await api.request(
        await make_user(),
        "POST",
        f"/api/v1/comments/{comment['id']}/flags",
        json={"reason": "spam", "note": "Werbung"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["reason"] == "spam"
    created = [e for e in await events_after(db, before) if e.type == "flag.created"]
    assert created[0].topic == "moderation"
    assert created[0].data["comment_id"] == comment["id"]
    assert (created[0].data["reason"], created[0].data["flags"]) == ("spam", 1)


async def test_a_second_flag_by_the_same_person_is_a_conflict(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    comment = await post(api, await make_user(), thread.id, "Text")
    flagger = await make_user()
    url = f"/api/v1/comments/{comment['id']}/flags"
    assert (await api.request(flagger, "POST", url, json={"reason": "insult"})).status_code == 201
    before = await last_event_id(db)
    again = await api.request(flagger, "POST", url, json={"reason": "other", "note": "x"})
    assert again.status_code == 409
    assert await events_after(db, before) == []


async def test_flags_need_a_known_reason_and_a_short_note(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    comment = await post(api, await make_user(), thread.id, "Text")
    flagger = await make_user()
    url = f"/api/v1/comments/{comment['id']}/flags"
    before = await last_event_id(db)
    for payload in ({"reason": "boring"}, {}, {"reason": "other", "note": "x" * 1001}):
        response = await api.request(flagger, "POST", url, json=payload)
        assert response.status_code == 422, payload
        assert response.json()["error"]["fields"]
    assert await events_after(db, before) == []


async def test_blocked_and_anonymous_people_cannot_flag(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    comment = await post(api, await make_user(), thread.id, "Text")
    url = f"/api/v1/comments/{comment['id']}/flags"
    blocked = await make_user(blocked_until=utcnow() + timedelta(hours=2))
    assert (await api.request(blocked, "POST", url, json={"reason": "spam"})).status_code == 403
    assert (await api.request(None, "POST", url, json={"reason": "spam"})).status_code == 401
