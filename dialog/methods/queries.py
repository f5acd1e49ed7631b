"""Reads for the toolkit: methods, filtered by the guide, and the procedures using each."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.methods.schemas import Guide
from dialog.procedures.models import Method, Procedure, Status

ORDER = {"low": 0, "short": 0, "medium": 1, "high": 2, "long": 2}


async def methods(session: AsyncSession, guide: Guide) -> Sequence[Method]:
    query = select(Method).order_by(Method.name)
    if guide.level:
        query = query.where(Method.level == guide.level)
    if guide.effort:
        query = query.where(
            Method.effort.in_([e for e, n in ORDER.items() if n <= ORDER[guide.effort]])
        )
    if guide.duration:
        allowed = [d for d in ("short", "medium", "long") if ORDER[d] <= ORDER[guide.duration]]
        query = query.where(Method.duration.in_([*allowed, ""]))
    return (await session.scalars(query)).all()


async def method(session: AsyncSession, slug: str) -> Method | None:
    return await session.scalar(select(Method).where(Method.slug == slug))


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    return await session.scalar(select(Method.id).where(Method.slug == slug)) is not None


async def procedures_by_method(session: AsyncSession) -> dict[int, list[tuple[int, str]]]:
    """The public procedures that use each method."""
    rows = await session.execute(
        select(Procedure.method_id, Procedure.id, Procedure.title)
        .where(Procedure.method_id.is_not(None), Procedure.status == Status.public)
        .order_by(Procedure.title)
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for method_id, procedure_id, title in rows.all():
        if method_id is not None:
            found.setdefault(method_id, []).append((procedure_id, title))
    return found
