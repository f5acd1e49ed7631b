"""Odd subscribe frames get an error frame and a close with a reason, never a dropped socket."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed

from tests.live.harness import frames, subscribe


@pytest.mark.parametrize(
    "since", [2**31, 10**30, -1, True, "12", 1.5], ids=["2^31", "10^30", "-1", "true", "str", "1.5"]
)
async def test_a_since_out_of_range_gets_an_error_naming_it_and_a_close_with_a_reason(
    live_url: str, since: object
) -> None:
    client = await subscribe(live_url, ["thread:1"], since=None)
    await client.send(json.dumps({"type": "subscribe", "topics": ["thread:1"], "since": since}))
    error = (await frames(client, 1))[0]
    assert error["type"] == "error" and error["message"].startswith("since")
    with pytest.raises(ConnectionClosed) as closed:
        await frames(client, 1)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008 and closed.value.rcvd.reason.startswith("since")


@pytest.mark.parametrize(
    "frame",
    ["[" * 30_000 + "]" * 30_000, json.dumps({"type": "subscribe", "topics": ["thread:²"]})],
    ids=["nested", "odd-digit"],
)
async def test_a_deeply_nested_or_odd_frame_gets_an_error_and_a_close(
    live_url: str, frame: str
) -> None:
    client = await subscribe(live_url, ["thread:1"], since=None)
    await client.send(frame)
    error = (await frames(client, 1))[0]
    assert error["type"] == "error"
    with pytest.raises(ConnectionClosed) as closed:
        await frames(client, 1)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert closed.value.rcvd.reason
