"""The /api/v1/live socket on a real uvicorn server, driven by the websockets client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import update
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed, InvalidStatus

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.live.models import Event
from dialog.procedures.models import Department
from tests import factories
from tests.any_events import emit_any
from tests.live.harness import (
    StalledReader,
    consumers_caught_up,
    emit,
    frames,
    subscribe,
    until_listening,
)


async def test_events_arrive_in_id_order_with_topic_type_and_data(
    app: Starlette, db: Database, live_url: str
) -> None:
    client = await subscribe(live_url, ["thread:1"], since=None)
    await until_listening(app, 1)
    ids = [await emit(db, "thread:1", "comment.published", n=n) for n in range(5)]
    received = await frames(client, 5)
    assert [f["id"] for f in received] == ids
    assert received[0] == {
        "id": ids[0],
        "topic": "thread:1",
        "type": "comment.published",
        "data": {"n": 0},
    }
    await client.close()


async def test_a_socket_hears_only_the_topics_it_subscribed_to(
    app: Starlette, db: Database, live_url: str
) -> None:
    client = await subscribe(live_url, ["thread:2"], since=None)
    await until_listening(app, 1)
    await emit(db, "thread:3", n=1)
    wanted = await emit(db, "thread:2", n=2)
    assert [f["id"] for f in await frames(client, 1)] == [wanted]
    await client.close()


async def test_subscribing_with_since_replays_newer_events_of_those_topics_then_streams(
    app: Starlette, db: Database, live_url: str
) -> None:
    seen = await emit(db, "thread:1", n=0)
    missed = [await emit(db, "thread:1", n=1), await emit(db, "thread:1", n=2)]
    await emit(db, "thread:9", n=3)
    client = await subscribe(live_url, ["thread:1"], since=seen)
    replayed = await frames(client, 2)
    later = await emit(db, "thread:1", n=4)
    streamed = await frames(client, 1)
    assert [f["id"] for f in replayed + streamed] == [*missed, later]
    await client.close()


async def test_since_zero_replays_every_kept_event_of_the_topic(
    db: Database, live_url: str
) -> None:
    ids = [await emit(db, "thread:4", n=n) for n in range(3)]
    client = await subscribe(live_url, ["thread:4"], since=0)
    assert [f["id"] for f in await frames(client, 3)] == ids
    await client.close()


async def test_a_cursor_whose_event_was_pruned_gets_a_reset(
    app: Starlette, db: Database, live_url: str
) -> None:
    old = await emit(db, "thread:1", n=0)
    await consumers_caught_up(db, await emit(db, "thread:1", n=1))
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Event).where(Event.id == old).values(created_at=utcnow() - timedelta(days=30))
        )
    assert await app.state.services.live.prune() == 1
    client = await subscribe(live_url, ["thread:1"], since=old)
    assert await frames(client, 1) == [{"type": "reset"}]
    await client.close()


async def test_a_cursor_older_than_the_retention_window_gets_a_reset(
    db: Database, live_url: str
) -> None:
    old = await emit(db, "thread:1", n=0)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Event).where(Event.id == old).values(created_at=utcnow() - timedelta(days=8))
        )
    client = await subscribe(live_url, ["thread:1"], since=old)
    assert await frames(client, 1) == [{"type": "reset"}]
    await client.close()


async def test_pruning_keeps_events_inside_the_retention_window(
    app: Starlette, db: Database
) -> None:
    await emit(db, "thread:1", n=0)
    assert await app.state.services.live.prune() == 0


async def test_a_foreign_origin_is_refused_at_the_handshake(live_url: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await subscribe(live_url, ["thread:1"], origin="https://evil.example")
    assert refused.value.response.status_code == 403


async def test_the_configured_origin_and_the_hosts_own_origin_are_accepted(
    db: Database, live_url: str
) -> None:
    event = await emit(db, "thread:1", n=0)
    own = "http://" + live_url.split("/")[2]
    for origin in ("http://testserver", own):
        client = await subscribe(live_url, ["thread:1"], origin=origin)
        assert [f["id"] for f in await frames(client, 1)] == [event]
        await client.close()


async def test_a_frame_over_64_kib_closes_the_socket_with_1009(live_url: str) -> None:
    client = await subscribe(live_url, ["thread:1"], since=None)
    await client.send(json.dumps({"type": "subscribe", "topics": ["x" * 70_000]}))
    with pytest.raises(ConnectionClosed) as closed:
        await frames(client, 1)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_malformed_subscription_gets_an_error_naming_the_field(live_url: str) -> None:
    client = await subscribe(live_url, [], since=None)
    error = (await frames(client, 1))[0]
    assert error["type"] == "error" and error["message"].startswith("topics")
    with pytest.raises(ConnectionClosed) as closed:
        await frames(client, 1)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


@pytest.mark.parametrize("role", [None, "resident", "staff"])
async def test_only_moderators_may_listen_to_the_moderation_topic(
    db: Database,
    live_url: str,
    make_user: Callable[..., Awaitable[User]],
    department: Department,
    role: str | None,
) -> None:
    headers = {}
    if role is not None:
        member = await make_user(role, department if role == "staff" else None)
        token = await factories.token(db, member)
        headers = {"Authorization": f"Bearer {token}"}
    client = await subscribe(live_url, ["moderation"], additional_headers=headers)
    error = (await frames(client, 1))[0]
    assert error == {
        "type": "error",
        "message": "Not allowed to listen to this topic.",
        "topics": ["moderation"],
    }
    with pytest.raises(ConnectionClosed) as closed:
        await frames(client, 1)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_a_moderator_hears_the_moderation_topic(
    db: Database, live_url: str, make_user: Callable[..., Awaitable[User]]
) -> None:
    queued = await emit(db, "moderation", "comment.queued", id=1)
    token = await factories.token(db, await make_user("moderator"))
    client = await subscribe(
        live_url, ["moderation"], additional_headers={"Authorization": f"Bearer {token}"}
    )
    assert [f["type"] for f in await frames(client, 1)] == ["comment.queued"]
    assert queued
    await client.close()


async def test_a_user_topic_is_only_for_that_user(
    db: Database, live_url: str, make_user: Callable[..., Awaitable[User]]
) -> None:
    owner, other = await make_user(), await make_user()
    note = await emit(db, f"user:{owner.id}", "notification.created", id=1)
    token = await factories.token(db, other)
    auth = {"Authorization": f"Bearer {token}"}
    refused = await subscribe(live_url, [f"user:{owner.id}"], additional_headers=auth)
    assert (await frames(refused, 1))[0]["type"] == "error"
    own_token = await factories.token(db, owner)
    allowed = await subscribe(
        live_url, [f"user:{owner.id}"], additional_headers={"Authorization": f"Bearer {own_token}"}
    )
    assert [f["id"] for f in await frames(allowed, 1)] == [note]
    await allowed.close()


async def test_a_session_topic_cannot_be_subscribed_to(live_url: str) -> None:
    client = await subscribe(live_url, ["session:1"])
    assert (await frames(client, 1))[0]["type"] == "error"


async def test_session_ended_closes_the_sockets_of_that_session_with_4001(
    app: Starlette,
    db: Database,
    live_url: str,
    make_user: Callable[..., Awaitable[User]],
    browser_session: Callable[[User], Awaitable[str]],
    client: object,
) -> None:
    from dialog.accounts import queries as account_queries
    from dialog.accounts.secrets import token_hash

    resident = await make_user()
    await browser_session(resident)
    raw = client.cookies["dialog_session"]  # type: ignore[attr-defined]  # the httpx test client
    direct = app.state.services.direct
    session_of = account_queries.credential(account_queries.SESSION_CREDENTIAL, token_hash(raw))
    found = await direct.read(session_of)
    assert found is not None
    socket = await subscribe(
        live_url, ["thread:1"], since=None, additional_headers={"Cookie": f"dialog_session={raw}"}
    )
    bystander = await subscribe(live_url, ["thread:1"], since=None)
    await until_listening(app, 2)
    await emit(db, f"session:{found.id}", "session.ended")
    with pytest.raises(ConnectionClosed) as closed:
        await frames(socket, 1)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    later = await emit(db, "thread:1", n=1)
    assert [f["id"] for f in await frames(bystander, 1)] == [later]
    await bystander.close()


async def test_a_slow_reader_is_closed_with_4000_and_resumes_while_a_fast_one_gets_everything(
    app: Starlette, db: Database, live_url: str
) -> None:
    fast = await subscribe(live_url, ["thread:1"], since=None)
    slow = StalledReader(live_url)
    await slow.open(["thread:1"])
    await until_listening(app, 2)
    padding = "x" * 16_000
    ids: list[int] = []
    # The fast reader reads all along; the slow one reads nothing until the end.
    fast_frames = asyncio.create_task(frames(fast, 20 * 40))
    for _ in range(20):
        async with db.unit_of_work() as uow:
            for n in range(40):
                event = await emit_any(uow, "thread:1", "test.big", n=n, p=padding)
                ids.append(event.id)
    assert [f["id"] for f in await fast_frames] == ids
    got, code = await slow.read_all()
    assert code == 4000
    assert got == ids[: len(got)] and len(got) < len(ids)
    resumed = await subscribe(live_url, ["thread:1"], since=got[-1])
    assert [f["id"] for f in await frames(resumed, len(ids) - len(got))] == ids[len(got) :]
    await resumed.close()
    await fast.close()


async def test_a_subscription_beyond_50_topics_gets_an_error_and_closes_with_1008(
    live_url: str,
) -> None:
    client = await subscribe(live_url, [f"thread:{n}" for n in range(20)], since=None)
    for first in (20, 40):
        topics = [f"thread:{n}" for n in range(first, first + 20)]
        await client.send(json.dumps({"type": "subscribe", "topics": topics}))
    error = (await frames(client, 1))[0]
    assert error == {"type": "error", "message": "At most 50 topics per connection."}
    with pytest.raises(ConnectionClosed) as closed:
        await frames(client, 1)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        1008,
        "At most 50 topics per connection.",
    )


async def test_topics_subscribed_to_again_count_once_toward_the_50(
    app: Starlette, db: Database, live_url: str
) -> None:
    topics = [f"thread:{n}" for n in range(20)]
    client = await subscribe(live_url, topics, since=None)
    for _ in range(3):
        await client.send(json.dumps({"type": "subscribe", "topics": topics}))
    await client.send(json.dumps({"type": "subscribe", "topics": ["thread:20", "thread:21"]}))
    await until_listening(app, 1)
    async with asyncio.timeout(20):
        while not any("thread:21" in c.topics for c in app.state.services.live.fanout.connections):
            await asyncio.sleep(0.01)
    event = await emit(db, "thread:21", n=1)
    assert [f["id"] for f in await frames(client, 1)] == [event]
    await client.close()
