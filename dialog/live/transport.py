"""The socket server's side of the fan-out: write one pre-framed event to many sockets.

A text frame from server to client is not masked, so its bytes are the same for every socket:
the fan-out frames each event once (`text_frame`) and hands those bytes straight to each
socket's transport, below ASGI. Through ASGI every socket would cost a message dict, the
middleware's `send` wrappers, an encode and websockets' own framing, once per socket per event.

`FrameWriterProtocol` is uvicorn's sans-I/O WebSocket protocol plus one ASGI scope extension,
`dialog.frames`, with `write(frame) -> bool` and `buffered() -> int`. Servers without it
(another ASGI server, the test client) get the plain ASGI path.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

FRAMES_EXTENSION = "dialog.frames"
MAX_FRAME = 64 * 1024


class FrameWriter(TypedDict):
    write: Callable[[bytes], bool]
    buffered: Callable[[], int]


def text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (RFC 6455, 5.2)."""
    size = len(payload)
    if size < 126:
        head = bytes((0x81, size))
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, size)
    else:
        head = struct.pack("!BBQ", 0x81, 127, size)
    return head + payload


def frame_writer(scope: Mapping[str, Any]) -> FrameWriter | None:
    writer: FrameWriter | None = scope.get("extensions", {}).get(FRAMES_EXTENSION)
    return writer


class FrameWriterProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)  # unset when the handshake was refused
        if scope is not None:
            writer: FrameWriter = {"write": self.write_frame, "buffered": self.buffered}
            scope["extensions"][FRAMES_EXTENSION] = writer

    def write_frame(self, frame: bytes) -> bool:
        """Write a complete frame; False once the socket is closing or gone."""
        if (
            not self.handshake_complete
            or self.disconnected
            or self.close_sent
            or self.transport.is_closing()
        ):
            return False
        self.transport.write(frame)
        return True

    def buffered(self) -> int:
        """Bytes written but not yet taken by the kernel: grows while the reader is slow."""
        return int(self.transport.get_write_buffer_size())


def uvicorn_websocket_options() -> dict[str, Any]:
    """The WebSocket settings every server of ours runs with (CLI, tests, benchmarks)."""
    return {
        "ws": FrameWriterProtocol,
        "ws_max_size": MAX_FRAME,  # frames over 64 KiB are refused (the app checks it too)
        # One event goes to thousands of sockets; compressing it once per socket costs more
        # CPU than the fan-out itself, and the frames are small.
        "ws_per_message_deflate": False,
    }
