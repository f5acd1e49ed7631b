"""The daily deadline job: reminders, escalation, the office's overdue list, once a working
day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from dialog.accounts.models import User
from dialog.concerns import workflow
from dialog.concerns.jobs import run_deadlines
from dialog.concerns.models import Concern, DepartmentSetting
from dialog.mail.models import OutboxMail
from tests.concerns.conftest import MakeUser, World, actor_of


async def mails(world: World) -> list[tuple[str, str]]:
    async with world.db.reading() as session:
        rows = (await session.execute(select(OutboxMail.kind, OutboxMail.recipient))).all()
    return sorted((kind, recipient) for kind, recipient in rows)


async def routed(world: World, office: User) -> Concern:
    item = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await workflow.do_route(uow, world.ctx, actor_of(office), found, world.department.id)
    return item


async def test_nothing_is_sent_on_a_holiday_or_a_weekend(world: World) -> None:
    assert not await run_deadlines(world.db, world.ctx, date(2026, 10, 3))  # Unity Day
    assert not await run_deadlines(world.db, world.ctx, date(2026, 12, 5))  # Saturday
    assert await mails(world) == []


async def test_an_item_due_soon_reminds_the_department_once_a_day(
    world: World, make_user: MakeUser
) -> None:
    office = await make_user("office")
    item = await routed(world, office)
    # Days far from the real one: the app's own run at start-up has done today already.
    monday = date(2030, 1, 7)
    async with world.db.unit_of_work() as uow:
        await uow.session.execute(
            update(Concern)
            .where(Concern.id == item.id)
            .values(
                first_reply_due=monday + timedelta(days=1),
                answer_due=monday + timedelta(days=20),
            )
        )
    assert await run_deadlines(world.db, world.ctx, monday)
    assert not await run_deadlines(world.db, world.ctx, monday)  # the second run does nothing
    assert await mails(world) == [("concern.reminder", "stadtplanung@example.org")]


async def test_an_overdue_item_escalates_to_the_head_and_lands_on_the_office_list(
    world: World, make_user: MakeUser
) -> None:
    office = await make_user("office")
    item = await routed(world, office)
    async with world.db.unit_of_work() as uow:
        uow.session.add(
            DepartmentSetting(department_id=world.department.id, head_email="chefin@example.org")
        )
        await uow.session.execute(
            update(Concern)
            .where(Concern.id == item.id)
            .values(first_reply_due=date(2026, 11, 2), answer_due=date(2026, 11, 20))
        )
    assert await run_deadlines(world.db, world.ctx, date(2030, 1, 7))  # not today (see above)
    sent = await mails(world)
    assert ("concern.escalation", "chefin@example.org") in sent
    assert office.email is not None
    assert ("concern.overdue", office.email) in sent
    assert (await world.load(item.id)).escalated_at is not None
    # Escalated once: the next working day the head is not written to again.
    assert await run_deadlines(world.db, world.ctx, date(2030, 1, 8))
    later = await mails(world)
    assert later.count(("concern.escalation", "chefin@example.org")) == 1
    assert later.count(("concern.overdue", office.email)) == 2
