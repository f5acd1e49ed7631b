"""Builders for the concerns tests: categories, routing, items in a given state."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select
from starlette.applications import Starlette

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.concerns import actions
from dialog.concerns.actions import Context
from dialog.concerns.models import Category, Concern, Route
from dialog.concerns.schemas import SubmitIn
from dialog.db import Database
from dialog.procedures.models import Department, District
from dialog.web.templating import make_templates
from tests import factories

MakeUser = Callable[..., Awaitable[User]]


def actor_of(user: User | None) -> Actor:
    if user is None:
        return Actor()
    return Actor(
        user_id=user.id,
        role=user.role,
        department_id=user.department_id,
        display_name=user.display_name,
        via="token",
    )


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF with a GPS position and a camera name."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 24.0, 0.0), 3: "E", 4: (13.0, 3.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@dataclass
class World:
    db: Database
    ctx: Context
    department: Department
    other_department: Department
    district: District
    category: Category
    other: Category  # "Sonstiges"

    async def submit(self, who: User | None = None, **fields: Any) -> Concern:
        values: dict[str, Any] = {
            "kind": "defect",
            "category": self.category.id,
            "district": self.district.id,
            "text": "Die Straßenlaterne vor dem Spielplatz ist seit einer Woche dunkel.",
            "public": True,
            **fields,
        }
        photos = values.pop("photos", ())
        async with self.db.unit_of_work() as uow:
            submitted = await actions.do_submit(
                uow, self.ctx, actor_of(who), SubmitIn.model_validate(values), photos
            )
        return submitted.item

    async def load(self, concern_id: int) -> Concern:
        async with self.db.reading() as session:
            found = await session.get(Concern, concern_id)
        assert found is not None
        return found


@pytest.fixture
async def world(
    app: Starlette, db: Database, department: Department, other_department: Department
) -> World:
    services = app.state.services
    ctx = Context(services.settings, services.concern_hooks, make_templates().env)
    district = await factories.district(db, "babelsberg", "Babelsberg")
    async with db.unit_of_work() as uow:
        category = Category(slug="licht", name_de="Straßenbeleuchtung", name_en="Street lights")
        uow.session.add(category)
        await uow.session.flush()
        uow.session.add(
            Route(category_id=category.id, district_id=None, department_id=department.id)
        )
        other = await uow.session.scalar(select(Category).where(Category.is_other.is_(True)))
        assert other is not None
    return World(db, ctx, department, other_department, district, category, other)
