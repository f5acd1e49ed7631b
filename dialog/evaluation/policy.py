"""Who codes contributions, enters offline input and reads opinion groups: pure predicates."""

from __future__ import annotations

from dialog.accounts.actor import Actor
from dialog.accounts.policy import is_office, is_staff_of


def can_code(actor: Actor, department_id: int) -> bool:
    """Keep the codebook and code contributions: the procedure's department, and the office
    (which includes admins), who write the evaluation together."""
    return is_staff_of(actor, department_id) or is_office(actor)


def can_enter_offline(actor: Actor, department_id: int) -> bool:
    """Enter input from workshops, walks, letters and calls: the same people who code it."""
    return can_code(actor, department_id)


def can_read_opinion_groups(actor: Actor, department_id: int) -> bool:
    """The analysis through the API: the department, the office, admins (the report page shows
    it to everyone who may read the report)."""
    return can_code(actor, department_id)
