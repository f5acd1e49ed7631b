"""WebSocket /api/v1/live: Origin check, subscribe with `since`, replay, then stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.live.fanout import Connection, frame_of
from dialog.live.limits import TOO_MANY_SOCKETS, TOO_MANY_SOCKETS_REASON, client_address
from dialog.live.policy import (
    MAX_TOPICS,
    MAX_TOPICS_PER_SOCKET,
    can_subscribe,
    session_topic,
    thread_of,
    thread_topic,
    topic_count,
)
from dialog.live.service import Live
from dialog.live.transport import MAX_FRAME, frame_writer
from dialog.procedures.queries import threads_withheld_from
from dialog.settings import Settings
from dialog.web.ids import Whole
from dialog.web.services import services

Topic = Annotated[str, Field(min_length=1, max_length=60)]
MAX_CLOSE_REASON = 123  # bytes of UTF-8 a close frame's reason may hold (RFC 6455)


class Subscribe(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["subscribe"]
    topics: list[Topic] = Field(min_length=1, max_length=MAX_TOPICS)
    since: Whole | None = None  # an event id: within the database's integer range


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool:
    """Browsers always send Origin; it must be ours. Other clients send none (no ambient
    credentials to abuse) and are let through."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    own = f"{scheme}://{websocket.headers.get('host', '')}"
    return origin in (settings.origin, own)


async def live(scope: Scope, receive: Receive, send: Send) -> None:
    """A plain ASGI endpoint: event frames go straight to the server's `send`, without
    Starlette's per-message bookkeeping (it is the hot path: one call per socket per event)."""
    websocket = WebSocket(scope, receive, send)
    service: Live = services(websocket).live
    if not origin_allowed(websocket, services(websocket).settings):
        await websocket.close(code=1008)  # before accept: the handshake gets 403
        return
    await websocket.accept()
    actor: Actor = scope.get("state", {}).get("actor", ANONYMOUS)
    address, signed_in = client_address(scope), actor.user_id is not None
    if not service.sockets.admit(address, signed_in):
        await websocket.close(code=TOO_MANY_SOCKETS, reason=TOO_MANY_SOCKETS_REASON)
        return
    try:
        await _serve(websocket, service, actor, send)
    finally:
        service.sockets.release(address, signed_in)


async def _serve(websocket: WebSocket, service: Live, actor: Actor, send: Send) -> None:
    async def send_text(text: str) -> None:
        await send({"type": "websocket.send", "text": text})

    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            await websocket.close(code=code, reason=reason)

    connection = Connection(send_text, close, frame_writer(websocket.scope))
    if actor.session_id is not None:
        # Logout emits session.ended here; sockets of that session then close with 4001.
        service.fanout.add(connection, [session_topic(actor.session_id)])
    service.fanout.connections.add(connection)
    writer = asyncio.create_task(connection.run(service.fanout.settled))
    try:
        await _receive(websocket, service, connection, actor)
    except WebSocketDisconnect:
        pass
    finally:
        service.fanout.remove(connection)
        if not writer.done():
            if connection.close_code is None:
                writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError, OSError):
                await writer


class LiveEndpoint:
    # An instance, not a function: Starlette then passes scope, receive and send as they are.
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await live(scope, receive, send)


async def _receive(
    websocket: WebSocket, service: Live, connection: Connection, actor: Actor
) -> None:
    while connection.close_code is None:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw is None:
            raw = (message.get("bytes") or b"").decode("utf-8", "replace")
        if len(raw.encode()) > MAX_FRAME:
            connection.end(1009)
            return
        try:
            payload = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the stack
            await _refuse(connection, "The frame is not JSON.")
            return
        if isinstance(payload, dict) and payload.get("type") == "pong":
            continue
        try:
            request = Subscribe.model_validate(payload, strict=True)  # true is not 1
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "frame"
            await _refuse(connection, f"{where}: {first['msg']}")
            return
        refused = [t for t in request.topics if not can_subscribe(actor, t)]
        refused += await _withheld_threads(websocket, actor, request.topics)
        if refused:
            await _refuse(connection, "Not allowed to listen to this topic.", refused)
            return
        if topic_count(connection.topics, request.topics) > MAX_TOPICS_PER_SOCKET:
            await _refuse(connection, f"At most {MAX_TOPICS_PER_SOCKET} topics per connection.")
            return
        await service.subscribe(connection, request.topics, request.since)


async def _withheld_threads(websocket: WebSocket, actor: Actor, topics: list[str]) -> list[str]:
    """Topics of threads whose procedure the actor may not see (a draft, or one in review):
    their events are not public, so they are refused like a topic nobody may hear."""
    threads = [n for n in map(thread_of, topics) if n is not None]
    if not threads:
        return []
    async with services(websocket).db.reading() as session:
        withheld = await threads_withheld_from(session, actor, threads)
    return [thread_topic(n) for n in withheld]


async def _refuse(connection: Connection, message: str, topics: list[str] | None = None) -> None:
    error: dict[str, object] = {"type": "error", "message": message}
    if topics:
        error["topics"] = topics
    async with connection.lock:
        await connection.send_now(frame_of(error))
    reason = message.encode()[:MAX_CLOSE_REASON].decode("utf-8", "ignore")
    connection.end(1008, reason)


routes: list[BaseRoute] = [WebSocketRoute("/live", LiveEndpoint())]
