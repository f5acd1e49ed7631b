"""How many live sockets one client address may hold open in this process.

The address is the one uvicorn puts into the ASGI scope: behind a reverse proxy that is the
proxy's, unless uvicorn trusts the proxy's X-Forwarded-For (`FORWARDED_ALLOW_IPS`; see README,
"Live events"). Signed-in people get their own, larger allowance: several of them share the
address of an office or a school, and their sockets are tied to accounts.
"""

from __future__ import annotations

from starlette.types import Scope

# Close code for a socket beyond the allowance: 1013 "Try Again Later" (RFC 6455 registry).
# live.js reconnects with its backoff, so a tab gets in once another socket of the address ends.
TOO_MANY_SOCKETS = 1013
TOO_MANY_SOCKETS_REASON = "Too many live connections from this address."


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class SocketsPerAddress:
    """Open sockets per (address, signed in); admit() and release() come in pairs."""

    def __init__(self, anonymous: int, signed_in: int) -> None:
        self._limits = {False: anonymous, True: signed_in}
        self._open: dict[tuple[str, bool], int] = {}

    def admit(self, address: str, signed_in: bool) -> bool:
        key = (address, signed_in)
        count = self._open.get(key, 0)
        if count >= self._limits[signed_in]:
            return False
        self._open[key] = count + 1
        return True

    def release(self, address: str, signed_in: bool) -> None:
        key = (address, signed_in)
        count = self._open.get(key, 0) - 1
        if count > 0:
            self._open[key] = count
        else:
            self._open.pop(key, None)

    def open_from(self, address: str, signed_in: bool) -> int:
        return self._open.get((address, signed_in), 0)

    def __len__(self) -> int:
        """How many (address, signed in) pairs hold sockets now."""
        return len(self._open)
