"""What the office keeps: categories (at most 20, "Sonstiges" stays), departments' trust and
escalation address, answer templates; each change in the audit log."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from dialog.concerns.models import Category, DepartmentSetting, Template
from moderation.models import AuditEntry
from tests import factories
from tests.concerns.conftest import MakeUser, World


async def test_the_office_adds_a_category_and_cannot_switch_off_sonstiges(
    world: World, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    csrf = await factories.sign_in(client, await make_user("office"))
    added = await client.post(
        "/office/concerns/settings/categories",
        data={
            "csrf_token": csrf,
            "name_de": "Hunde und Katzen",
            "name_en": "Dogs and cats",
            "answer_days": "15",
            "active": "1",
        },
    )
    assert added.status_code == 303
    refused = await client.post(
        "/office/concerns/settings/categories",
        data={
            "csrf_token": csrf,
            "id": str(world.other.id),
            "name_de": "Sonstiges",
            "name_en": "Other",
            "answer_days": "20",
        },
    )
    assert refused.status_code == 422 and 'id="active-error"' in refused.text
    async with world.db.reading() as session:
        found = await session.scalar(select(Category).where(Category.slug == "hunde-und-katzen"))
        other = await session.get(Category, world.other.id)
        audit = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.action == "concern.category")
            )
        ).all()
    assert found is not None and found.answer_days == 15
    assert other is not None and other.active
    assert len(audit) == 1


async def test_no_more_than_twenty_categories_are_offered(
    world: World, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    async with world.db.unit_of_work() as uow:
        for number in range(18):  # with "Straßenbeleuchtung" and "Sonstiges": 20
            uow.session.add(Category(slug=f"t{number}", name_de=f"T{number}", name_en="T"))
    csrf = await factories.sign_in(client, await make_user("office"))
    refused = await client.post(
        "/office/concerns/settings/categories",
        data={"csrf_token": csrf, "name_de": "Noch eins", "name_en": "One more", "active": "1"},
    )
    assert refused.status_code == 422
    async with world.db.reading() as session:
        assert await session.scalar(select(Category).where(Category.slug == "noch-eins")) is None


async def test_the_office_trusts_a_department_and_adds_a_template(
    world: World, client: httpx.AsyncClient, make_user: MakeUser, api: factories.ApiAs
) -> None:
    staff = await make_user("staff", world.department)
    assert (await api.request(staff, "GET", "/office/concerns/settings")).status_code == 403
    csrf = await factories.sign_in(client, await make_user("office"))
    trusted = await client.post(
        "/office/concerns/settings/departments",
        data={
            "csrf_token": csrf,
            "department": str(world.department.id),
            "publishes_directly": "1",
            "head_email": "leitung@example.org",
        },
    )
    assert trusted.status_code == 303
    template = await client.post(
        "/office/concerns/settings/templates",
        data={"csrf_token": csrf, "name": "Dank", "body": "Danke für Nr. {number}."},
    )
    assert template.status_code == 303
    page = await client.get("/office/concerns/settings")
    assert page.status_code == 200 and "leitung@example.org" in page.text
    async with world.db.reading() as session:
        setting = await session.get(DepartmentSetting, world.department.id)
        names = (await session.scalars(select(Template.name))).all()
    assert setting is not None and setting.publishes_directly
    assert names == ["Dank"]
