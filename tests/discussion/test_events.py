"""verify_action: the old snapshot of a thread plus the emitted events equals a fresh fetch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette

from dialog.db import Database
from dialog.procedures.models import Thread
from tests import factories
from tests.discussion.helpers import MakeUser, events_after, last_event_id, post

Snapshot = dict[int, dict[str, Any]]
TEXTLESS = {"html": "", "stance": None, "author": None}


async def snapshot(api: factories.ApiAs, thread_id: int) -> Snapshot:
    listing = await api.request(None, "GET", f"/api/v1/threads/{thread_id}/comments?limit=100")
    return {item["id"]: item for item in listing.json()["items"]}


def apply(state: Snapshot, type_: str, data: dict[str, Any]) -> None:
    """What a client does with each event type (the README documents the same rules)."""
    if type_ == "comment.published":
        state[data["id"]] = dict(data)
        if data["parent_id"] in state:
            state[data["parent_id"]]["replies"] += 1
    elif type_ == "comment.edited":
        state[data["id"]] = {**dict(data), "replies": state[data["id"]]["replies"]}
    elif type_ == "votes.changed":
        state[data["id"]].update(up=data["up"], down=data["down"])
    elif type_ in ("comment.withdrawn", "comment.hidden"):
        item = state[data["id"]]
        item.update(status=data["status"], **TEXTLESS)
        if item["parent_id"] in state:
            state[item["parent_id"]]["replies"] -= 1
    else:
        raise AssertionError(f"unexpected event {type_}")


async def verify_action(
    api: factories.ApiAs,
    db: Database,
    app: Starlette,
    thread: Thread,
    action: Callable[[], Awaitable[object]],
) -> list[str]:
    before_state = await snapshot(api, thread.id)
    before = await last_event_id(db)
    await action()
    await app.state.services.vote_events.flush()
    emitted = [e for e in await events_after(db, before) if e.topic == f"thread:{thread.id}"]
    for event in emitted:
        apply(before_state, event.type, event.data)
    assert before_state == await snapshot(api, thread.id)
    return [e.type for e in emitted]


async def test_every_thread_event_turns_the_old_snapshot_into_the_new_one(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database, app: Starlette
) -> None:
    author, voter = await make_user(), await make_user()
    made: dict[str, Any] = {}

    async def post_top() -> None:
        made["top"] = await post(api, author, thread.id, "Mehr Radwege", stance="for")

    async def reply() -> None:
        made["reply"] = await post(api, voter, thread.id, "Ja!", parent_id=made["top"]["id"])

    async def vote() -> None:
        url = f"/api/v1/comments/{made['top']['id']}/vote"
        assert (await api.request(voter, "PUT", url, json={"value": 1})).status_code == 200

    async def edit() -> None:
        url = f"/api/v1/comments/{made['top']['id']}"
        response = await api.request(author, "PATCH", url, json={"body": "Mehr *Radwege*"})
        assert response.status_code == 200

    async def withdraw() -> None:
        url = f"/api/v1/comments/{made['reply']['id']}/withdraw"
        assert (await api.request(voter, "POST", url)).status_code == 200

    assert await verify_action(api, db, app, thread, post_top) == ["comment.published"]
    assert await verify_action(api, db, app, thread, reply) == ["comment.published"]
    assert await verify_action(api, db, app, thread, vote) == ["votes.changed"]
    assert await verify_action(api, db, app, thread, edit) == ["comment.edited"]
    assert await verify_action(api, db, app, thread, withdraw) == ["comment.withdrawn"]
