"""Who may answer, export, read the report and hand over: pure predicates on an Actor."""

from __future__ import annotations

from dialog.accounts.actor import Actor
from dialog.accounts.policy import can_export_procedure, can_manage_procedure


def can_answer(actor: Actor, department_id: int) -> bool:
    """Official answers speak for the department: its own staff, and admins."""
    return can_manage_procedure(actor, department_id)


def can_export(actor: Actor, department_id: int) -> bool:
    return can_export_procedure(actor, department_id)


def can_read_report(actor: Actor, department_id: int) -> bool:
    return can_export_procedure(actor, department_id)


def can_hand_over(actor: Actor, department_id: int) -> bool:
    return can_manage_procedure(actor, department_id)


def can_see_handovers(actor: Actor, department_id: int) -> bool:
    """The hand-overs' state is read like the export: the department, moderators, admins."""
    return can_export_procedure(actor, department_id)


def can_see_workspace(actor: Actor, department_id: int) -> bool:
    return can_manage_procedure(actor, department_id)
