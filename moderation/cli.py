"""`dialog audit verify`: check the moderation audit log's hash chain."""

from __future__ import annotations

import argparse
import asyncio

from dialog.db import Database
from dialog.settings import Settings
from moderation import audit


async def verify(settings: Settings) -> audit.Verification:
    db = Database.for_settings(settings)
    try:
        async with db.reading() as session:
            return await audit.verify(session)
    finally:
        await db.dispose()


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    result = asyncio.run(verify(settings))
    if result.ok:
        print(f"dialog: audit log intact ({result.checked} entries)")
        return 0
    print(
        f"dialog: audit log BROKEN at entry #{result.broken_at} "
        f"({result.checked} entries before it are intact)"
    )
    return 3
