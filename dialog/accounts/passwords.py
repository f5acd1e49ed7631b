"""argon2id password hashing."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dialog.i18n import lazy

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Compared against when the account does not exist, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


MIN_LENGTH = 10
MIN_LENGTH_PRIVILEGED = 15  # staff and admins: their accounts can change what residents see
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).with_name("common-passwords.txt")


@cache
def _common() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, role: str = "resident", email: str = "") -> str | None:
    """Why a new password is not acceptable (a message to translate), or None."""
    minimum = MIN_LENGTH_PRIVILEGED if role in ("staff", "admin") else MIN_LENGTH
    if len(password) < minimum:
        if minimum == MIN_LENGTH_PRIVILEGED:
            return lazy("Staff and administrators need a password of at least 15 characters.")
        return lazy("Please choose a password of at least 10 characters.")
    if len(password) > MAX_LENGTH:
        return lazy("Please choose a password of at most 128 characters.")
    lowered = password.lower()
    local = email.split("@", 1)[0].lower()
    if lowered in _common() or len(set(lowered)) < 4 or (len(local) >= 4 and local in lowered):
        return lazy("This password is too common or too easy to guess. Please choose another.")
    return None
