"""Proposals as part of a person's data: what they proposed and what they support (see
dialog.accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.personal_data import Part
from dialog.db import UnitOfWork
from dialog.i18n import iso
from dialog.live.outbox import emit
from dialog.proposals import events, policy, queries
from dialog.proposals.models import Proposal, State, Support
from dialog.proposals.present import status_of


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    proposals = (
        await session.scalars(
            select(Proposal).where(Proposal.author_id == user_id).order_by(Proposal.id)
        )
    ).all()
    supports = (
        await session.scalars(
            select(Support).where(Support.user_id == user_id).order_by(Support.proposal_id)
        )
    ).all()
    return {
        "proposals": [
            {
                "id": p.id,
                "title": p.title,
                "summary": p.summary,
                "reason": p.reason,
                "state": p.state,
                "organisation_id": p.organisation_id,
                "created_at": iso(p.created_at),
            }
            for p in proposals
        ],
        "proposal_supports": [
            {"proposal_id": s.proposal_id, "created_at": iso(s.created_at)} for s in supports
        ],
    }


async def erase(uow: UnitOfWork, user_id: int, remove_content: bool) -> None:
    """Supports go (and the counts follow); proposals lose their author, and unpublished ones
    go entirely when the person asked for their content to be removed."""
    supported = list(
        await uow.session.scalars(select(Support.proposal_id).where(Support.user_id == user_id))
    )
    await uow.session.execute(delete(Support).where(Support.user_id == user_id))
    for proposal_id in supported:
        proposal = await queries.proposal_for_update(uow.session, proposal_id)
        if proposal is None:
            continue
        proposal.support_count = await queries.counted_support(uow.session, proposal_id)
        await uow.session.flush()
        if policy.is_public(proposal.state):
            await emit(uow, events.SUPPORT_CHANGED, status_of(proposal), proposal.id)
    if remove_content:
        await uow.session.execute(
            delete(Proposal).where(
                Proposal.author_id == user_id,
                Proposal.state.in_([State.submitted, State.rejected]),
            )
        )
    await uow.session.execute(
        update(Proposal).where(Proposal.author_id == user_id).values(author_id=None)
    )


PART = Part("proposals", export, erase)
