"""The methods toolkit: the office edits it; the guide narrows it without JavaScript; methods
and the procedures using them link both ways."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Method
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]
METHOD = {
    "name": "Stadtteilspaziergang",
    "purpose": "Vor Ort gemeinsam schauen und sprechen.",
    "when_to_use": "Wenn ein Ort im Mittelpunkt steht.",
    "effort": "low",
    "level": "consultation",
    "duration": "short",
    "audience": "Nachbarschaft",
}


async def test_the_office_adds_and_changes_a_method(
    make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user("office"))
    added = await client.post("/methods/new", data={"csrf_token": token, **METHOD})
    assert added.status_code == 303 and added.headers["location"] == "/methods#stadtteilspaziergang"
    changed = await client.post(
        "/methods/stadtteilspaziergang/edit",
        data={"csrf_token": token, **METHOD, "audience": "Ältere Menschen"},
    )
    assert changed.status_code == 303
    page = await client.get("/methods")
    assert "Ältere Menschen" in page.text
    wrong = await client.post("/methods/new", data={"csrf_token": token, **METHOD, "effort": "x"})
    assert wrong.status_code == 422 and 'href="#effort"' in wrong.text


async def test_residents_and_staff_can_not_edit_the_toolkit(
    make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn, department: Department
) -> None:
    for who in (await make_user(), await make_user("staff", department)):
        token = await browser_session(who)
        assert (await client.get("/methods/new")).status_code == 403
        response = await client.post("/methods/new", data={"csrf_token": token, **METHOD})
        assert response.status_code == 403


async def test_the_guide_narrows_the_list_and_methods_link_to_their_procedures(
    client: httpx.AsyncClient, db: Database, department: Department
) -> None:
    async with db.unit_of_work() as uow:
        walk = Method(
            slug="walk",
            name="Spaziergang",
            purpose="p",
            when_to_use="w",
            effort="low",
            level="consultation",
            duration="short",
        )
        cell = Method(
            slug="cell",
            name="Planungszelle",
            purpose="p",
            when_to_use="w",
            effort="high",
            level="co-decision",
            duration="long",
        )
        uow.session.add_all([walk, cell])
        await uow.session.flush()
        walk_id = walk.id
    used = await factories.procedure(db, department, title="Ein Rundgang", method_id=walk_id)
    fitting = await client.get("/methods?effort=low&duration=short")
    assert "Spaziergang" in fitting.text and "Planungszelle" not in fitting.text
    assert f'href="/procedures/{used.id}"' in fitting.text
    codecision = await client.get("/methods?level=co-decision")
    assert "Planungszelle" in codecision.text and "Spaziergang" not in codecision.text
    assert "Spaziergang" in (await client.get("/methods?effort=nonsense")).text
    detail = await client.get(f"/procedures/{used.id}")
    assert 'href="/methods#walk"' in detail.text
