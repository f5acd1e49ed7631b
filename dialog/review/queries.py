"""Reads for the review and the office's overview."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialog.accounts.models import User
from dialog.procedures.models import Department, Procedure, ProcedurePhase, Status
from dialog.review.models import Check, ChecklistItem, Entry


async def checklist(session: AsyncSession, active_only: bool = True) -> Sequence[ChecklistItem]:
    query = select(ChecklistItem).order_by(ChecklistItem.position, ChecklistItem.id)
    if active_only:
        query = query.where(ChecklistItem.active.is_(True))
    return (await session.scalars(query)).all()


async def checked(session: AsyncSession, procedure_id: int) -> set[int]:
    return set(
        await session.scalars(select(Check.item_id).where(Check.procedure_id == procedure_id))
    )


async def history(session: AsyncSession, procedure_id: int) -> list[tuple[Entry, str]]:
    rows = await session.execute(
        select(Entry, User.display_name)
        .outerjoin(User, User.id == Entry.author_id)
        .where(Entry.procedure_id == procedure_id)
        .order_by(Entry.id)
    )
    return [(entry, name or "") for entry, name in rows.all()]


async def in_status(session: AsyncSession, status: str) -> Sequence[Procedure]:
    rows = await session.scalars(
        select(Procedure)
        .options(joinedload(Procedure.department))
        .where(Procedure.status == status)
        .order_by(Procedure.updated_at.desc())
    )
    return rows.unique().all()


async def support_requests(session: AsyncSession) -> Sequence[Procedure]:
    rows = await session.scalars(
        select(Procedure)
        .options(joinedload(Procedure.department))
        .where(Procedure.support_requested_at.is_not(None))
        .order_by(Procedure.support_requested_at)
    )
    return rows.unique().all()


async def ending_soon(
    session: AsyncSession, today: date, days: int = 14
) -> list[tuple[Procedure, date]]:
    """Public procedures whose current phase ends within `days`."""
    rows = await session.execute(
        select(Procedure, ProcedurePhase.ends_on)
        .join(
            ProcedurePhase,
            (ProcedurePhase.procedure_id == Procedure.id)
            & (ProcedurePhase.phase == Procedure.phase),
        )
        .options(joinedload(Procedure.department))
        .where(
            Procedure.status == Status.public,
            ProcedurePhase.ends_on.is_not(None),
            ProcedurePhase.ends_on >= today,
            ProcedurePhase.ends_on <= today + timedelta(days=days),
        )
        .order_by(ProcedurePhase.ends_on)
    )
    return [(p, ends) for p, ends in rows.unique().all() if ends is not None]


async def departments(session: AsyncSession) -> Sequence[Department]:
    return (await session.scalars(select(Department).order_by(Department.name))).all()


async def trusted(session: AsyncSession, department_id: int) -> bool:
    """Whether the department publishes without the office's review."""
    return bool(
        await session.scalar(select(Department.trusted).where(Department.id == department_id))
    )
