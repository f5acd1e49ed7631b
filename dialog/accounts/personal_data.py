"""Every package's part of a person's data: what the export lists, what erasure removes.

Accounts own the profile, sessions, tokens and consents; comments, notifications, mail, ideas
and complaints, proposals … belong to their packages, which accounts must not import. Each
package contributes a `Part`; the composition root hands the whole list to accounts as one
`PersonalData`, so adding a package that stores personal data is one line in `dialog/app.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialog.db import UnitOfWork

Export = Callable[[AsyncSession, int], Awaitable[dict[str, Any]]]
Erase = Callable[[UnitOfWork, int, bool], Awaitable[None]]
Renamed = Callable[[UnitOfWork, int], Awaitable[None]]


@dataclass(frozen=True)
class Part:
    name: str
    # The person's records, as plain JSON values under keys of the export (DSGVO Art. 15, 20).
    export: Export
    # Erase them when the account is deleted; the bool: remove what they wrote as well.
    erase: Erase
    # The display name changed: forget the old one wherever it was stored or cached.
    renamed: Renamed | None = None


class PersonalData:
    def __init__(self, parts: Sequence[Part]) -> None:
        names = [part.name for part in parts]
        if len(set(names)) != len(names):
            raise ValueError(f"personal data parts named twice: {names}")
        self.parts = tuple(parts)

    async def export(self, session: AsyncSession, user_id: int) -> dict[str, Any]:
        collected: dict[str, Any] = {}
        for part in self.parts:
            found = await part.export(session, user_id)
            clash = collected.keys() & found.keys()
            if clash:
                raise ValueError(f"{part.name} exports keys another part exports: {clash}")
            collected.update(found)
        return collected

    async def erase(self, uow: UnitOfWork, user_id: int, *, remove_content: bool) -> None:
        for part in self.parts:
            await part.erase(uow, user_id, remove_content)

    async def renamed(self, uow: UnitOfWork, user_id: int) -> None:
        for part in self.parts:
            if part.renamed is not None:
                await part.renamed(uow, user_id)
