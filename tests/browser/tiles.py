"""A stand-in for the city's own tile server: every /tiles/{z}/{x}/{y}.png is one small PNG
(a light square with a grid line), served on loopback; it counts what it served."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw

TILE_PATH = re.compile(r"^/tiles/\d{1,2}/\d{1,7}/\d{1,7}\.png$")


def tile_png() -> bytes:
    image = Image.new("RGB", (256, 256), (232, 236, 230))
    ImageDraw.Draw(image).rectangle((0, 0, 255, 255), outline=(190, 196, 188))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class TileServer:
    template: str
    served: list[str] = field(default_factory=list)


@contextmanager
def tile_server() -> Iterator[TileServer]:
    png = tile_png()
    served: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not TILE_PATH.match(self.path):
                self.send_error(404)
                return
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield TileServer(f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png", served)
    finally:
        server.shutdown()
        server.server_close()
