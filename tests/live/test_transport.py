"""Frames written once and sent to every socket below ASGI; the 25 s heartbeat."""

from __future__ import annotations

import asyncio
import json
import struct

import pytest
from starlette.applications import Starlette

from dialog.db import Committed, Database, utcnow
from dialog.live import queries as live_queries
from dialog.live.models import Event
from dialog.live.service import Live
from dialog.live.transport import text_frame
from dialog.procedures.models import Thread
from tests import factories
from tests.discussion.helpers import MakeUser, counting_queries, post
from tests.live.harness import emit, frames, subscribe, until_listening


@pytest.mark.parametrize("size", [0, 125, 126, 65_535, 65_536, 70_000])
def test_a_text_frame_carries_its_length_as_rfc_6455_says(size: int) -> None:
    payload = b"x" * size
    frame = text_frame(payload)
    assert frame[0] == 0x81  # FIN + text opcode; no mask bit from a server
    if size < 126:
        assert frame[1] == size and frame[2:] == payload
    elif size < 65_536:
        assert frame[1] == 126 and struct.unpack("!H", frame[2:4])[0] == size
        assert frame[4:] == payload
    else:
        assert frame[1] == 127 and struct.unpack("!Q", frame[2:10])[0] == size
        assert frame[10:] == payload


async def test_sockets_on_our_server_get_events_as_pre_built_frames(
    app: Starlette, db: Database, live_url: str
) -> None:
    clients = [await subscribe(live_url, ["thread:1"], since=None) for _ in range(3)]
    await until_listening(app, 3)
    assert all(c.writes_frames for c in app.state.services.live.fanout.connections)
    ids = [await emit(db, "thread:1", n=n, text="Grüße aus Babelsberg") for n in range(5)]
    for client in clients:
        got = await frames(client, 5)
        assert [f["id"] for f in got] == ids
        assert got[0]["data"] == {"n": 0, "text": "Grüße aus Babelsberg"}
        await client.close()


@pytest.fixture
def quick_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Live, "heartbeat_seconds", 0.2)


async def test_an_idle_socket_gets_a_ping_every_heartbeat(
    quick_heartbeat: None, app: Starlette, live_url: str
) -> None:
    assert app.state.services.live.heartbeat_seconds == 0.2
    client = await subscribe(live_url, ["thread:1"], since=None)
    await until_listening(app, 1)
    async with asyncio.timeout(5):
        pings = [json.loads(await client.recv()) for _ in range(3)]
    assert pings == [{"type": "ping"}] * 3
    await client.send(json.dumps({"type": "pong"}))  # answering is allowed, and ignored
    async with asyncio.timeout(5):
        assert json.loads(await client.recv()) == {"type": "ping"}
    await client.close()


async def test_stopping_lets_the_fanout_and_pruning_finish_instead_of_cancelling_them(
    app: Starlette,
) -> None:
    """A database call cancelled midway can leave its connection behind after shutdown."""
    live: Live = app.state.services.live
    await live.stop()
    tasks = {task.get_name(): task for task in live._tasks}
    assert all(task.done() for task in tasks.values())
    assert not tasks["dialog-fanout"].cancelled()
    assert not tasks["dialog-prune"].cancelled()
    assert not tasks["dialog-heartbeat"].cancelled()


async def test_events_committed_here_go_out_without_being_read_back_from_the_outbox(
    app: Starlette, api: factories.ApiAs, db: Database, make_user: MakeUser, thread: Thread
) -> None:
    live: Live = app.state.services.live
    author = await make_user()
    await api.headers(author)  # the token exists before counting
    # Durable consumers (opinion groups, ...) read the outbox by design; this is about the fan-out.
    await app.state.services.background.stop()
    with counting_queries(db, every_task=True) as statements:
        await post(api, author, thread.id, "Schon unterwegs")
        await asyncio.sleep(0.05)  # the fan-out's turn
    async with db.reading() as session:
        latest = await live_queries.latest_event_id(session)
    assert live.fanout.high_water == latest > 0
    assert not [s for s in statements if "FROM events" in s], statements


async def test_an_event_committed_here_counts_as_seen_before_the_hub_names_it(
    app: Starlette,
) -> None:
    """Under parallel posts the fan-out is often awake already, about to take the ids the hub
    named, when the next commit tells it its events: it must hold them as seen at once (at the
    next turn of the loop it had read them back from the outbox, one in nine posts in the
    posting benchmark)."""
    fanout = app.state.services.live.fanout
    seen = fanout.high_water
    event = Event(id=seen + 1, topic="thread:1", type="test", data={}, created_at=utcnow())
    fanout.committed(Committed([event], frozenset({"thread:1"})))
    assert fanout.high_water == seen + 1  # no turn of the loop in between
