"""District pages: procedures, proposals, organisations and contact of one district."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, District
from tests import factories
from tests.proposals.helpers import published

MakeUser = Callable[..., Awaitable[User]]


async def test_a_district_page_shows_what_happens_there(
    api: factories.ApiAs,
    make_user: MakeUser,
    client: httpx.AsyncClient,
    db: Database,
    department: Department,
) -> None:
    babelsberg = await factories.district(db, "babelsberg", "Babelsberg")
    other = await factories.district(db, "golm", "Golm")
    await factories.procedure(db, department, title="Neue Bänke im Park", districts=[babelsberg])
    await factories.procedure(db, department, title="Golmer Brücke", districts=[other])
    async with db.unit_of_work() as uow:
        found = await uow.session.get(District, babelsberg.id)
        assert found is not None
        found.contact_name = "Bea Bezirk"
    await published(
        api,
        await make_user(),
        await make_user("office"),
        title="Ein Kiezfest",
        districts=["babelsberg"],
    )
    page = await client.get("/districts/babelsberg")
    assert page.status_code == 200
    assert "Neue Bänke im Park" in page.text and "Golmer Brücke" not in page.text
    assert "Ein Kiezfest" in page.text
    assert "Bea Bezirk" in page.text
    assert (await client.get("/districts/nirgendwo")).status_code == 404
    listing = await client.get("/procedures")
    assert 'href="/districts/babelsberg"' in listing.text
