"""Who is asking: resolved once per request from the session cookie or a bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from dialog.db import utcnow


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    role: str = "anonymous"  # anonymous | resident | moderator | office | staff | admin
    department_id: int | None = None
    display_name: str = ""
    via: Literal["anonymous", "session", "token"] = "anonymous"
    session_id: int | None = None
    blocked_until: datetime | None = None
    email_verified: bool = False

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def blocked(self) -> bool:
        return self.blocked_until is not None and self.blocked_until > utcnow()


ANONYMOUS = Actor()
