"""Reads of saved searches."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from dialog.procedures.models import Procedure
from dialog.saved_searches.matching import ProcedureFacts
from dialog.saved_searches.models import SavedSearch, SavedSearchMatch


async def of_user(session: AsyncSession, user_id: int) -> Sequence[SavedSearch]:
    return (
        await session.scalars(
            select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.id)
        )
    ).all()


async def every(session: AsyncSession) -> Sequence[SavedSearch]:
    """All saved searches (a city has thousands at most; each is a few bytes of filters)."""
    return (await session.scalars(select(SavedSearch).order_by(SavedSearch.id))).all()


async def announced(session: AsyncSession, procedure_id: int) -> set[int]:
    """The saved searches that already announced this procedure."""
    found = await session.scalars(
        select(SavedSearchMatch.saved_search_id).where(
            SavedSearchMatch.procedure_id == procedure_id
        )
    )
    return set(found.all())


async def facts(session: AsyncSession, procedure_id: int) -> tuple[str, ProcedureFacts] | None:
    """The procedure's title and what the filters look at, or None if it is gone."""
    procedure = await session.scalar(
        select(Procedure)
        .where(Procedure.id == procedure_id)
        .options(joinedload(Procedure.department), selectinload(Procedure.districts))
    )
    if procedure is None:
        return None
    return procedure.title, ProcedureFacts(
        title=procedure.title,
        summary=procedure.summary,
        phase=procedure.phase,
        level=procedure.level,
        initiator=procedure.initiator,
        department=procedure.department.slug,
        districts=frozenset(d.slug for d in procedure.districts),
    )
