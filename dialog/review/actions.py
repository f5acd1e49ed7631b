"""Writes of the review: the department submits or asks for process support, office and
department comment, the office ticks the checklist, releases or returns the draft."""

from __future__ import annotations

from sqlalchemy import delete

from dialog.accounts import policy as roles
from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.live.outbox import emit
from dialog.procedures import queries as procedure_queries
from dialog.procedures.events import PROCEDURE_PUBLISHED, ProcedurePublished
from dialog.procedures.models import Department, Procedure, Status
from dialog.review import policy
from dialog.review.models import Check, ChecklistItem, Entry, EntryKind
from dialog.review.schemas import ChecklistItemIn, StepIn

# What each step does to the procedure's status, and how the history records it.
TARGETS = {
    "submit": (Status.review, EntryKind.submitted),
    "release": (Status.public, EntryKind.released),
    "return": (Status.draft, EntryKind.returned),
    "publish": (Status.public, EntryKind.published),
}


def require_signed_in(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))


def access_review(actor: Actor, procedure: Procedure | None) -> Procedure:
    if procedure is None or not policy.can_see_procedure(
        actor, procedure.status, procedure.department_id
    ):
        raise NotFound(lazy("This procedure does not exist."))
    require_signed_in(actor)
    if not policy.can_take_part(actor, procedure.department_id):
        raise Forbidden(lazy("Only the department's staff and the office take part in the review."))
    return procedure


def check_step(actor: Actor, procedure: Procedure, step: StepIn, trusted: bool) -> None:
    office_only = step.action in ("release", "return", "checks")
    department_only = step.action in ("submit", "support", "publish")
    if office_only and not policy.can_release(actor):
        raise Forbidden(lazy("Only the participation office releases procedures."))
    if department_only and not policy.can_submit(actor, procedure.department_id):
        raise Forbidden(lazy("Only the department's staff take this step."))
    if step.action == "publish" and not policy.starts_public(actor, trusted):
        raise Forbidden(lazy("Only trusted departments publish without the office's review."))
    if not policy.step_allowed(step.action, procedure.status):
        raise Conflict(lazy("This step is not possible in the procedure's current state."))
    if step.action == "comment" and len(step.body.strip()) < 2:
        raise InvalidInput(
            lazy("Please check the marked fields."), {"body": lazy("Please write a comment.")}
        )


async def do_step(
    uow: UnitOfWork, actor: Actor, procedure: Procedure, step: StepIn
) -> Entry | None:
    access_review(actor, procedure)
    department = await uow.session.get(Department, procedure.department_id)
    check_step(actor, procedure, step, bool(department and department.trusted))
    now = utcnow()
    if step.action == "checks":
        await uow.session.execute(delete(Check).where(Check.procedure_id == procedure.id))
        uow.session.add_all(
            Check(procedure_id=procedure.id, item_id=item, checked_at=now)
            for item in sorted(set(step.checks))
        )
        await uow.session.flush()
        return None
    if step.action == "support":
        procedure.support_requested_at = procedure.support_requested_at or now
        kind = EntryKind.support_requested
    elif step.action == "comment":
        kind = EntryKind.comment
    else:
        procedure.status, kind = TARGETS[step.action]
        if procedure.status == Status.public:
            procedure.support_requested_at = None  # the request is answered by the release
            await announce(uow, procedure)
    procedure.updated_at = now
    entry = Entry(
        procedure_id=procedure.id,
        author_id=actor.user_id,
        kind=kind,
        body=step.body.strip(),
        created_at=now,
    )
    uow.session.add(entry)
    await uow.session.flush()
    return entry


async def do_record_creation(uow: UnitOfWork, actor: Actor, procedure: Procedure) -> None:
    """A new procedure: public at once for trusted departments and admins, a draft otherwise."""
    department = await uow.session.get(Department, procedure.department_id)
    if policy.starts_public(actor, bool(department and department.trusted)):
        procedure.status = Status.public
        uow.session.add(
            Entry(procedure_id=procedure.id, author_id=actor.user_id, kind=EntryKind.published)
        )
        await announce(uow, procedure)
    else:
        procedure.status = Status.draft
    await uow.session.flush()


async def announce(uow: UnitOfWork, procedure: Procedure) -> None:
    """The procedure is on the public Vorhabenliste now: saved searches and feeds may tell."""
    await emit(uow, PROCEDURE_PUBLISHED, ProcedurePublished(id=procedure.id), procedure.id)


def check_office(actor: Actor) -> None:
    require_signed_in(actor)
    if not roles.is_office(actor):
        raise Forbidden(lazy("Only the participation office sees this."))


async def do_add_checklist_item(uow: UnitOfWork, actor: Actor, data: ChecklistItemIn) -> None:
    check_office(actor)
    uow.session.add(ChecklistItem(text=data.text, position=1000, active=True))
    await uow.session.flush()


async def do_retire_checklist_item(uow: UnitOfWork, actor: Actor, item_id: int) -> None:
    check_office(actor)
    item = await uow.session.get(ChecklistItem, item_id)
    if item is None:
        raise NotFound(lazy("This checklist item does not exist."))
    item.active = False
    await uow.session.flush()


async def do_trust(uow: UnitOfWork, actor: Actor, slug: str, trusted: bool) -> None:
    check_office(actor)
    department = await procedure_queries.department_by_slug(uow.session, slug)
    if department is None:
        raise NotFound(lazy("This department does not exist."))
    department.trusted = trusted
    await uow.session.flush()
