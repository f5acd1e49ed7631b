"""What other parts plug into concerns, wired in app.py (dialog never imports moderation).

`audit` appends one entry to the platform's audit log (moderation's hash chain) in the unit of
work of the change: (uow, actor id, action, subject such as "concern:12", data).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from dialog.db import UnitOfWork

Audit = Callable[[UnitOfWork, int | None, str, str, dict[str, Any]], Awaitable[object]]


async def no_audit(
    uow: UnitOfWork, actor_id: int | None, action: str, subject: str, data: dict[str, Any]
) -> None:
    return None


@dataclass(frozen=True)
class ConcernHooks:
    audit: Audit = no_audit
