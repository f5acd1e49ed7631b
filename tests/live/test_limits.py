"""Sockets per client address, on a real uvicorn server (all clients here come from 127.0.0.1)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from dialog.accounts.models import User
from dialog.db import Database
from dialog.live.limits import TOO_MANY_SOCKETS, SocketsPerAddress
from tests import factories
from tests.live.harness import WAIT, emit, frames, subscribe, until_listening

ANONYMOUS_ALLOWANCE = 50  # the default of DIALOG_LIVE_SOCKETS_PER_ADDRESS


async def refusal(client: ClientConnection) -> tuple[int, str]:
    """The close code and reason of a socket the server closes at once."""
    with pytest.raises(ConnectionClosed) as closed:
        await frames(client, 1)
    received = closed.value.rcvd
    assert received is not None
    return received.code, received.reason


async def open_anonymous(app: Starlette, url: str, count: int) -> list[ClientConnection]:
    clients = [await subscribe(url, ["thread:1"], since=None) for _ in range(count)]
    await until_listening(app, count)
    return clients


async def test_the_socket_after_the_fiftieth_anonymous_one_of_an_address_is_closed_with_1013(
    app: Starlette, db: Database, live_url: str
) -> None:
    held = await open_anonymous(app, live_url, ANONYMOUS_ALLOWANCE)
    extra = await connect(live_url, open_timeout=WAIT)
    assert await refusal(extra) == (
        TOO_MANY_SOCKETS,
        "Too many live connections from this address.",
    )
    event = await emit(db, "thread:1", n=1)
    assert [f["id"] for f in await frames(held[-1], 1)] == [event]
    for client in held:
        await client.close()


async def test_a_socket_that_ends_makes_room_for_the_next_one_from_its_address(
    app: Starlette, db: Database, live_url: str
) -> None:
    held = await open_anonymous(app, live_url, ANONYMOUS_ALLOWANCE)
    await held.pop().close()
    await until_released(app, ANONYMOUS_ALLOWANCE - 1)
    later = await subscribe(live_url, ["thread:1"], since=None)
    await until_listening(app, ANONYMOUS_ALLOWANCE)
    event = await emit(db, "thread:1", n=1)
    assert [f["id"] for f in await frames(later, 1)] == [event]
    for client in [*held, later]:
        await client.close()


async def test_signed_in_sockets_have_their_own_allowance_beside_the_anonymous_one(
    app: Starlette, db: Database, live_url: str, make_user: Callable[..., Awaitable[User]]
) -> None:
    held = await open_anonymous(app, live_url, ANONYMOUS_ALLOWANCE)
    token = await factories.token(db, await make_user())
    signed_in = await subscribe(
        live_url,
        ["thread:1"],
        since=None,
        additional_headers={"Authorization": f"Bearer {token}"},
    )
    await until_listening(app, ANONYMOUS_ALLOWANCE + 1)
    event = await emit(db, "thread:1", n=1)
    assert [f["id"] for f in await frames(signed_in, 1)] == [event]
    for client in [*held, signed_in]:
        await client.close()


async def until_released(app: Starlette, count: int) -> None:
    """Wait until the server counts this many anonymous sockets from loopback."""
    sockets: SocketsPerAddress = app.state.services.live.sockets
    async with asyncio.timeout(WAIT):
        while sockets.open_from("127.0.0.1", signed_in=False) > count:
            await asyncio.sleep(0.01)


def test_each_allowance_counts_its_own_sockets_and_frees_a_place_on_release() -> None:
    sockets = SocketsPerAddress(anonymous=2, signed_in=3)
    assert [sockets.admit("10.0.0.1", signed_in=False) for _ in range(3)] == [True, True, False]
    assert [sockets.admit("10.0.0.1", signed_in=True) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert sockets.admit("10.0.0.2", signed_in=False)
    sockets.release("10.0.0.1", signed_in=False)
    assert sockets.admit("10.0.0.1", signed_in=False)
    assert not sockets.admit("10.0.0.1", signed_in=False)


def test_an_address_without_open_sockets_is_forgotten() -> None:
    sockets = SocketsPerAddress(anonymous=1, signed_in=1)
    sockets.admit("10.0.0.1", signed_in=False)
    sockets.release("10.0.0.1", signed_in=False)
    assert sockets.open_from("10.0.0.1", signed_in=False) == 0
    assert len(sockets) == 0
