"""One-click unsubscribe (RFC 8058): a link signed with the app's secret names a person and
what they stop receiving; it works without signing in and never expires.

Accounts' own links (verification, reset) are random tokens stored as hashes because they
grant sign-in; this one grants only "stop mailing me", so an HMAC over the content suffices
and nothing needs storing per mail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from dialog.notifications.kinds import DEFAULTS, Kind, Mode

# What a link turns off: one kind, every kind on a digest, or all mail notifications.
SCOPES = frozenset({*(k.value for k in Kind), Mode.daily.value, Mode.weekly.value, "all"})


def _signature(secret: str, message: str) -> str:
    digest = hmac.new(
        secret.encode(), b"dialog.unsubscribe:" + message.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def token(secret: str, user_id: int, scope: str) -> str:
    if scope not in SCOPES:
        raise ValueError(f"unsubscribe scope {scope!r}")
    message = f"{user_id}.{scope}"
    return f"{message}.{_signature(secret, message)}"


def read(secret: str, raw: str) -> tuple[int, str] | None:
    """(user id, scope) of a well-signed token, else None."""
    parts = raw.split(".")
    if len(parts) != 3 or not (parts[0].isascii() and parts[0].isdigit()) or len(parts[0]) > 10:
        return None
    user_id, scope, signature = int(parts[0]), parts[1], parts[2]
    if scope not in SCOPES or not 0 < user_id < 2**31:
        return None
    if not hmac.compare_digest(signature, _signature(secret, f"{user_id}.{scope}")):
        return None
    return user_id, scope


def turned_off(scope: str, chosen: dict[str, str]) -> dict[str, str]:
    """The choices after unsubscribing from `scope` (only the kinds it covers change)."""
    changed = {}
    for kind in Kind:
        mode = chosen.get(kind.value) or DEFAULTS[kind].value
        if scope in ("all", kind.value) or scope == mode:
            changed[kind.value] = Mode.off.value
    return changed
