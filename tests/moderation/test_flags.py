"""Flags: the threshold hides, a new flag brings a reviewed comment back, flaggers weigh."""

from __future__ import annotations

from starlette.applications import Starlette

from dialog.db import Database
from dialog.procedures.models import Thread
from tests import factories
from tests.moderation.helpers import MakeUser, decide, events, flag, post, status_of


async def test_a_comment_flagged_by_three_accounts_is_hidden_until_reviewed(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, "Streitbarer Beitrag")
    flaggers = [await make_user() for _ in range(3)]
    await flag(app, db, flaggers[0], comment["id"], "insult")
    await flag(app, db, flaggers[1], comment["id"], "spam")
    assert await status_of(db, comment["id"]) == "published"
    await flag(app, db, flaggers[2], comment["id"], "insult")
    assert await status_of(db, comment["id"]) == "hidden"
    queue = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()
    assert [(i["id"], i["reasons"], i["flags"]) for i in queue["items"]] == [
        (comment["id"], ["flags"], {"insult": 2, "spam": 1})
    ]
    assert (await decide(api, moderator, comment["id"], "approve", "topic")).status_code == 200
    assert await status_of(db, comment["id"]) == "published"
    thread_events = [e.type for e in await events(db, f"thread:{thread.id}")]
    assert thread_events == ["comment.published", "comment.hidden", "comment.published"]


async def test_a_new_flag_on_a_reviewed_comment_brings_it_back_to_the_queue(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, "Beitrag")
    await flag(app, db, await make_user(), comment["id"])
    assert (await decide(api, moderator, comment["id"], "approve", "topic")).status_code == 200
    empty = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()
    assert empty["count"] == 0
    await flag(app, db, await make_user(), comment["id"], "off-topic")
    again = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()
    assert [(i["id"], i["flags"]) for i in again["items"]] == [(comment["id"], {"off-topic": 1})]
    assert await status_of(db, comment["id"]) == "published"


async def test_flaggers_whose_flags_were_upheld_weigh_more_in_the_queue(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    trusted, doubtful = await make_user(), await make_user()
    for n in range(2):
        upheld = await post(api, author, thread, f"Beleidigung {n}")
        await flag(app, db, trusted, upheld["id"])
        assert (await decide(api, moderator, upheld["id"], "reject", "respect")).status_code == 200
        dismissed = await post(api, author, thread, f"Harmlos {n}")
        await flag(app, db, doubtful, dismissed["id"])
        assert (
            await decide(api, moderator, dismissed["id"], "approve", "topic")
        ).status_code == 200
    older = await post(api, author, thread, "Zuerst gemeldet")
    newer = await post(api, author, thread, "Später gemeldet")
    await flag(app, db, doubtful, older["id"])
    await flag(app, db, trusted, newer["id"])
    url = "/api/v1/moderation/queue"
    oldest = (await api.request(moderator, "GET", url)).json()["items"]
    weighted = (await api.request(moderator, "GET", url + "?sort=weight")).json()["items"]
    assert [i["id"] for i in oldest] == [older["id"], newer["id"]]
    assert [i["id"] for i in weighted] == [newer["id"], older["id"]]
    assert weighted[0]["flag_weight"] > weighted[1]["flag_weight"]


async def test_flags_through_the_api_hide_the_comment_at_the_threshold(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, "Streitbarer Beitrag")
    url = f"/api/v1/comments/{comment['id']}/flags"
    for _ in range(3):
        response = await api.request(await make_user(), "POST", url, json={"reason": "insult"})
        assert response.status_code in (200, 201), response.text
    assert await status_of(db, comment["id"]) == "hidden"
    queue = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()["items"]
    assert [(i["id"], i["flags"]) for i in queue] == [(comment["id"], {"insult": 3})]
