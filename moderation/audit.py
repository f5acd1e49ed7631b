"""The audit log: append-only rows chained by SHA-256, and the check that the chain holds."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.db import UnitOfWork, utcnow
from moderation.models import AuditEntry

GENESIS = "0" * 64


def canonical(
    entry_id: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    subject: str,
    data: dict[str, Any],
) -> bytes:
    return json.dumps(
        {
            "id": entry_id,
            "created_at": created_at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "action": action,
            "subject": subject,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def digest(entry: AuditEntry) -> str:
    payload = canonical(
        entry.id, entry.created_at, entry.actor_id, entry.action, entry.subject, entry.data
    )
    return hashlib.sha256(payload + entry.prev_hash.encode()).hexdigest()


async def append(
    uow: UnitOfWork, actor_id: int | None, action: str, subject: str, data: dict[str, Any]
) -> AuditEntry:
    session = uow.session
    if session.get_bind().dialect.name == "postgresql":
        # One writer at a time extends the chain; SQLite writers hold the database lock anyway.
        await session.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    last = await session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=actor_id,
        action=action,
        subject=subject,
        # Round-trip through JSON so the hash is computed over what the database gives back.
        data=json.loads(json.dumps(data, default=str)),
        prev_hash=last or GENESIS,
        hash="",
    )
    session.add(entry)
    await session.flush()
    entry.hash = digest(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    checked: int
    broken_at: int | None  # id of the first row that does not match

    @property
    def ok(self) -> bool:
        return self.broken_at is None


async def verify(session: AsyncSession) -> Verification:
    previous = GENESIS
    checked = 0
    result = await session.stream_scalars(select(AuditEntry).order_by(AuditEntry.id))
    async for entry in result:
        if entry.prev_hash != previous or digest(entry) != entry.hash:
            return Verification(checked, entry.id)
        previous = entry.hash
        checked += 1
    return Verification(checked, None)
