"""Pure predicates for the office's review of procedures."""

from __future__ import annotations

from dialog.accounts import policy as roles
from dialog.accounts.actor import Actor
from dialog.procedures.models import Status

NOT_PUBLIC = frozenset({Status.draft, Status.review})


def can_see_procedure(actor: Actor, status: str, department_id: int) -> bool:
    """Public and unlisted procedures for everyone; drafts and ones in review for the
    department's staff, the office and admins."""
    if status not in NOT_PUBLIC:
        return True
    return roles.is_office(actor) or roles.can_manage_procedure(actor, department_id)


def can_take_part(actor: Actor, department_id: int) -> bool:
    """Comment in the review, see its history: the department's staff, the office, admins."""
    return roles.is_office(actor) or roles.can_manage_procedure(actor, department_id)


def can_release(actor: Actor) -> bool:
    return roles.is_office(actor)


def can_submit(actor: Actor, department_id: int) -> bool:
    return roles.can_manage_procedure(actor, department_id)


def starts_public(actor: Actor, trusted: bool) -> bool:
    """A new procedure skips the review when its department is trusted or an admin makes it."""
    return trusted or roles.is_admin(actor)


# Which step the department or the office may take from which status.
STEPS: dict[str, frozenset[str]] = {
    "submit": frozenset({Status.draft}),
    "support": frozenset({Status.draft, Status.review}),
    "comment": frozenset({Status.draft, Status.review, Status.public}),
    "release": frozenset({Status.draft, Status.review}),
    "return": frozenset({Status.review}),
    "publish": frozenset({Status.draft, Status.review}),  # trusted departments
    "checks": frozenset({Status.draft, Status.review, Status.public}),
}


def step_allowed(step: str, status: str) -> bool:
    return status in STEPS.get(step, frozenset())


OFFICE_STEPS = frozenset({"release", "return", "checks"})
DEPARTMENT_STEPS = frozenset({"submit", "support", "publish"})


def may_take(actor: Actor, step: str, department_id: int, trusted: bool) -> bool:
    """Whose step it is, whatever the status: the office's, the department's, or both's."""
    if step in OFFICE_STEPS and not can_release(actor):
        return False
    if step in DEPARTMENT_STEPS and not can_submit(actor, department_id):
        return False
    return step != "publish" or starts_public(actor, trusted)


def steps_for(actor: Actor, status: str, department_id: int, trusted: bool) -> list[str]:
    """The steps this reader may take now (the API lists them)."""
    return [
        step
        for step in STEPS
        if step_allowed(step, status) and may_take(actor, step, department_id, trusted)
    ]
