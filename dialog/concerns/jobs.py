"""The daily deadline job: reminders to departments, escalation to their heads, and the
office's overdue list, on Brandenburg's working days, once a day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dialog.accounts.models import Role, User
from dialog.background import Background
from dialog.concerns import mails, queries
from dialog.concerns.actions import Context
from dialog.concerns.hooks import ConcernHooks
from dialog.concerns.models import Concern, DailyRun, State
from dialog.concerns.workdays import add_working_days, is_working_day
from dialog.db import Database, utcnow
from dialog.procedures.models import Department
from dialog.settings import Settings
from dialog.web.templating import make_templates

CHECK_EVERY = 3600.0  # seconds; the work itself is done once per working day
HANDLED = (State.review, State.progress)


def register(background: Background, db: Database, settings: Settings, hooks: ConcernHooks) -> None:
    ctx = Context(settings, hooks, make_templates().env)
    background.every(
        "concern-deadlines",
        CHECK_EVERY,
        lambda: run_deadlines(db, ctx, utcnow().date()),
        at_start=True,
    )


async def run_deadlines(db: Database, ctx: Context, today: date) -> bool:
    """Send the day's reminders; False when there is nothing to do today (weekend, holiday,
    or already done)."""
    if not is_working_day(today):
        return False
    try:
        async with db.unit_of_work() as uow:
            uow.session.add(DailyRun(day=today))
            await uow.session.flush()
            soon = add_working_days(today, 2)
            open_items = (
                await uow.session.scalars(
                    select(Concern)
                    .where(Concern.state.in_([State.received, *HANDLED]))
                    .order_by(Concern.answer_due, Concern.id)
                )
            ).all()
            reminders: dict[int, list[Concern]] = defaultdict(list)
            escalations: dict[int, list[Concern]] = defaultdict(list)
            overdue: list[Concern] = []
            for item in open_items:
                late_reply = item.first_reply_at is None and item.first_reply_due < today
                late = item.answer_due < today or late_reply
                if late:
                    overdue.append(item)
                if item.department_id is None or item.state not in HANDLED:
                    continue
                if late and item.escalated_at is None:
                    escalations[item.department_id].append(item)
                    item.escalated_at = utcnow()
                elif item.answer_due <= soon or (
                    item.first_reply_at is None and item.first_reply_due <= soon
                ):
                    reminders[item.department_id].append(item)
                    item.reminded_on = today
            for department_id, items in reminders.items():
                department = await uow.session.get(Department, department_id)
                if department is not None and department.email:
                    await mails.send_list(
                        uow, ctx.settings, ctx.env, "reminder", department.email, items
                    )
            for department_id, items in escalations.items():
                department = await uow.session.get(Department, department_id)
                setting = await queries.department_setting(uow.session, department_id)
                head = setting.head_email or (department.email if department else None)
                if head:
                    await mails.send_list(uow, ctx.settings, ctx.env, "escalation", head, items)
            if overdue:
                office = (
                    await uow.session.scalars(
                        select(User.email).where(
                            User.role == Role.office, User.deleted_at.is_(None)
                        )
                    )
                ).all()
                for address in office:
                    if address:
                        await mails.send_list(
                            uow, ctx.settings, ctx.env, "overdue", address, overdue
                        )
            if not (reminders or escalations or overdue):
                return True  # done for today; an empty run is no entry of the audit log
            await ctx.hooks.audit(
                uow,
                None,
                "concern.deadlines",
                f"day:{today.isoformat()}",
                {
                    "reminders": sum(len(v) for v in reminders.values()),
                    "escalations": sum(len(v) for v in escalations.values()),
                    "overdue": len(overdue),
                },
            )
    except IntegrityError:
        return False  # another process ran today's job
    return True
