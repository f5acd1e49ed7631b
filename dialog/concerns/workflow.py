"""The steps of the office and the departments: route, accept, return, forward, merge,
change the category, do not publish, archive, hide a photo, note, answer (draft, approval),
and the author's reopening; each through `actions.do_move` (history, audit log, events)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from dialog import i18n
from dialog.accounts.actor import Actor
from dialog.accounts.policy import is_office
from dialog.concerns import mails, policy, queries
from dialog.concerns.actions import (
    Context,
    access_concern,
    announce,
    author_link,
    check_department,
    check_office,
    check_open,
    do_move,
    invalid,
    record,
)
from dialog.concerns.models import (
    Answer,
    AnswerState,
    Concern,
    Note,
    Photo,
    Route,
    State,
    Supporter,
)
from dialog.concerns.workdays import add_working_days
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Conflict
from dialog.i18n import lazy
from dialog.procedures.models import District


async def do_route(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, department_id: int
) -> None:
    """The office sends the item to a department, which then accepts or returns it."""
    check_open(item)
    department = await check_department(uow.session, department_id)
    item.department_id = department.id
    item.accepted = False
    await do_move(uow, ctx, actor, item, State.review, department.name, action="route")


async def do_accept(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, promised_on: date | None
) -> None:
    check_open(item)
    if item.department_id is None:
        raise Conflict(lazy("This item has not been routed to a department yet."))
    if promised_on is not None and promised_on < utcnow().date():
        raise invalid("promised_on", lazy("Please give a date that is not in the past."))
    item.accepted = True
    item.promised_on = promised_on
    reason = promised_on.isoformat() if promised_on else ""
    await do_move(uow, ctx, actor, item, State.progress, reason, action="accept")


async def do_return(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, reason: str
) -> None:
    """The department gives the item back to the office, saying why."""
    check_open(item)
    item.department_id = None
    item.accepted = False
    uow.session.add(Note(concern_id=item.id, author_id=actor.user_id, body=reason))
    await do_move(uow, ctx, actor, item, State.received, reason, action="return")


async def do_forward(uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, to: str) -> None:
    check_open(item)
    item.forwarded_to = to
    await do_move(uow, ctx, actor, item, State.forwarded, to, action="forward")


async def do_merge(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, original_id: int
) -> Concern:
    """The item duplicates `original`: its supporters (and its author's account) move there."""
    if original_id == item.id:
        raise invalid("original", lazy("An item cannot duplicate itself."))
    original = await queries.concern(uow.session, original_id)
    if original is None or original.state == State.unconfirmed:
        raise invalid("original", lazy("There is no item with this number."))
    if original.state == State.duplicate:
        raise invalid("original", lazy("This item is itself a duplicate."))
    check_open(item)
    movers = set(await queries.supporter_ids(uow.session, item.id))
    if item.author_id is not None:
        movers.add(item.author_id)
    movers -= set(await queries.supporter_ids(uow.session, original.id))
    movers.discard(original.author_id or 0)
    await uow.session.execute(delete(Supporter).where(Supporter.concern_id == item.id))
    for user_id in sorted(movers):
        uow.session.add(Supporter(concern_id=original.id, user_id=user_id))
    original.supporter_count += len(movers)
    item.supporter_count = 0
    item.duplicate_of_id = original.id
    await uow.session.flush()
    await do_move(uow, ctx, actor, item, State.duplicate, f"#{original.id}", action="merge")
    await announce(uow, original)
    return original


async def do_change_category(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, category_id: int
) -> None:
    """A new category routes the item again (and sets its answer date anew)."""
    check_open(item)
    category = await queries.category(uow.session, category_id)
    if category is None or not category.active:
        raise invalid("category", lazy("Please choose one of the offered categories."))
    before = item.category_id
    item.category_id = category.id
    item.department_id = await queries.routed_department(uow.session, category.id, item.district_id)
    item.accepted = False
    item.answer_due = add_working_days(item.created_at.date(), category.answer_days)
    await do_move(uow, ctx, actor, item, State.received, category.name_de, action="category")
    await record(uow, ctx, actor, item, "category.data", {"from": before, "to": category.id})


async def do_unpublish(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, reason: str
) -> None:
    """Not published: the reason goes to the author only."""
    item.state_reason = reason
    await do_move(uow, ctx, actor, item, State.unpublished, reason, action="unpublish")


async def do_archive(uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern) -> None:
    if item.state in policy.OPEN:
        raise Conflict(lazy("Open items are answered before they are archived."))
    if item.state == State.archived:
        return
    await do_move(uow, ctx, actor, item, State.archived, action="archive")


async def do_hide_photo(
    uow: UnitOfWork, ctx: Context, actor: Actor, photo: Photo, reason: str
) -> None:
    photo.hidden = True
    photo.hidden_reason = reason
    item = await access_concern(uow.session, photo.concern_id)
    item.updated_at = utcnow()
    await uow.session.flush()
    await record(uow, ctx, actor, item, "photo.hide", {"photo": photo.id, "reason": reason})
    await announce(uow, item)


async def do_note(uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, body: str) -> Note:
    note = Note(concern_id=item.id, author_id=actor.user_id, body=body)
    uow.session.add(note)
    await uow.session.flush()
    await record(uow, ctx, actor, item, "note", {"note": note.id})
    return note


def fill_template(body: str, item: Concern, category: str, department: str) -> str:
    values = {
        "{number}": str(item.id),
        "{category}": category,
        "{department}": department,
        "{date}": item.created_at.date().isoformat(),
    }
    for key, value in values.items():
        body = body.replace(key, value)
    return body


async def do_draft_answer(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, outcome: str, body: str
) -> Answer:
    """The department drafts; the office approves, unless it trusts the department to publish
    directly (or writes the answer itself)."""
    check_open(item)
    await uow.session.execute(
        delete(Answer).where(Answer.concern_id == item.id, Answer.state == AnswerState.draft)
    )
    answer = Answer(
        concern_id=item.id,
        department_id=item.department_id,
        author_id=actor.user_id,
        outcome=outcome,
        body=body,
    )
    uow.session.add(answer)
    await uow.session.flush()
    await record(uow, ctx, actor, item, "answer.draft", {"answer": answer.id, "outcome": outcome})
    direct = is_office(actor)
    if not direct and item.department_id is not None:
        setting = await queries.department_setting(uow.session, item.department_id)
        direct = setting.publishes_directly
    if direct:
        await do_publish_answer(uow, ctx, actor, item, answer)
    else:
        item.updated_at = utcnow()
        await announce(uow, item)
    return answer


async def do_publish_answer(
    uow: UnitOfWork, ctx: Context, actor: Actor, item: Concern, answer: Answer
) -> None:
    check_open(item)
    now = utcnow()
    answer.state = AnswerState.published
    answer.published_at = now
    answer.approved_by_id = actor.user_id
    item.reopen_until = now + timedelta(days=policy.REOPEN_DAYS)
    item.state_reason = answer.body if answer.outcome == State.not_feasible else ""
    to = State.not_feasible if answer.outcome == State.not_feasible else State.answered
    await do_move(uow, ctx, actor, item, to, action="answer")
    address, locale = await queries.author_email(uow.session, item)
    if address is not None:
        with i18n.using(locale):
            until = i18n.format_day(item.reopen_until.date())
        await mails.send(
            uow,
            ctx.settings,
            ctx.env,
            "answer",
            address,
            locale,
            user_id=item.author_id,
            number=item.id,
            body=answer.body,
            link=author_link(ctx.settings, item),
            until=until,
        )


async def do_reopen(
    uow: UnitOfWork,
    ctx: Context,
    item: Concern,
    *,
    solved: bool,
    satisfaction: int,
    reason: str,
    reopen: bool,
) -> None:
    """The author answers the satisfaction question; not solved and asked to, it reopens."""
    now = utcnow()
    if not policy.can_reopen(item.state, item.reopen_until, now):
        raise Conflict(lazy("This item can no longer be reopened."))
    item.solved = solved
    item.satisfaction = satisfaction
    item.updated_at = now
    author = Actor(user_id=item.author_id, role="resident" if item.author_id else "anonymous")
    await record(uow, ctx, author, item, "satisfaction", {"solved": solved, "score": satisfaction})
    if reopen and not solved:
        if len(reason) < 3:
            raise invalid("reason", lazy("Please say what is still missing."))
        item.reopened_count += 1
        item.reopen_until = None
        item.answered_at = None
        await do_move(uow, ctx, author, item, State.progress, reason, action="reopen")
    else:
        await uow.session.flush()  # satisfaction given, the item stays answered


async def do_set_route(
    uow: UnitOfWork,
    ctx: Context,
    actor: Actor,
    category_id: int,
    district_id: int | None,
    department_id: int,
) -> None:
    check_office(actor)
    if await queries.category(uow.session, category_id) is None:
        raise invalid("category", lazy("Please choose one of the offered categories."))
    if district_id is not None and await uow.session.get(District, district_id) is None:
        raise invalid("district", lazy("Please choose one of the offered districts."))
    await check_department(uow.session, department_id)
    existing = await uow.session.scalar(
        select(Route).where(
            Route.category_id == category_id,
            Route.district_id.is_(None)
            if district_id is None
            else Route.district_id == district_id,
        )
    )
    if existing is None:
        uow.session.add(
            Route(category_id=category_id, district_id=district_id, department_id=department_id)
        )
    else:
        existing.department_id = department_id
    await uow.session.flush()
    await ctx.hooks.audit(
        uow,
        actor.user_id,
        "concern.routing",
        f"category:{category_id}",
        {"district": district_id, "department": department_id},
    )
