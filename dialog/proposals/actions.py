"""Writes for proposals: check_* validates and authorizes, do_* changes state and queues events.

Support counts once per person: the (proposal, person) primary key with ON CONFLICT DO NOTHING,
under the proposal's row lock, and the stored count is recounted from the rows in the same
transaction (one writer of the invariant)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from dialog.accounts import policy as roles
from dialog.accounts.actor import Actor
from dialog.db import Database, UnitOfWork, insert_for, utcnow
from dialog.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.live.outbox import emit
from dialog.live.policy import thread_topic
from dialog.markup import render_markdown
from dialog.notifications.follows import Target, follow
from dialog.organisations import queries as organisation_queries
from dialog.procedures import queries as procedure_queries
from dialog.procedures.actions import unique_slug
from dialog.procedures.models import Department, Procedure, Status, Thread
from dialog.proposals import events, policy, queries
from dialog.proposals.models import Proposal, State, Support
from dialog.proposals.notices import tell_about_step
from dialog.proposals.present import status_of
from dialog.proposals.schemas import ProposalDecisionIn, ProposalIn, StatementIn
from dialog.settings import Settings

# The unlisted procedure whose threads are the proposals' discussions (see README).
CARRIER_SLUG = "vorschlaege-aus-der-buergerschaft"
OFFICE_SLUG = "werkstatt-fuer-beteiligung"


def require_signed_in(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))


def check_office(actor: Actor) -> None:
    require_signed_in(actor)
    if not policy.can_decide(actor):
        raise Forbidden(lazy("Only the participation office decides on proposals."))


def access_readable(actor: Actor, proposal: Proposal | None) -> Proposal:
    """The proposal if the actor may see it; 404 for missing and unpublished ones alike."""
    if proposal is None or not policy.can_read(actor, proposal.state, proposal.author_id):
        raise NotFound(lazy("This proposal does not exist."))
    return proposal


async def check_create_proposal(
    uow: UnitOfWork, actor: Actor, data: ProposalIn
) -> tuple[list[int], int | None, int | None]:
    """District ids, department id and organisation id, each checked."""
    require_signed_in(actor)
    if not policy.can_propose(actor):
        raise Forbidden(lazy("Your account is blocked from writing at the moment."))
    errors: dict[str, str] = {}
    districts = list(await procedure_queries.districts_by_slugs(uow.session, data.districts))
    if len(districts) != len(set(data.districts)):
        errors["districts"] = lazy("One of the districts does not exist.")
    department_id = None
    if data.department is not None:
        department = await procedure_queries.department_by_slug(uow.session, data.department)
        if department is None:
            errors["department"] = lazy("This department does not exist.")
        else:
            department_id = department.id
    organisation_id = None
    if data.organisation is not None:
        organisation = await organisation_queries.organisation(uow.session, data.organisation)
        member = (
            await organisation_queries.membership(uow.session, organisation.id, actor.user_id or 0)
            if organisation
            else None
        )
        if organisation is None or member is None or member.confirmed_at is None:
            errors["organisation"] = lazy(
                "You can propose only for an organisation whose membership the office confirmed."
            )
        else:
            organisation_id = organisation.id
    if errors:
        raise InvalidInput(lazy("Please check the marked fields."), errors)
    return [d.id for d in districts], department_id, organisation_id


async def do_create_proposal(uow: UnitOfWork, actor: Actor, data: ProposalIn) -> Proposal:
    district_ids, department_id, organisation_id = await check_create_proposal(uow, actor, data)
    districts = list(await procedure_queries.districts_by_slugs(uow.session, data.districts))
    proposal = Proposal(
        title=data.title,
        summary=data.summary,
        reason=data.reason,
        reason_html=render_markdown(data.reason),
        department_id=department_id,
        author_id=actor.user_id,
        organisation_id=organisation_id,
        state=State.submitted,
        districts=[d for d in districts if d.id in district_ids],
    )
    uow.session.add(proposal)
    await uow.session.flush()
    assert actor.user_id is not None
    await follow(uow.session, actor.user_id, Target("proposal", proposal.id))
    return proposal


async def _locked(uow: UnitOfWork, actor: Actor, proposal_id: int) -> Proposal:
    await queries.proposal_for_update(uow.session, proposal_id)
    return access_readable(actor, await queries.proposal(uow.session, proposal_id))


async def do_support(
    uow: UnitOfWork, settings: Settings, actor: Actor, proposal_id: int
) -> Proposal:
    """Add the actor's support (again: nothing changes); may reach the threshold."""
    require_signed_in(actor)
    proposal = await _locked(uow, actor, proposal_id)
    _check_supportable(actor, proposal)
    insert = insert_for(uow.session)
    result = await uow.session.execute(
        insert(Support)
        .values(proposal_id=proposal.id, user_id=actor.user_id, created_at=utcnow())
        .on_conflict_do_nothing()
    )
    if not getattr(result, "rowcount", 0):
        return proposal
    assert actor.user_id is not None
    await follow(uow.session, actor.user_id, Target("proposal", proposal.id))
    await _recount(uow, proposal)
    await emit(uow, events.SUPPORT_CHANGED, status_of(proposal), proposal.id)
    if policy.reached(proposal.state, proposal.support_count, proposal.threshold):
        await _move(uow, settings, proposal, State.threshold_reached)
    return proposal


