"""Tell a proposal's supporters and its author about each step (in-app; mail if they chose it).

The one place where proposals call the notifications package."""

from __future__ import annotations

from sqlalchemy import select

from dialog.db import UnitOfWork
from dialog.i18n import gettext as _
from dialog.notifications.actions import do_notify
from dialog.proposals.labels import state_label
from dialog.proposals.models import Proposal, Support
from dialog.settings import Settings


async def tell_about_step(uow: UnitOfWork, settings: Settings, proposal: Proposal) -> None:
    """Everyone who supports the proposal, and its author, learn its new state."""
    supporters = set(
        await uow.session.scalars(select(Support.user_id).where(Support.proposal_id == proposal.id))
    )
    if proposal.author_id is not None:
        supporters.add(proposal.author_id)
    title, state = proposal.title, proposal.state
    await do_notify(
        uow,
        settings,
        supporters,
        kind="proposal",
        title=lambda: (
            _("Proposal “%(title)s”: %(state)s")
            % {"title": title[:120], "state": state_label(state)}
        ),
        body=proposal.decision_reason[:500],
        url=f"/proposals/{proposal.id}",
    )
