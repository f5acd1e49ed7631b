"""What the office keeps: categories (at most MAX_CATEGORIES active, "Sonstiges" always),
how it works with each department (publishes directly? who is the head?), answer templates.
Each change goes to the audit log."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from dialog.accounts.actor import Actor
from dialog.concerns.actions import Context, check_department, check_office, invalid
from dialog.concerns.models import Category, DepartmentSetting, Template
from dialog.concerns.schemas import CategoryEditIn, DepartmentSettingIn, TemplateIn
from dialog.db import UnitOfWork
from dialog.i18n import lazy

MAX_CATEGORIES = 20


def slug_of(name: str) -> str:
    plain = name.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return re.sub(r"[^a-z0-9]+", "-", plain.replace("ß", "ss")).strip("-")[:50] or "thema"


async def do_save_category(
    uow: UnitOfWork, ctx: Context, actor: Actor, data: CategoryEditIn
) -> Category:
    check_office(actor)
    session = uow.session
    if data.id is None:
        found = Category(slug=slug_of(data.name_de), name_de="", name_en="")
        taken = await session.scalar(select(Category.id).where(Category.slug == found.slug))
        if taken is not None:
            raise invalid("name_de", lazy("There is a category of this name already."))
        session.add(found)
    else:
        existing = await session.get(Category, data.id)
        if existing is None:
            raise invalid("id", lazy("Please choose one of the offered categories."))
        found = existing
    if found.is_other and not data.active:
        raise invalid("active", lazy('"Sonstiges" is always offered.'))
    found.name_de, found.name_en = data.name_de, data.name_en
    found.answer_days, found.active = data.answer_days, data.active or found.is_other
    await session.flush()
    active = await session.scalar(
        select(func.count()).select_from(Category).where(Category.active.is_(True))
    )
    if int(active or 0) > MAX_CATEGORIES:
        raise invalid("name_de", lazy("At most 20 categories can be offered at once."))
    await ctx.hooks.audit(
        uow,
        actor.user_id,
        "concern.category",
        f"category:{found.id}",
        data.model_dump(mode="json"),
    )
    return found


async def do_save_department_setting(
    uow: UnitOfWork, ctx: Context, actor: Actor, data: DepartmentSettingIn
) -> None:
    check_office(actor)
    await check_department(uow.session, data.department)
    found = await uow.session.get(DepartmentSetting, data.department)
    if found is None:
        found = DepartmentSetting(department_id=data.department)
        uow.session.add(found)
    found.publishes_directly = data.publishes_directly
    found.head_email = str(data.head_email or "")
    await uow.session.flush()
    await ctx.hooks.audit(
        uow,
        actor.user_id,
        "concern.department",
        f"department:{data.department}",
        data.model_dump(mode="json"),
    )


async def do_add_template(uow: UnitOfWork, ctx: Context, actor: Actor, data: TemplateIn) -> None:
    check_office(actor)
    template = Template(name=data.name, body=data.body)
    uow.session.add(template)
    await uow.session.flush()
    await ctx.hooks.audit(
        uow, actor.user_id, "concern.template", f"template:{template.id}", {"name": data.name}
    )
