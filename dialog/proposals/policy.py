"""Pure predicates for proposals: who sees, supports and decides, and which step follows which."""

from __future__ import annotations

from dialog.accounts import policy as roles
from dialog.accounts.actor import Actor
from dialog.proposals.models import State

# Seen by everyone once the office published them.
PUBLIC = frozenset(
    {
        State.collecting,
        State.threshold_reached,
        State.forwarded,
        State.accepted,
        State.declined,
        State.expired,
    }
)
# Support can be given and withdrawn while the proposal is open; a closed one takes none.
SUPPORTABLE = frozenset({State.collecting, State.threshold_reached, State.forwarded})
CLOSED = frozenset({State.rejected, State.accepted, State.declined, State.expired})

# The office's decisions: from which states each action may be taken, and where it leads.
DECISIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({State.submitted}), State.collecting),
    "forward": (frozenset({State.collecting, State.threshold_reached}), State.forwarded),
    "accept": (frozenset(SUPPORTABLE), State.accepted),
    "decline": (frozenset({State.submitted, *SUPPORTABLE}), State.declined),
}


def is_public(state: str) -> bool:
    return state in PUBLIC


def can_read(actor: Actor, state: str, author_id: int | None) -> bool:
    """Published proposals for everyone; the others for their author and the office."""
    if is_public(state):
        return True
    return roles.is_office(actor) or (author_id is not None and actor.user_id == author_id)


def can_propose(actor: Actor) -> bool:
    return roles.can_write(actor)


def can_support(actor: Actor, state: str) -> bool:
    return roles.can_write(actor) and state in SUPPORTABLE


def can_decide(actor: Actor) -> bool:
    """Publish, forward, accept, decline: the participation office."""
    return roles.is_office(actor)


def can_state(actor: Actor, department_id: int | None, state: str) -> bool:
    """The department's statement: its staff (and admins) while the proposal is with it."""
    return state == State.forwarded and (
        roles.is_admin(actor) or roles.is_staff_of(actor, department_id)
    )


def next_state(action: str, state: str) -> str | None:
    """Where the office's action leads from this state; None if it is not possible here.
    Declining a proposal that was never published rejects it (it stays private)."""
    allowed, target = DECISIONS[action]
    if state not in allowed:
        return None
    if action == "decline" and state == State.submitted:
        return State.rejected
    return target


def reached(state: str, support_count: int, threshold: int) -> bool:
    """Does this support move a collecting proposal to "threshold reached"?"""
    return state == State.collecting and threshold > 0 and support_count >= threshold
