"""Reads for departments, districts, methods, procedures and threads."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from dialog.accounts.actor import Actor
from dialog.procedures.models import (
    Department,
    District,
    Method,
    Procedure,
    ProcedureImage,
    Status,
    Thread,
    procedure_districts,
)
from dialog.procedures.schemas import ProcedureFilters
from dialog.review.policy import NOT_PUBLIC, can_see_procedure

PHASE_ORDER = {"active": 0, "planned": 1, "evaluation": 2, "completed": 3}


async def departments(session: AsyncSession) -> Sequence[Department]:
    return (await session.scalars(select(Department).order_by(Department.name))).all()


async def districts(session: AsyncSession) -> Sequence[District]:
    return (await session.scalars(select(District).order_by(District.name))).all()


async def methods(session: AsyncSession) -> Sequence[Method]:
    return (await session.scalars(select(Method).order_by(Method.name))).all()


async def department_by_slug(session: AsyncSession, slug: str) -> Department | None:
    return await session.scalar(select(Department).where(Department.slug == slug))


async def districts_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> Sequence[District]:
    if not slugs:
        return []
    return (await session.scalars(select(District).where(District.slug.in_(slugs)))).all()


async def method_by_slug(session: AsyncSession, slug: str) -> Method | None:
    return await session.scalar(select(Method).where(Method.slug == slug))


def _filtered(filters: ProcedureFilters) -> Select[Procedure]:
    query = select(Procedure).where(Procedure.status == Status.public)
    if filters.phase:
        query = query.where(Procedure.phase == filters.phase)
    if filters.level:
        query = query.where(Procedure.level == filters.level)
    if filters.initiator:
        query = query.where(Procedure.initiator == filters.initiator)
    if filters.department:
        query = query.join(Department, Department.id == Procedure.department_id).where(
            Department.slug == filters.department
        )
    if filters.district:
        query = query.where(
            Procedure.id.in_(
                select(procedure_districts.c.procedure_id)
                .join(District, District.id == procedure_districts.c.district_id)
                .where(District.slug == filters.district)
            )
        )
    if filters.q:
        pattern = "%" + filters.q.lower().replace("\\", "").replace("%", "").replace("_", " ") + "%"
        query = query.where(
            or_(
                func.lower(Procedure.title).like(pattern),
                func.lower(Procedure.summary).like(pattern),
            )
        )
    return query


async def list_procedures(
    session: AsyncSession, filters: ProcedureFilters
) -> tuple[Sequence[Procedure], int]:
    base = _filtered(filters)
    total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
    order = {
        "updated": (Procedure.updated_at.desc(), Procedure.id.desc()),
        "title": (Procedure.title, Procedure.id),
        "start": (Procedure.created_at.desc(), Procedure.id.desc()),
    }[filters.sort]
    rows = await session.scalars(
        base.options(joinedload(Procedure.department), selectinload(Procedure.districts))
        .order_by(*order)
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    return list(rows.unique().all()), total


async def procedures_in_phase(session: AsyncSession, phase: str, limit: int) -> Sequence[Procedure]:
    rows = await session.scalars(
        select(Procedure)
        .where(Procedure.phase == phase, Procedure.status == Status.public)
        .options(joinedload(Procedure.department), selectinload(Procedure.districts))
        .order_by(Procedure.updated_at.desc())
        .limit(limit)
    )
    return rows.unique().all()


def _full() -> Select[Procedure]:
    return select(Procedure).options(
        joinedload(Procedure.department),
        joinedload(Procedure.method),
        selectinload(Procedure.districts),
        selectinload(Procedure.phases),
        selectinload(Procedure.links),
        selectinload(Procedure.threads),
    )


async def procedure(session: AsyncSession, key: int | str) -> Procedure | None:
    """By id, or by slug so pages can use readable addresses."""
    if isinstance(key, int) or (key.isascii() and key.isdigit()):
        condition = Procedure.id == int(key)
    else:
        condition = Procedure.slug == key
    found: Procedure | None = await session.scalar(_full().where(condition))
    return found


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    return await session.scalar(select(Procedure.id).where(Procedure.slug == slug)) is not None


async def thread_ids(session: AsyncSession, procedure_id: int) -> list[int]:
    found = await session.scalars(select(Thread.id).where(Thread.procedure_id == procedure_id))
    return list(found)


async def thread(session: AsyncSession, thread_id: int) -> Thread | None:
    return await session.scalar(
        select(Thread)
        .where(Thread.id == thread_id)
        .options(joinedload(Thread.procedure).joinedload(Procedure.department))
    )


async def threads_withheld_from(
    session: AsyncSession, actor: Actor, thread_ids: Sequence[int]
) -> list[int]:
    """The threads among these whose procedure the actor may not see (a draft, or one in the
    office's review): for the actor they do not exist, live topics included."""
    if not thread_ids:
        return []
    rows = await session.execute(
        select(Thread.id, Procedure.status, Procedure.department_id)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .where(Thread.id.in_(thread_ids), Procedure.status.in_(NOT_PUBLIC))
    )
    return sorted(
        thread_id
        for thread_id, status, department_id in rows
        if not can_see_procedure(actor, status, department_id)
    )


async def image(session: AsyncSession, procedure_id: int) -> ProcedureImage | None:
    return await session.get(ProcedureImage, procedure_id)