async def do_withdraw_support(
    uow: UnitOfWork, settings: Settings, actor: Actor, proposal_id: int
) -> Proposal:
    require_signed_in(actor)
    proposal = await _locked(uow, actor, proposal_id)
    _check_supportable(actor, proposal)
    result = await uow.session.execute(
        delete(Support).where(Support.proposal_id == proposal.id, Support.user_id == actor.user_id)
    )
    if getattr(result, "rowcount", 0):
        await _recount(uow, proposal)
        await emit(uow, events.SUPPORT_CHANGED, status_of(proposal), proposal.id)
    return proposal


def _check_supportable(actor: Actor, proposal: Proposal) -> None:
    if proposal.state not in policy.SUPPORTABLE:
        raise Conflict(lazy("This proposal no longer takes support."))
    if not policy.can_support(actor, proposal.state):
        raise Forbidden(lazy("Your account is blocked from writing at the moment."))


async def _recount(uow: UnitOfWork, proposal: Proposal) -> None:
    proposal.support_count = await queries.counted_support(uow.session, proposal.id)
    proposal.updated_at = utcnow()
    await uow.session.flush()


async def _move(uow: UnitOfWork, settings: Settings, proposal: Proposal, state: str) -> None:
    """The one place a proposal's state changes: event, supporters told, thread closed."""
    proposal.state = state
    proposal.updated_at = utcnow()
    if state in policy.CLOSED and state != State.accepted and proposal.thread_id is not None:
        thread = await uow.session.get(Thread, proposal.thread_id)
        if thread is not None:
            thread.is_open = False
            uow.touch(thread_topic(thread.id))
    await uow.session.flush()
    if policy.is_public(state):
        await emit(uow, events.STATE_CHANGED, status_of(proposal), proposal.id)
    await tell_about_step(uow, settings, proposal)


async def do_decide(
    uow: UnitOfWork, settings: Settings, actor: Actor, proposal_id: int, data: ProposalDecisionIn
) -> Proposal:
    """The office publishes, forwards, accepts or declines."""
    check_office(actor)
    proposal = await _locked(uow, actor, proposal_id)
    target = policy.next_state(data.action, proposal.state)
    if target is None:
        raise Conflict(lazy("This step is not possible in the proposal's current state."))
    if data.action == "decline" and len(data.reason.strip()) < 10:
        raise InvalidInput(
            lazy("Please check the marked fields."),
            {
                "reason": lazy(
                    "Please give the public reasons for declining (at least 10 characters)."
                )
            },
        )
    if data.action in ("forward", "accept"):
        await _assign_department(uow, proposal, data)
    now = utcnow()
    if data.action == "publish":
        proposal.threshold = data.threshold or settings.proposal_threshold
        proposal.published_at = now
        proposal.ends_at = now + timedelta(days=data.days or settings.proposal_days)
        proposal.thread_id = (await _open_thread(uow, proposal)).id
    elif data.action in ("accept", "decline"):
        proposal.decided_at = now
        proposal.decision_reason = data.reason.strip()
    if data.action == "accept":
        proposal.procedure_id = (await _planned_procedure(uow, proposal)).id
    await _move(uow, settings, proposal, target)
    if target == State.collecting and policy.reached(
        proposal.state, proposal.support_count, proposal.threshold
    ):
        await _move(uow, settings, proposal, State.threshold_reached)
    return proposal


