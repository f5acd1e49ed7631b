"""Proposals as the API and the live events show them."""

from __future__ import annotations

from dialog.procedures.schemas import DepartmentOut, DistrictOut
from dialog.proposals.models import Proposal
from dialog.proposals.schemas import ProposalOut, ProposalStatus


def status_of(proposal: Proposal) -> ProposalStatus:
    return ProposalStatus(
        id=proposal.id,
        state=proposal.state,
        support_count=proposal.support_count,
        threshold=proposal.threshold,
        ends_at=proposal.ends_at,
        procedure_id=proposal.procedure_id,
    )


def proposal_out(proposal: Proposal, proposer: tuple[str, str | None]) -> ProposalOut:
    department = proposal.department
    return ProposalOut(
        **status_of(proposal).model_dump(),
        title=proposal.title,
        summary=proposal.summary,
        reason=proposal.reason,
        reason_html=proposal.reason_html,
        districts=[DistrictOut(slug=d.slug, name=d.name) for d in proposal.districts],
        department=DepartmentOut(slug=department.slug, name=department.name)
        if department
        else None,
        proposer=proposer[0],
        organisation=proposer[1],
        published_at=proposal.published_at,
        decided_at=proposal.decided_at,
        decision_reason=proposal.decision_reason,
        statement_html=proposal.statement_html,
        thread_id=proposal.thread_id,
        created_at=proposal.created_at,
        url=f"/proposals/{proposal.id}",
    )
