"""Writes for procedures and threads: check_* validates and authorizes, do_* changes state."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable

from dialog.accounts import policy
from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.live.outbox import emit
from dialog.live.policy import thread_topic
from dialog.markup import render_markdown
from dialog.procedures import queries
from dialog.procedures.events import (
    PHASE_CHANGED,
    THREAD_CREATED,
    PhaseChanged,
    ThreadCreated,
)
from dialog.procedures.models import (
    Department,
    District,
    Method,
    Procedure,
    ProcedureLink,
    ProcedurePhase,
    Thread,
)
from dialog.procedures.schemas import (
    PhaseDates,
    ProcedureIn,
    ProcedurePatch,
    ThreadCloseIn,
    ThreadIn,
)
from dialog.review import actions as review_actions

PHASES = ("planned", "active", "evaluation", "completed")


def slugify(text: str, length: int = 100) -> str:
    """An address part from a name, at most `length` characters (the column's, less room for
    a "-2" that tells two equal names apart)."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:length].strip("-") or "vorhaben"


async def unique_slug(name: str, taken: Callable[[str], Awaitable[bool]], length: int = 100) -> str:
    """slugify(name), followed by -2, -3, … while `taken` says the address is in use."""
    slug = base = slugify(name, length)
    counter = 2
    while await taken(slug):
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def require_signed_in(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))


def access_manageable(actor: Actor, procedure: Procedure | None) -> Procedure:
    """The procedure, if the actor may change it; 404 when missing, 401/403 otherwise."""
    if procedure is None:
        raise NotFound(lazy("This procedure does not exist."))
    require_signed_in(actor)
    if not policy.can_manage_procedure(actor, procedure.department_id):
        raise Forbidden(lazy("Only staff of the responsible department can change this procedure."))
    return procedure


async def _resolve(
    uow: UnitOfWork, department: str | None, districts: list[str] | None, method: str | None
) -> tuple[Department | None, list[District] | None, Method | None]:
    errors: dict[str, str] = {}
    found_department = None
    if department is not None:
        found_department = await queries.department_by_slug(uow.session, department)
        if found_department is None:
            errors["department"] = lazy("This department does not exist.")
    found_districts = None
    if districts is not None:
        found_districts = list(await queries.districts_by_slugs(uow.session, districts))
        if len(found_districts) != len(set(districts)):
            errors["districts"] = lazy("One of the districts does not exist.")
    found_method = None
    if method is not None:
        found_method = await queries.method_by_slug(uow.session, method)
        if found_method is None:
            errors["method"] = lazy("This method is not in the toolkit.")
    if errors:
        raise InvalidInput(lazy("Please check the marked fields."), errors)
    return found_department, found_districts, found_method


async def check_create_procedure(
    uow: UnitOfWork, actor: Actor, data: ProcedureIn
) -> tuple[Department, list[District], Method | None]:
    require_signed_in(actor)
    if not policy.can_create_procedures(actor):
        raise Forbidden(lazy("Only department staff and administrators create procedures."))
    department, districts, method = await _resolve(
        uow, data.department, data.districts, data.method
    )
    assert department is not None and districts is not None
    if not policy.can_manage_procedure(actor, department.id):
        raise Forbidden(
            lazy("You can only create procedures for your own department."),
            {"department": lazy("You can only create procedures for your own department.")},
        )
    return department, districts, method


async def do_create_procedure(uow: UnitOfWork, actor: Actor, data: ProcedureIn) -> Procedure:
    department, districts, method = await check_create_procedure(uow, actor, data)
    slug = await unique_slug(data.title, lambda s: queries.slug_taken(uow.session, s))
    procedure = Procedure(
        slug=slug,
        title=data.title,
        summary=data.summary,
        description=data.description,
        description_html=render_markdown(data.description),
        department_id=department.id,
        level=data.level,
        initiator=data.initiator,
        method_id=method.id if method else None,
        phase=data.phase,
        contact_name=data.contact_name,
        contact_email=data.contact_email or "",
        contact_phone=data.contact_phone,
        cost=data.cost,
        location=data.location,
        districts=districts,
        phases=_timeline(data.timeline),
        links=_links(data),
    )
    uow.session.add(procedure)
    await uow.session.flush()
    # A department's new procedure is a draft until the office releases it (dialog.review),
    # which also announces it (procedure.published) once it is public.
    await review_actions.do_record_creation(uow, actor, procedure)
    return procedure


