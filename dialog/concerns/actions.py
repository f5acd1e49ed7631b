"""Writes of the concerns part: `check_*` validates, `access_*` loads and authorizes, `do_*`
changes state, records the history, appends to the audit log and queues events and mail.

Here: the private link, loading with permission, every state change (`do_move`), submitting,
confirming and supporting; the steps of the office and the departments are in `workflow`."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from jinja2 import Environment
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.actor import Actor
from dialog.accounts.policy import is_office
from dialog.concerns import events, mails, policy, queries
from dialog.concerns.hooks import ConcernHooks
from dialog.concerns.models import (
    Category,
    Channel,
    Concern,
    Photo,
    State,
    StateChange,
    Supporter,
)
from dialog.concerns.photos import CleanPhoto
from dialog.concerns.schemas import SubmitIn
from dialog.concerns.workdays import FIRST_REPLY_DAYS, add_working_days
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.live.outbox import emit, redact
from dialog.procedures.models import Department, District
from dialog.settings import Settings


@dataclass(frozen=True)
class Context:
    """What the actions need beyond the unit of work."""

    settings: Settings
    hooks: ConcernHooks
    env: Environment  # mail templates


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(lazy("Please check the marked fields."), {field: message})


# --- the private link of e-mail and anonymous authors -----------------------------------------


def tracking_token(settings: Settings, item: Concern) -> str:
    """Derived from the secret key, so the link can be mailed again; only its hash is kept."""
    message = f"concern-track:{item.id}:{item.created_at.isoformat()}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:40]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tracking_link(settings: Settings, item: Concern) -> str:
    return f"{settings.base_url}/concerns/track/{tracking_token(settings, item)}"


def author_link(settings: Settings, item: Concern) -> str:
    if item.author_id is not None:
        return f"{settings.base_url}/concerns/{item.id}"
    return tracking_link(settings, item)


# --- loading with permission -------------------------------------------------------------------


async def access_concern(session: AsyncSession, concern_id: int) -> Concern:
    found = await queries.concern(session, concern_id)
    if found is None or found.state == State.unconfirmed:
        raise NotFound(lazy("This item does not exist."))
    return found


async def access_readable(session: AsyncSession, actor: Actor, concern_id: int) -> Concern:
    """Public items for everyone; the rest for its author, the office and its department."""
    found = await access_concern(session, concern_id)
    if policy.is_public(found.state, found.is_public):
        return found
    if policy.is_author(actor, found.author_id) or policy.can_see_internals(
        actor, found.department_id
    ):
        return found
    raise NotFound(lazy("This item does not exist."))


async def access_handled(session: AsyncSession, actor: Actor, concern_id: int) -> Concern:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in."))
    found = await access_concern(session, concern_id)
    if not policy.can_handle(actor, found.department_id):
        raise Forbidden(lazy("Only the office and the responsible department may do this."))
    return found


async def access_office(session: AsyncSession, actor: Actor, concern_id: int) -> Concern:
    check_office(actor)
    return await access_concern(session, concern_id)


def check_office(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in."))
    if not is_office(actor):
        raise Forbidden(lazy("Only the participation office may do this."))


async def access_by_token(session: AsyncSession, token: str) -> Concern:
    if not token or len(token) > 100:
        raise NotFound(lazy("This link is not valid."))
    found = await queries.concern_by_token(session, token_hash(token))
    if found is None:
        raise NotFound(lazy("This link is not valid."))
    return found


# --- state changes -----------------------------------------------------------------------------


def deadlines(received: date, category: Category) -> tuple[date, date]:
    return (
        add_working_days(received, FIRST_REPLY_DAYS),
        add_working_days(received, category.answer_days),
    )


async def announce(uow: UnitOfWork, item: Concern, *, was_public: bool = True) -> None:
    """Tell the queues and, for a public item, its page; redact once it stops being public."""
    staff = events.ConcernQueued(
        id=item.id,
        state=item.state,
        department_id=item.department_id,
        category_id=item.category_id,
    )
    await emit(uow, events.QUEUE_CHANGED, staff)
    if item.department_id is not None:
        await emit(uow, events.DEPARTMENT_CHANGED, staff, item.department_id)
    public_now = policy.is_public(item.state, item.is_public)
    if public_now:
        shown = events.ConcernPublic(
            id=item.id, state=item.state, supporter_count=item.supporter_count
        )
        await emit(uow, events.CONCERN_CHANGED, shown, item.id)
    elif was_public:
        await redact(uow, events.CONCERN_REF, item.id, events.ConcernId(id=item.id))


async def record(
    uow: UnitOfWork,
    ctx: Context,
    actor: Actor,
    item: Concern,
    action: str,
    data: dict[str, object] | None = None,
) -> None:
    await ctx.hooks.audit(uow, actor.user_id, f"concern.{action}", f"concern:{item.id}", data or {})


async def do_move(
    uow: UnitOfWork,
    ctx: Context,
    actor: Actor,
    item: Concern,
    to: State,
    reason: str = "",
    *,
    action: str = "state",
) -> None:
    """Every state change: history row, audit entry, timestamps, events."""
    was_public = policy.is_public(item.state, item.is_public)
    before = item.state
    now = utcnow()
    item.state = to
    item.updated_at = now
    if to in (State.progress, State.forwarded, State.answered, State.not_feasible):
        item.first_reply_at = item.first_reply_at or now
    if to in (State.forwarded, State.answered, State.not_feasible, State.duplicate):
        item.answered_at = now
    if to == State.archived:
        item.archived_at = now
    uow.session.add(
        StateChange(
            concern_id=item.id,
            actor_id=actor.user_id,
            from_state=before,
            to_state=to,
            reason=reason,
            created_at=now,
        )
    )
    await uow.session.flush()
    await record(uow, ctx, actor, item, action, {"from": before, "to": str(to), "reason": reason})
    await announce(uow, item, was_public=was_public)


async def check_submission(
    session: AsyncSession, actor: Actor, data: SubmitIn
) -> tuple[Category, District | None]:
    found = await queries.category(session, data.category)
    if found is None or not found.active:
        raise invalid("category", lazy("Please choose one of the offered categories."))
    district = None
    if data.district is not None:
        district = await session.get(District, data.district)
        if district is None:
            raise invalid("district", lazy("Please choose one of the offered districts."))
    if data.channel != Channel.online and not policy.can_record_for_resident(actor):
        raise invalid("channel", lazy("Only the office records items from other channels."))
    if (data.lat is None) != (data.lon is None):
        raise invalid("lat", lazy("Please give both coordinates of the place, or none."))
    if actor.authenticated and actor.blocked:
        raise Forbidden(lazy("Your account is blocked for now."))
    return found, district


@dataclass(frozen=True)
class Submitted:
    item: Concern
    token: str | None  # shown once to an anonymous author
    mail_sent: bool


async def do_submit(
    uow: UnitOfWork,
    ctx: Context,
    actor: Actor,
    data: SubmitIn,
    photos: Sequence[CleanPhoto] = (),
) -> Submitted:
    category, district = await check_submission(uow.session, actor, data)
    on_behalf = data.channel != Channel.online
    now = utcnow()
    first_due, answer_due = deadlines(now.date(), category)
    item = Concern(
        kind=data.kind,
        category_id=category.id,
        district_id=district.id if district else None,
        text=data.text,
        place=data.place,
        lat=data.lat,
        lon=data.lon,
        is_public=data.public,
        show_name=data.show_name,
        channel=data.channel,
        created_at=now,
        updated_at=now,
        first_reply_due=first_due,
        answer_due=answer_due,
        department_id=await queries.routed_department(
            uow.session, category.id, district.id if district else None
        ),
        state=State.received,
    )
    if on_behalf:
        item.recorded_by_id = actor.user_id
        item.author_name = data.author_name
        item.email = str(data.email) if data.email else None
        item.confirmed_at = now if data.email else None  # the office spoke to the person
    elif actor.authenticated:
        item.author_id = actor.user_id
        item.author_name = actor.display_name
    elif data.email:
        item.email = str(data.email)
        item.state = State.unconfirmed
    item.anonymous = item.author_id is None and item.email is None and not on_behalf
    uow.session.add(item)
    await uow.session.flush()
    token: str | None = None
    if item.author_id is None:
        token = tracking_token(ctx.settings, item)
        item.token_hash = token_hash(token)
    for position, photo in enumerate(photos):
        uow.session.add(
            Photo(
                concern_id=item.id,
                position=position,
                data=photo.data,
                width=photo.width,
                height=photo.height,
            )
        )
    uow.session.add(
        StateChange(concern_id=item.id, actor_id=actor.user_id, to_state=item.state, created_at=now)
    )
    await uow.session.flush()
    await record(
        uow,
        ctx,
        actor,
        item,
        "submit",
        {"channel": item.channel, "category": category.slug, "photos": len(photos)},
    )
    mail_sent = False
    if item.state == State.unconfirmed and item.email and token:
        link = f"{ctx.settings.base_url}/concerns/track/{token}"
        await mails.send(
            uow, ctx.settings, ctx.env, "confirm", item.email, number=item.id, link=link
        )
        mail_sent = True
    if item.state != State.unconfirmed:
        await announce(uow, item, was_public=False)
    return Submitted(item, token if item.email is None else None, mail_sent)


async def do_confirm(uow: UnitOfWork, ctx: Context, item: Concern) -> None:
    if item.state != State.unconfirmed:
        return  # a second click changes nothing
    item.confirmed_at = utcnow()
    await do_move(uow, ctx, Actor(), item, State.received, action="confirm")


async def do_support(uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in to support an item."))
    if not policy.can_support(actor, item.author_id, item.state):
        raise Conflict(lazy("This item cannot be supported."))
    assert actor.user_id is not None
    if await queries.is_supporter(uow.session, item.id, actor.user_id):
        return
    uow.session.add(Supporter(concern_id=item.id, user_id=actor.user_id))
    item.supporter_count += 1
    await uow.session.flush()
    await announce(uow, item)


async def do_unsupport(uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern) -> None:
    if actor.user_id is None:
        raise NotAuthenticated(lazy("Please sign in."))
    deleted = await uow.session.execute(
        delete(Supporter).where(Supporter.concern_id == item.id, Supporter.user_id == actor.user_id)
    )
    if deleted.rowcount:  # type: ignore[attr-defined]  # a CursorResult for DELETE
        item.supporter_count = max(0, item.supporter_count - 1)
        await uow.session.flush()
        await announce(uow, item)


async def check_department(session: AsyncSession, department_id: int) -> Department:
    found = await session.get(Department, department_id)
    if found is None:
        raise invalid("department", lazy("Please choose one of the offered departments."))
    return found


def check_open(item: Concern) -> None:
    if item.state not in policy.OPEN:
        raise Conflict(lazy("This item is closed."))
