"""Reads for proposals and their support."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from dialog.accounts.models import User
from dialog.organisations.models import Organisation
from dialog.procedures.models import District
from dialog.proposals.models import Proposal, State, Support, proposal_districts
from dialog.proposals.policy import PUBLIC
from dialog.proposals.schemas import ProposalFilters


def _loaded() -> Select[Proposal]:
    return select(Proposal).options(
        selectinload(Proposal.districts), joinedload(Proposal.department)
    )


async def proposal(session: AsyncSession, proposal_id: int) -> Proposal | None:
    found: Proposal | None = await session.scalar(
        _loaded().where(Proposal.id == proposal_id).execution_options(populate_existing=True)
    )
    return found


async def proposal_for_update(session: AsyncSession, proposal_id: int) -> Proposal | None:
    """The proposal, its row locked for the rest of the transaction (PostgreSQL; on SQLite the
    unit of work already holds the write lock): supports and decisions queue behind it."""
    found: Proposal | None = await session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found


def _filtered(filters: ProposalFilters, states: Iterable[str]) -> Select[Proposal]:
    query = _loaded().where(Proposal.state.in_(list(states)))
    if filters.state:
        query = query.where(Proposal.state == filters.state)
    if filters.district:
        query = query.where(
            Proposal.id.in_(
                select(proposal_districts.c.proposal_id)
                .join(District, District.id == proposal_districts.c.district_id)
                .where(District.slug == filters.district)
            )
        )
    return query


async def list_proposals(
    session: AsyncSession, filters: ProposalFilters, states: Iterable[str] = PUBLIC
) -> tuple[Sequence[Proposal], int]:
    base = _filtered(filters, states)
    total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = await session.scalars(
        base.order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    return rows.unique().all(), total


async def waiting_for_office(session: AsyncSession) -> Sequence[Proposal]:
    """Submitted ones to check, and published ones that reached the threshold or have the
    department's statement: the office's queue."""
    rows = await session.scalars(
        _loaded()
        .where(
            (Proposal.state == State.submitted)
            | (Proposal.state == State.threshold_reached)
            | ((Proposal.state == State.forwarded) & Proposal.statement_at.is_not(None))
        )
        .order_by(Proposal.created_at)
    )
    return rows.unique().all()


async def of_author(session: AsyncSession, user_id: int) -> Sequence[Proposal]:
    rows = await session.scalars(
        _loaded().where(Proposal.author_id == user_id).order_by(Proposal.id.desc())
    )
    return rows.unique().all()


async def in_district(session: AsyncSession, district_id: int) -> Sequence[Proposal]:
    rows = await session.scalars(
        _loaded()
        .where(
            Proposal.state.in_(list(PUBLIC)),
            Proposal.id.in_(
                select(proposal_districts.c.proposal_id).where(
                    proposal_districts.c.district_id == district_id
                )
            ),
        )
        .order_by(Proposal.updated_at.desc())
    )
    return rows.unique().all()


async def of_procedure(session: AsyncSession, procedure_id: int) -> Proposal | None:
    """The proposal an accepted procedure came from."""
    found: Proposal | None = await session.scalar(
        select(Proposal).where(Proposal.procedure_id == procedure_id)
    )
    return found


async def proposers(
    session: AsyncSession, proposals: Iterable[Proposal]
) -> dict[int, tuple[str, str | None]]:
    """Who proposed each one, as the public sees it: the organisation's name and slug, or the
    author's display name (the person behind an organisation is not shown)."""
    items = list(proposals)
    org_ids = {p.organisation_id for p in items if p.organisation_id}
    user_ids = {p.author_id for p in items if p.author_id and not p.organisation_id}
    orgs = {
        row.id: (row.name, row.slug)
        for row in (
            await session.execute(
                select(Organisation.id, Organisation.name, Organisation.slug).where(
                    Organisation.id.in_(org_ids)
                )
            )
        ).all()
    }
    names = {
        row.id: row.display_name
        for row in (
            await session.execute(
                select(User.id, User.display_name).where(
                    User.id.in_(user_ids), User.deleted_at.is_(None)
                )
            )
        ).all()
    }
    found: dict[int, tuple[str, str | None]] = {}
    for p in items:
        if p.organisation_id and p.organisation_id in orgs:
            found[p.id] = orgs[p.organisation_id]
        else:
            found[p.id] = (names.get(p.author_id or 0, ""), None)
    return found


async def author_name(session: AsyncSession, proposal: Proposal) -> str:
    """The person behind a proposal, for moderators and the office."""
    if proposal.author_id is None:
        return ""
    return (
        await session.scalar(select(User.display_name).where(User.id == proposal.author_id)) or ""
    )


async def supports(session: AsyncSession, proposal_id: int, user_id: int | None) -> bool:
    if user_id is None:
        return False
    found = await session.scalar(
        select(Support.user_id).where(
            Support.proposal_id == proposal_id, Support.user_id == user_id
        )
    )
    return found is not None


async def supporter_ids(session: AsyncSession, proposal_id: int) -> list[int]:
    return list(
        await session.scalars(select(Support.user_id).where(Support.proposal_id == proposal_id))
    )


async def counted_support(session: AsyncSession, proposal_id: int) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(Support).where(Support.proposal_id == proposal_id)
        )
        or 0
    )


async def due_to_expire(session: AsyncSession, now: datetime) -> list[int]:
    """Collecting proposals whose support period ended below the threshold."""
    return list(
        await session.scalars(
            select(Proposal.id).where(Proposal.state == State.collecting, Proposal.ends_at <= now)
        )
    )


async def of_organisation(session: AsyncSession, organisation_id: int) -> Sequence[Proposal]:
    rows = await session.scalars(
        _loaded()
        .where(Proposal.organisation_id == organisation_id, Proposal.state.in_(list(PUBLIC)))
        .order_by(Proposal.updated_at.desc())
    )
    return rows.unique().all()