async def do_update_procedure(
    uow: UnitOfWork, actor: Actor, procedure: Procedure, patch: ProcedurePatch
) -> Procedure:
    access_manageable(actor, procedure)
    department, districts, method = await _resolve(
        uow, patch.department, patch.districts, patch.method
    )
    if department is not None:
        if not policy.can_manage_procedure(actor, department.id):
            raise Forbidden(
                lazy("You can only hand a procedure to your own department."),
                {"department": lazy("You can only hand a procedure to your own department.")},
            )
        procedure.department_id = department.id
    changes = patch.model_dump(exclude_unset=True)
    phase_before = procedure.phase
    for name in (
        "title",
        "summary",
        "level",
        "initiator",
        "phase",
        "contact_name",
        "contact_phone",
        "cost",
        "location",
    ):
        if changes.get(name) is not None:
            setattr(procedure, name, changes[name])
    if "contact_email" in changes:
        procedure.contact_email = patch.contact_email or ""
    if patch.description is not None:
        procedure.description = patch.description
        procedure.description_html = render_markdown(patch.description)
    if districts is not None:
        procedure.districts = districts
    if "method" in changes:
        procedure.method_id = method.id if method else None
    if patch.timeline is not None:
        procedure.phases = _timeline(patch.timeline)
    if patch.links is not None:
        procedure.links = _links(patch)
    procedure.updated_at = utcnow()
    await uow.session.flush()
    if procedure.phase != phase_before:
        changed = PhaseChanged(id=procedure.id, phase=procedure.phase, before=phase_before)
        await emit(uow, PHASE_CHANGED, changed, procedure.id)
    # The thread pages show the procedure's title and phase: this process forgets them at once.
    for thread_id in await queries.thread_ids(uow.session, procedure.id):
        uow.touch(thread_topic(thread_id))
    return procedure


def _timeline(timeline: list[PhaseDates]) -> list[ProcedurePhase]:
    by_phase = {entry.phase: entry for entry in timeline}
    return [
        ProcedurePhase(
            phase=name,
            position=position,
            starts_on=by_phase[name].starts_on if name in by_phase else None,
            ends_on=by_phase[name].ends_on if name in by_phase else None,
        )
        for position, name in enumerate(PHASES)
    ]


def _links(data: ProcedureIn | ProcedurePatch) -> list[ProcedureLink]:
    return [
        ProcedureLink(position=i, title=link.title, url=str(link.url), is_document=link.is_document)
        for i, link in enumerate(data.links or [])
    ]


async def do_add_thread(
    uow: UnitOfWork, actor: Actor, procedure: Procedure, data: ThreadIn
) -> Thread:
    access_manageable(actor, procedure)
    thread = Thread(
        procedure_id=procedure.id,
        title=data.title,
        question=data.question,
        moderation=data.moderation,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        procedure=procedure,
    )
    uow.session.add(thread)
    procedure.updated_at = utcnow()
    await uow.session.flush()
    created = ThreadCreated(id=thread.id, procedure_id=procedure.id, title=thread.title)
    await emit(uow, THREAD_CREATED, created, procedure.id)
    return thread


def access_manageable_thread(actor: Actor, thread: Thread | None) -> Thread:
    """The thread (with its procedure loaded), if the actor may change it."""
    if thread is None:
        raise NotFound(lazy("This thread does not exist."))
    access_manageable(actor, thread.procedure)
    return thread


def _changed(uow: UnitOfWork, thread: Thread) -> None:
    thread.procedure.updated_at = utcnow()
    # The thread page (kept for readers who are not signed in) and the procedure page show it.
    uow.touch(thread_topic(thread.id))


async def do_update_thread(uow: UnitOfWork, actor: Actor, thread: Thread, data: ThreadIn) -> Thread:
    access_manageable_thread(actor, thread)
    thread.title = data.title
    thread.question = data.question
    thread.moderation = data.moderation
    thread.opens_at = data.opens_at
    thread.closes_at = data.closes_at
    _changed(uow, thread)
    await uow.session.flush()
    return thread


async def do_close_thread(
    uow: UnitOfWork, actor: Actor, thread: Thread, data: ThreadCloseIn
) -> Thread:
    """Close now, or set the moment it closes (the hand-over follows once it is closed)."""
    access_manageable_thread(actor, thread)
    now = utcnow()
    if data.at is None or data.at <= now:
        thread.is_open = False
        thread.closes_at = (
            thread.closes_at if thread.closes_at and thread.closes_at <= now else None
        )
    else:
        if thread.opens_at and data.at <= thread.opens_at:
            raise InvalidInput(
                lazy("Please check the marked fields."),
                {"at": lazy("The thread must close after it opens.")},
            )
        thread.closes_at = data.at
    _changed(uow, thread)
    await uow.session.flush()
    return thread


async def do_reopen_thread(uow: UnitOfWork, actor: Actor, thread: Thread) -> Thread:
    """Open again: closed by hand or past its closing time (a later closing time stays)."""
    access_manageable_thread(actor, thread)
    thread.is_open = True
    if thread.closes_at is not None and thread.closes_at <= utcnow():
        thread.closes_at = None
    _changed(uow, thread)
    await uow.session.flush()
    return thread
