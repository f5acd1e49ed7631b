"""Over a real server and WebSocket: a held post arrives live only once approved."""

from __future__ import annotations

from starlette.applications import Starlette

from dialog.db import Database
from dialog.procedures.models import Procedure
from tests import factories
from tests.live.harness import frames, serving, subscribe, until_listening
from tests.moderation.helpers import MakeUser, decide, post

SECRET = "Erst nach Freigabe sichtbar"


async def test_a_held_post_reaches_readers_live_only_after_approval(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    token = (await api.headers(moderator))["Authorization"]
    async with serving(app) as url:
        reader = await subscribe(url, [f"thread:{held.id}"], since=0)
        watcher = await subscribe(
            url, ["moderation"], since=0, additional_headers={"Authorization": token}
        )
        await until_listening(app, 2)
        comment = await post(api, author, held, SECRET)
        queued = await frames(watcher, 1)
        assert [(f["type"], f["data"]["id"]) for f in queued] == [("comment.queued", comment["id"])]
        assert (await decide(api, moderator, comment["id"], "approve", "topic")).status_code == 200
        arrived = await frames(reader, 1)
        assert [(f["type"], f["data"]["id"]) for f in arrived] == [
            ("comment.published", comment["id"])
        ]
        assert SECRET in arrived[0]["data"]["html"]
        decided = await frames(watcher, 1)
        assert decided[0]["type"] == "comment.decided"
        await reader.close()
        await watcher.close()


async def test_a_late_reader_replays_no_held_or_rejected_text(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    rejected = await post(api, author, held, SECRET)
    assert (await decide(api, moderator, rejected["id"], "reject", "law")).status_code == 200
    approved = await post(api, author, held, "Freigegeben")
    assert (await decide(api, moderator, approved["id"], "approve", "topic")).status_code == 200
    async with serving(app) as url:
        reader = await subscribe(url, [f"thread:{held.id}"], since=0)
        replay = await frames(reader, 1)
        await reader.close()
    assert [(f["type"], f["data"]["id"]) for f in replay] == [("comment.published", approved["id"])]
