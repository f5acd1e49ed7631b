"""The proposals' event types, declared once (dialog.live.events explains the parts).

Only published proposals emit, on their public topic, and the payload is the proposal's public
state and support count: nothing personal, so nothing to redact."""

from __future__ import annotations

from typing import Any

from dialog.live.events import PROPOSAL, EventType
from dialog.proposals.schemas import ProposalStatus

SUPPORT_CHANGED = EventType(
    "proposal.support_changed",
    PROPOSAL,
    ProposalStatus,
    "`{id, state, support_count, threshold, ends_at, procedure_id}`: someone supported the "
    "proposal or withdrew their support",
)
STATE_CHANGED = EventType(
    "proposal.state_changed",
    PROPOSAL,
    ProposalStatus,
    "`{id, state, support_count, threshold, ends_at, procedure_id}`: published, threshold "
    "reached, forwarded to the department, statement given, accepted, declined or expired",
)
TYPES: tuple[EventType[Any], ...] = (SUPPORT_CHANGED, STATE_CHANGED)
