"""The demo data shows the feature in every state, and its pages render."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from dialog.concerns.models import Category, Concern, State
from dialog.db import Database
from dialog.demo import _load


async def test_the_demo_has_items_in_every_state_and_the_pages_render(
    db: Database, client: httpx.AsyncClient
) -> None:
    async with db.unit_of_work() as uow:
        await _load(uow)
    async with db.reading() as session:
        states = set((await session.scalars(select(Concern.state))).all())
        categories = (await session.scalars(select(Category))).all()
        public = (
            await session.scalars(select(Concern.id).where(Concern.state == State.answered))
        ).all()
    assert states == {s.value for s in State} - {State.unconfirmed}
    assert len(categories) <= 20 and any(c.is_other for c in categories)
    assert (await client.get("/concerns")).status_code == 200
    page = await client.get(f"/concerns/{public[0]}")
    assert page.status_code == 200 and "Danke" in page.text
