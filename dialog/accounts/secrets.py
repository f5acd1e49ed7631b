"""Random tokens that are shown once and stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
