"""Tell a proposal's followers about each step (in-app; by mail or in the digest as they chose).

Its author and its supporters follow it automatically (dialog.proposals.actions); whoever
unfollows hears no more. The place where proposals notify."""

from __future__ import annotations

from dialog.db import UnitOfWork
from dialog.i18n import gettext as _
from dialog.notifications.actions import do_notify
from dialog.notifications.follows import Target, followers
from dialog.proposals.labels import state_label
from dialog.proposals.models import Proposal
from dialog.settings import Settings


async def tell_about_step(uow: UnitOfWork, settings: Settings, proposal: Proposal) -> None:
    """Everyone who follows the proposal learns its new state."""
    readers = await followers(uow.session, [Target("proposal", proposal.id)])
    title, state = proposal.title, proposal.state
    await do_notify(
        uow,
        settings,
        readers,
        kind="proposal",
        title=lambda: (
            _("Proposal “%(title)s”: %(state)s")
            % {"title": title[:120], "state": state_label(state)}
        ),
        body=proposal.decision_reason[:500],
        url=f"/proposals/{proposal.id}",
    )
