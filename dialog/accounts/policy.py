"""Pure permission predicates on an Actor: no database, unit-tested per role."""

from __future__ import annotations

from dialog.accounts.actor import Actor


def is_admin(actor: Actor) -> bool:
    return actor.role == "admin"


def is_moderator(actor: Actor) -> bool:
    return actor.role in ("moderator", "admin")


def is_office(actor: Actor) -> bool:
    """The participation office (and admins): reviews procedures, runs proposals, routes ideas
    and complaints, approves answers, writes the annual report."""
    return actor.role in ("office", "admin")


def is_staff_of(actor: Actor, department_id: int | None) -> bool:
    return (
        actor.role == "staff" and department_id is not None and actor.department_id == department_id
    )


def can_create_procedures(actor: Actor) -> bool:
    return is_admin(actor) or (actor.role == "staff" and actor.department_id is not None)


def can_manage_procedure(actor: Actor, department_id: int) -> bool:
    """Edit a procedure, add threads, answer officially: its own department's staff, admins."""
    return is_admin(actor) or is_staff_of(actor, department_id)


def can_export_procedure(actor: Actor, department_id: int) -> bool:
    return can_manage_procedure(actor, department_id) or is_moderator(actor)


def can_write(actor: Actor) -> bool:
    """Comment, reply, vote, flag: any signed-in account that is not blocked."""
    return actor.authenticated and not actor.blocked


def can_administer_people(actor: Actor) -> bool:
    """Find people, assign roles and departments, block and unblock."""
    return is_admin(actor)


def can_use_profile(actor: Actor) -> bool:
    return actor.authenticated


def can_extend_session(actor: Actor) -> bool:
    """Only a browser session has an idle clock; bearer tokens have none to extend."""
    return actor.via == "session" and actor.session_id is not None
