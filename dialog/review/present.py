"""A procedure's review as the JSON API shows it."""

from __future__ import annotations

from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.actor import Actor
from dialog.procedures.models import Procedure
from dialog.review import policy, queries
from dialog.review.schemas import ChecklistEntryOut, HistoryEntryOut, ReviewOut, StepName


async def review_out(session: AsyncSession, who: Actor, procedure: Procedure) -> ReviewOut:
    trusted = await queries.trusted(session, procedure.department_id)
    checked = await queries.checked(session, procedure.id)
    return ReviewOut(
        procedure_id=procedure.id,
        status=procedure.status,
        support_requested_at=procedure.support_requested_at,
        checklist=[
            ChecklistEntryOut(id=item.id, text=item.text, checked=item.id in checked)
            for item in await queries.checklist(session)
        ],
        history=[
            HistoryEntryOut(
                kind=entry.kind, body=entry.body, author=name or None, created_at=entry.created_at
            )
            for entry, name in await queries.history(session, procedure.id)
        ],
        steps=[
            cast(StepName, step)
            for step in policy.steps_for(who, procedure.status, procedure.department_id, trusted)
        ],
    )
