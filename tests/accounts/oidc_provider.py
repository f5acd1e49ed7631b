"""The real OpenID provider (oidc-provider-mock) on a loopback port, with PKCE enforced.

The mock does not check PKCE itself, so a small WSGI wrapper remembers each code's S256
challenge and refuses a token request whose verifier does not match: our client's PKCE is
then tested end to end.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import oidc_provider_mock
import werkzeug.serving

WSGIApp = Any


class PkceEnforcer:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.challenges: dict[str, str] = {}
        self.refused = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/authorize":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            challenge = (query.get("code_challenge") or [""])[0]
            method = (query.get("code_challenge_method") or [""])[0]

            def remember(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
                for name, value in headers:
                    if name.lower() == "location":
                        code = (parse_qs(urlsplit(value).query).get("code") or [""])[0]
                        if code:
                            self.challenges[code] = challenge if method == "S256" else ""
                return start_response(status, headers, *rest)

            return self.app(environ, remember)  # type: ignore[no-any-return]
        if path == "/oauth2/token":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(size)
            form = parse_qs(body.decode())
            code = (form.get("code") or [""])[0]
            verifier = (form.get("code_verifier") or [""])[0]
            digest = hashlib.sha256(verifier.encode()).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if code in self.challenges and self.challenges[code] != expected:
                self.refused += 1
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [b'{"error": "invalid_grant", "error_description": "PKCE mismatch"}']
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)  # type: ignore[no-any-return]


@contextmanager
def running_provider() -> Iterator[tuple[str, PkceEnforcer]]:
    wrapped = PkceEnforcer(oidc_provider_mock.app(require_nonce=True))
    server = werkzeug.serving.make_server("localhost", 0, wrapped, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", wrapped
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
