"""Who may do what with ideas and complaints: pure predicates, no database."""

from __future__ import annotations

from datetime import datetime

from dialog.accounts.actor import Actor
from dialog.accounts.policy import is_office, is_staff_of
from dialog.concerns.models import State

# States in which the office and the departments still have work to do.
OPEN = frozenset({State.received, State.review, State.progress})
# Final states: the item has had its answer (or went elsewhere).
CLOSED = frozenset(
    {
        State.answered,
        State.not_feasible,
        State.forwarded,
        State.duplicate,
        State.unpublished,
        State.archived,
    }
)
# Shown in public lists and pages (when the author chose public).
VISIBLE = OPEN | {
    State.answered,
    State.not_feasible,
    State.forwarded,
    State.duplicate,
    State.archived,
}
REOPEN_DAYS = 28  # the author may reopen an answered item for 4 weeks


def is_public(state: str, public: bool) -> bool:
    return public and state in VISIBLE


def can_see_internals(actor: Actor, department_id: int | None) -> bool:
    """Author's e-mail, notes, hidden photos, drafts: the office and the routed department."""
    return is_office(actor) or is_staff_of(actor, department_id)


def can_handle(actor: Actor, department_id: int | None) -> bool:
    """Accept, return, draft an answer: staff of the routed department (and the office)."""
    return can_see_internals(actor, department_id)


def can_record_for_resident(actor: Actor) -> bool:
    """Enter what came by phone, letter, e-mail or in person."""
    return is_office(actor)


def can_support(actor: Actor, author_id: int | None, state: str) -> bool:
    return (
        actor.authenticated and not actor.blocked and actor.user_id != author_id and state in OPEN
    )


def can_reopen(state: str, reopen_until: datetime | None, now: datetime) -> bool:
    return (
        state in (State.answered, State.not_feasible)
        and reopen_until is not None
        and now <= reopen_until
    )


def is_author(actor: Actor, author_id: int | None) -> bool:
    return actor.user_id is not None and actor.user_id == author_id
