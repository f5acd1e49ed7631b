"""The fan-out sends a big topic's event in chunks and gives the event loop a turn between them,
in order, and without a repeat for a socket whose replay already brought the event."""

from __future__ import annotations

import asyncio
import json

from dialog.db import Committed, Database, utcnow
from dialog.live import fanout
from dialog.live.fanout import Connection, Fanout
from dialog.live.models import Event

SOCKETS = 3 * fanout.CHUNK + 10


class Socket:
    """A connection's ends: what was sent, in order."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text)["id"])

    async def close(self, code: int, reason: str) -> None:
        pass


def event(event_id: int, topic: str = "thread:1") -> Event:
    return Event(id=event_id, topic=topic, type="test.happened", data={}, created_at=utcnow())


def listening(hub: Fanout, topics: list[str]) -> tuple[Socket, Connection]:
    socket = Socket()
    connection = Connection(socket.send, socket.close)
    hub.add(connection, topics)
    return socket, connection


async def test_an_event_for_many_sockets_lets_the_loop_in_between_its_chunks(db: Database) -> None:
    hub = Fanout(db)
    sockets = [listening(hub, ["thread:1"])[0] for _ in range(SOCKETS)]
    reached: list[int] = []  # sockets served, as another task saw it at each of its turns

    async def meanwhile() -> None:
        while not reached or reached[-1] < SOCKETS:
            reached.append(sum(1 for s in sockets if s.sent))
            await asyncio.sleep(0)

    committed(hub, [event(1)])
    await asyncio.gather(meanwhile(), _sent(sockets, [1]))

    # another task ran while the event was on its way, once per chunk
    assert [n for n in reached if 0 < n < SOCKETS] == [fanout.CHUNK * k for k in (1, 2, 3)]
    assert all(s.sent == [1] for s in sockets)


async def test_events_reach_each_socket_in_order_across_topics(db: Database) -> None:
    hub = Fanout(db)
    both = [listening(hub, ["thread:1", "thread:2"])[0] for _ in range(SOCKETS)]
    committed(hub, [event(1, "thread:1"), event(2, "thread:2"), event(3, "thread:1")])
    await _sent(both, [1, 2, 3])
    assert all(s.sent == [1, 2, 3] for s in both)


async def test_an_event_still_on_its_way_is_not_settled(db: Database) -> None:
    """A socket that subscribes with a cursor while an event is on its way gets it from the
    replay; the replayed id must be remembered until the event went out, or it arrives twice."""
    hub = Fanout(db)
    sockets = [listening(hub, ["thread:1"])[0] for _ in range(SOCKETS)]
    committed(hub, [event(1)])
    await asyncio.sleep(0)  # chosen for delivery
    await asyncio.sleep(0)  # the first chunk went out
    assert hub.high_water == 1
    assert not hub.settled(1)
    await _sent(sockets, [1])
    assert hub.settled(1)


def committed(hub: Fanout, events: list[Event]) -> None:
    """As a commit of this process tells the fan-out (delivered on the loop's next turn)."""
    hub.committed(Committed(events, frozenset(e.topic for e in events)))


async def _sent(sockets: list[Socket], ids: list[int]) -> None:
    for _ in range(1_000):
        if all(s.sent == ids for s in sockets):
            return
        await asyncio.sleep(0)
    raise AssertionError("not every socket got every event")