async def _assign_department(uow: UnitOfWork, proposal: Proposal, data: ProposalDecisionIn) -> None:
    if data.department is not None:
        department = await procedure_queries.department_by_slug(uow.session, data.department)
        if department is None:
            raise InvalidInput(
                lazy("Please check the marked fields."),
                {"department": lazy("This department does not exist.")},
            )
        proposal.department_id = department.id
    if proposal.department_id is None:
        raise InvalidInput(
            lazy("Please check the marked fields."),
            {"department": lazy("Please choose the department that takes it on.")},
        )


async def do_give_statement(
    uow: UnitOfWork, settings: Settings, actor: Actor, proposal_id: int, data: StatementIn
) -> Proposal:
    """The department's statement on a forwarded proposal (staff of that department)."""
    require_signed_in(actor)
    proposal = await _locked(uow, actor, proposal_id)
    if not policy.can_state(actor, proposal.department_id, proposal.state):
        if proposal.state != State.forwarded and (
            roles.is_admin(actor) or roles.is_staff_of(actor, proposal.department_id)
        ):
            raise Conflict(lazy("A statement is possible only while the proposal is forwarded."))
        raise Forbidden(lazy("Only staff of the department it was forwarded to give a statement."))
    proposal.statement = data.body
    proposal.statement_html = render_markdown(data.body)
    proposal.statement_at = utcnow()
    proposal.updated_at = utcnow()
    await uow.session.flush()
    await emit(uow, events.STATE_CHANGED, status_of(proposal), proposal.id)
    await tell_about_step(uow, settings, proposal)
    return proposal


async def _office_department(uow: UnitOfWork) -> Department:
    found = await procedure_queries.department_by_slug(uow.session, OFFICE_SLUG)
    if found is None:
        found = Department(slug=OFFICE_SLUG, name="WerkStadt für Beteiligung")
        uow.session.add(found)
        await uow.session.flush()
    return found


async def _carrier(uow: UnitOfWork) -> Procedure:
    """The unlisted procedure that holds the proposals' threads, made on first use. Threads
    belong to procedures (phase, moderation, exports); this one is always open for comments."""
    found = await procedure_queries.procedure(uow.session, CARRIER_SLUG)
    if found is None:
        found = Procedure(
            slug=CARRIER_SLUG,
            title="Vorschläge aus der Bürgerschaft",
            summary="Diskussionen zu den Vorschlägen von Bürgerinnen, Bürgern und Initiativen.",
            department_id=(await _office_department(uow)).id,
            level="consultation",
            initiator="residents",
            phase="active",
            status=Status.hidden,
        )
        uow.session.add(found)
        await uow.session.flush()
    return found


async def _open_thread(uow: UnitOfWork, proposal: Proposal) -> Thread:
    carrier = await _carrier(uow)
    thread = Thread(
        procedure_id=carrier.id, title=proposal.title, question=proposal.summary, moderation="post"
    )
    uow.session.add(thread)
    await uow.session.flush()
    return thread


async def _planned_procedure(uow: UnitOfWork, proposal: Proposal) -> Procedure:
    """An accepted proposal becomes a planned procedure initiated by residents."""
    assert proposal.department_id is not None
    slug = await unique_slug(proposal.title, lambda s: procedure_queries.slug_taken(uow.session, s))
    procedure = Procedure(
        slug=slug,
        title=proposal.title,
        summary=proposal.summary,
        description=proposal.reason,
        description_html=proposal.reason_html,
        department_id=proposal.department_id,
        level="consultation",
        initiator="residents",
        phase="planned",
        status=Status.public,
        districts=list(proposal.districts),
    )
    uow.session.add(procedure)
    await uow.session.flush()
    return procedure


async def expire_due(db: Database, settings: Settings) -> int:
    """The periodic job: collecting proposals whose period ended expire (one transaction each,
    under the row lock, so a support arriving at the same moment is decided first)."""
    async with db.reading() as session:
        due = await queries.due_to_expire(session, utcnow())
    expired = 0
    for proposal_id in due:
        async with db.unit_of_work() as uow:
            proposal = await queries.proposal_for_update(uow.session, proposal_id)
            if proposal is None or proposal.state != State.collecting:
                continue
            if proposal.ends_at is None or proposal.ends_at > utcnow():
                continue
            await _move(uow, settings, proposal, State.expired)
            expired += 1
    return expired
